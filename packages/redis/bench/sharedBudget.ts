/**
 * Shared-budget benchmark: one emulator whose friend_check limit is `limit` calls/s, one private redis-server.
 *
 * 1. 1, 2 and 4 worker processes, each with the full limit and the Redis limiter: the aggregate rate as a share
 *    of the limit, the emulator's 60007 answers, and Redis round trips per call (from the server's own counts).
 *    Then where 60007 come from: each request carries when its limiter let it go, and this process notes when the
 *    emulator got to it: the delay between the two (delivery jitter), and the shortest span of `limit + 1` calls
 *    as the limiters let them go and as the emulator saw them (under 1000 ms as seen: a 60007).
 * 2. The cost per call in one process: the Redis limiter against the memory limiter, with a limit high enough
 *    that nobody waits (the limiter alone, then whole friend_check calls); the difference in ms per call.
 * 3. @effect/experimental's RateLimiter on its Redis store (fixed window and token bucket, `onExceeded: "delay"`)
 *    against this package's GCRA, 4 fibers at `limit`/s: the most grants in any 100 ms and in any 1 s.
 *
 * Run: pnpm exec tsx --conditions=@effect-tim/source bench/shared-budget.ts [limit = 60] [seconds = 10]
 * (bench/shared-budget.ts runs this file; it lives here to resolve the package's dependencies.)
 */
import * as http from "node:http"
import * as os from "node:os"
import * as RateLimiter from "@effect/experimental/RateLimiter"
import * as RateLimiterRedis from "@effect/experimental/RateLimiter/Redis"
import { NodeHttpClient } from "@effect/platform-node"
import { Emulator } from "@effect-tim/emulator"
import { Fields, FriendCheck } from "@effect-tim/schema"
import { CallLimiter, TimClient } from "@effect-tim/transport"
import { Array as Arr, Context, Effect, Layer } from "effect"
import { Redis } from "ioredis"
import { RedisLimiter } from "../src/index.js"
import { maxInSpan } from "../test/fixtures/spans.js"
import { runWorkers } from "../test/fixtures/workers.js"
import { redisServer } from "../test/redisServer.js"

const roundTrips = (url: string) =>
  Effect.promise(async () => {
    const client = new Redis(url)
    const info = await client.info("commandstats")
    await client.quit()
    return [...info.matchAll(/cmdstat_(evalsha|eval):calls=(\d+)/g)].reduce((n, m) => n + Number(m[2]), 0)
  })

/**
 * When the emulator (a Node HTTP server in this process) got to each traced request, and when its limiter let it go
 * (`x-released`, same host, same epoch clock): the emulator hands a request on through `emit("request")` once its
 * body is read, right before it counts it.
 */
const seen: Array<{ readonly handled: number; readonly released: number }> = []
const emit = http.Server.prototype.emit
http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: Array<unknown>) {
  if (event === "request") {
    const released = Number((args[0] as http.IncomingMessage).headers["x-released"])
    if (released > 0) seen.push({ handled: performance.timeOrigin + performance.now(), released })
  }
  return Reflect.apply(emit, this, [event, ...args]) as boolean
} as typeof emit

const quantile = (sorted: ReadonlyArray<number>, q: number) =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number)

/** The shortest span holding `count` of `times`. */
const leastSpan = (times: ReadonlyArray<number>, count: number): number => {
  const sorted = [...times].sort((a, b) => a - b)
  let least = Number.POSITIVE_INFINITY
  for (let i = 0; i + count - 1 < sorted.length; i++) {
    least = Math.min(least, (sorted[i + count - 1] as number) - (sorted[i] as number))
  }
  return least
}

const request = {
  fromAccount: Fields.UserId.make("worker-a"),
  toAccounts: [Fields.UserId.make("worker-b")],
  checkType: "CheckResult_Type_Both"
} as const

/** Mean ms per sequential call of `effect`, over `n` after `n / 10` warm-up calls. */
const perCall = <E>(effect: Effect.Effect<unknown, E>, n: number) =>
  Effect.gen(function* () {
    for (let i = 0; i < n / 10; i++) yield* effect
    const start = performance.now()
    for (let i = 0; i < n; i++) yield* effect
    return (performance.now() - start) / n
  })

/** Grant (wake-up) times of 4 fibers taking `acquire` for `millis`. */
const wakeUps = <E>(acquire: Effect.Effect<unknown, E>, millis: number) =>
  Effect.gen(function* () {
    const times: Array<number> = []
    const end = Date.now() + millis
    const loop = Effect.gen(function* () {
      while (Date.now() < end) {
        yield* acquire
        times.push(Date.now())
      }
    })
    yield* Effect.all(Arr.replicate(loop, 4), { concurrency: "unbounded" })
    return times.filter((t) => t < end)
  })

export const main = (limit: number, seconds: number) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const redis = yield* redisServer
        const emulator = yield* Emulator.make({ ...Emulator.testDefaults, rateLimit: limit })
        yield* emulator.seed({ accounts: ["worker-a", "worker-b"] })
        console.log(
          `shared budget: friend_check at ${limit}/s, ${seconds} s per run, load ${os
            .loadavg()
            .map((l) => l.toFixed(2))
            .join(" ")}`
        )

        console.log("\n1. processes, each with the full limit, one Redis")
        console.log("processes  calls  share of limit  60007  round trips/call  switches to fallback")
        const jitter: Array<string> = []
        for (const count of [1, 2, 4]) {
          yield* emulator.resetStats
          const before = yield* roundTrips(redis.url)
          seen.length = 0
          const results = yield* runWorkers({
            count,
            baseUrl: emulator.baseUrl,
            redisUrl: redis.url,
            limit,
            seconds,
            fibers: 6,
            traceReleases: true
          })
          const delays = seen.map((s) => s.handled - s.released).sort((a, b) => a - b)
          jitter.push(
            `${String(count).padStart(9)}  ${[0.5, 0.99, 1].map((q) => quantile(delays, q).toFixed(1).padStart(7)).join(" ")}  ${leastSpan(
              seen.map((s) => s.released),
              limit + 1
            )
              .toFixed(1)
              .padStart(15)}  ${leastSpan(
              seen.map((s) => s.handled),
              limit + 1
            )
              .toFixed(1)
              .padStart(14)}`
          )
          const trips = (yield* roundTrips(redis.url)) - before
          const stats = yield* emulator.stats
          const answers = stats.apis["v4/sns/friend_check"]?.answers ?? {}
          const calls = Object.values(answers).reduce((a, b) => a + b, 0)
          const inWindow = results.flatMap((r) => r.done).filter((t) => t >= 0 && t <= seconds * 1000).length
          console.log(
            `${String(count).padStart(9)}  ${String(inWindow).padStart(5)}  ${((inWindow / (limit * seconds)) * 100).toFixed(1).padStart(13)}%  ${String(answers["60007"] ?? 0).padStart(5)}  ${(trips / calls).toFixed(2).padStart(17)}  ${String(results.reduce((n, r) => n + r.fallbacks, 0)).padStart(20)}`
          )
        }

        console.log(
          `\ndelivery jitter: ms from the limiter letting a call go to the emulator handling it, and the shortest span of ${limit + 1} calls (ms)`
        )
        console.log("processes      p50     p99     max  as let go  as handled")
        for (const line of jitter) console.log(line)

        console.log("\n2. cost per call in one process (limit 1e6/s: nobody waits), Redis limiter vs memory limiter")
        // A burst as large as the limit allows, so that no call waits: the cost of the limiters themselves.
        const big = 1_000_000
        const memory = CallLimiter.makeMemory({ burst: big })
        const shared = yield* RedisLimiter.make({ url: redis.url, burst: big })
        const unlimited = yield* Emulator.make({ ...Emulator.testDefaults, rateLimit: 0 })
        yield* unlimited.seed({ accounts: ["worker-a", "worker-b"] })
        const callWith = (limiter: CallLimiter.CallLimiter.Service) =>
          Effect.map(
            Layer.build(
              TimClient.layer({
                ...Emulator.testDefaults,
                identifier: Emulator.testDefaults.admins[0],
                endpoint: unlimited.baseUrl,
                rateLimit: big,
                retry: false
              }).pipe(
                Layer.provide(Layer.succeed(CallLimiter.CallLimiter, limiter)),
                Layer.provide(NodeHttpClient.layerUndici)
              )
            ),
            (context) => Context.get(context, TimClient.TimClient).call(FriendCheck.api, request)
          )
        const memCall = yield* callWith(memory)
        const redisCall = yield* callWith(shared)
        // Interleaved rounds, median per side: a loaded machine slows both sides alike within a round.
        const median = (xs: ReadonlyArray<number>) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number
        const rounds = {
          memAcquire: [] as Array<number>,
          redisAcquire: [] as Array<number>,
          memCall: [] as Array<number>,
          redisCall: [] as Array<number>
        }
        const tripsBefore = yield* roundTrips(redis.url)
        for (let round = 0; round < 7; round++) {
          rounds.memAcquire.push(yield* perCall(memory.acquire("bench/acquire", big), 1000))
          rounds.redisAcquire.push(yield* perCall(shared.acquire("bench/acquire", big), 1000))
          rounds.memCall.push(yield* perCall(memCall, 200))
          rounds.redisCall.push(yield* perCall(redisCall, 200))
        }
        const trips = (yield* roundTrips(redis.url)) - tripsBefore
        const m = {
          memAcquire: median(rounds.memAcquire),
          redisAcquire: median(rounds.redisAcquire),
          memCall: median(rounds.memCall),
          redisCall: median(rounds.redisCall)
        }
        console.log(
          `acquire only:      memory ${m.memAcquire.toFixed(4)} ms, Redis ${m.redisAcquire.toFixed(4)} ms: +${(m.redisAcquire - m.memAcquire).toFixed(3)} ms per call`
        )
        console.log(
          `friend_check call: memory ${m.memCall.toFixed(3)} ms, Redis ${m.redisCall.toFixed(3)} ms: +${(m.redisCall - m.memCall).toFixed(3)} ms per call (ratio ${(m.redisCall / m.memCall).toFixed(2)})`
        )
        // Every Redis-side acquire should be one round trip; fewer means some took the local fallback (too slow).
        console.log(`Redis round trips: ${trips} for ${7 * (1100 + 220)} Redis-side acquires (warm-ups included)`)

        console.log(
          `\n3. burstiness at ${limit}/s, 4 fibers, 3 s: the most grants in any 100 ms / any 1 s (even pacing: about a tenth / at most the limit)`
        )
        const store = yield* Layer.build(RateLimiterRedis.layerStore({ port: redis.port, host: "127.0.0.1" }))
        const limiter = yield* RateLimiter.make.pipe(Effect.provide(store))
        // Its fixed window sets a key's PX to `window / limit` ms, which Redis refuses unless it is an integer
        // (limits such as 30 or 60 per second fail); 50/s is measured as well for that reason.
        for (const rate of limit === 50 ? [limit] : [limit, 50]) {
          for (const algorithm of ["fixed-window", "token-bucket"] as const) {
            const times = yield* Effect.either(
              wakeUps(
                Effect.flatMap(
                  limiter.consume({
                    algorithm,
                    onExceeded: "delay",
                    window: "1 second",
                    limit: rate,
                    key: `exp-${algorithm}-${rate}`
                  }),
                  ({ delay }) => Effect.sleep(delay)
                ),
                3000
              )
            )
            const label = `@effect/experimental ${algorithm.padEnd(12)} ${String(rate).padStart(3)}/s`
            if (times._tag === "Left") {
              const cause = (times.left as { readonly cause?: { readonly message?: string } }).cause
              console.log(`${label}: fails (${cause?.message ?? times.left.message})`)
            } else {
              const t = times.right
              console.log(
                `${label}: ${String(maxInSpan(t, 100)).padStart(4)} / ${String(maxInSpan(t, 1000)).padStart(4)}   (${t.length} in 3 s)`
              )
            }
          }
        }
        const defaults = yield* RedisLimiter.make({ url: redis.url })
        const ours = yield* wakeUps(defaults.acquire("bench/burst", limit), 3000)
        console.log(
          `@effect-tim/redis GCRA            : ${String(maxInSpan(ours, 100)).padStart(4)} / ${String(maxInSpan(ours, 1000)).padStart(4)}   (${ours.length} in 3 s)`
        )
        console.log(
          `\nload after: ${os
            .loadavg()
            .map((l) => l.toFixed(2))
            .join(" ")}`
        )
      })
    )
  )
