/**
 * The second test: one process, the same work with the Redis limiter and with the memory limiter. What a
 * test can assert without timing: the Redis limiter adds exactly one Redis round trip to each whole call, and
 * nothing else changes. What it costs in milliseconds is measured by `bench/shared-budget.ts` (section 2), as the
 * project measures speed: in a benchmark, against the memory limiter in the same process, never in a timed test.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Emulator } from "@effect-tim/emulator"
import { Fields, FriendCheck } from "@effect-tim/schema"
import { CallLimiter, TimClient } from "@effect-tim/transport"
import { Effect, Layer } from "effect"
import { Redis } from "ioredis"
import { RedisLimiter, type RedisLimiterError } from "../src/index.js"
import { redisServer } from "./redisServer.js"

/** Script runs (EVALSHA and EVAL) the server has answered so far: the limiter's only commands. */
const scriptCalls = (url: string) =>
  Effect.acquireUseRelease(
    Effect.sync(() => new Redis(url)),
    (client) =>
      Effect.promise(async () => {
        const info = await client.info("commandstats")
        return [...info.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0)
      }),
    (client) => Effect.promise(() => client.quit())
  )

const request = (i: number): FriendCheck.Request => ({
  fromAccount: Fields.UserId.make("worker-a"),
  toAccounts: [Fields.UserId.make(i % 2 === 0 ? "worker-b" : "nobody")],
  checkType: "CheckResult_Type_Both"
})

describe("one process: the Redis limiter against the memory limiter", () => {
  it.scopedLive("the same work gives the same answers; Redis adds one round trip per call, no more", () =>
    Effect.gen(function* () {
      const server = yield* redisServer
      const emulator = yield* Emulator.make({ ...Emulator.testDefaults, rateLimit: 0 })
      yield* emulator.seed({ accounts: ["worker-a", "worker-b"] })
      const work = (limiter: Layer.Layer<CallLimiter.CallLimiter, RedisLimiterError.RedisLimiterError>) =>
        Effect.gen(function* () {
          const tim = yield* TimClient.TimClient
          // 60 calls one after the other, then 60 from 8 fibers: every path through the limiter (waits included).
          const one = yield* Effect.forEach(
            Array.from({ length: 60 }, (_, i) => i),
            (i) => tim.call(FriendCheck.api, request(i))
          )
          const many = yield* Effect.forEach(
            Array.from({ length: 60 }, (_, i) => i),
            (i) => tim.call(FriendCheck.api, request(i)),
            { concurrency: 8 }
          )
          return [...one, ...many].map((answer) => answer.infoItems.map((r) => [r.toAccount, r.resultCode, r.relation]))
        }).pipe(
          Effect.provide(
            TimClient.layer({
              ...Emulator.testDefaults,
              identifier: Emulator.testDefaults.admins[0],
              endpoint: emulator.baseUrl,
              rateLimit: 400,
              retry: false
            }).pipe(Layer.provide(limiter), Layer.provide(NodeHttpClient.layerUndici))
          )
        )

      const before = yield* scriptCalls(server.url)
      const withMemory = yield* work(CallLimiter.layerMemory())
      const between = yield* scriptCalls(server.url)
      const withRedis = yield* work(RedisLimiter.layer({ url: server.url, timeout: "5 seconds" }))
      const after = yield* scriptCalls(server.url)

      assert.deepStrictEqual(withRedis, withMemory, "the same answers")
      assert.strictEqual(withRedis.length, 120)
      assert.strictEqual(between - before, 0, "the memory limiter never talks to Redis")
      assert.strictEqual(after - between, 120, "one Redis round trip per whole call")
    })
  )
})
