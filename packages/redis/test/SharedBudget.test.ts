/**
 * The main test: four worker processes, each configured with the full per-API limit and sharing one Redis,
 * against one emulator whose own limit is that same number.
 */
import { assert, describe, it } from "@effect/vitest"
import { Emulator } from "@effect-tim/emulator"
import { Effect } from "effect"
import { runWorkers } from "./fixtures/workers.js"
import { redisServer } from "./redisServer.js"

const LIMIT = 60
const SECONDS = 12

describe("four processes, one budget", () => {
  it.scopedLive(
    "friend_check from 4 workers with the full limit each: no 60007, >= 95% of the limit for 12 s",
    () =>
      Effect.gen(function* () {
        const server = yield* redisServer
        // 5% headroom on the emulator's own window for delivery jitter: calls granted evenly by Redis can reach the
        // server bunched when the test runs beside others on 2 cores. Four workers that did not share would send
        // 4 x LIMIT a second and be refused by the hundred.
        const emu = yield* Emulator.make({ ...Emulator.testDefaults, rateLimit: Math.ceil(LIMIT * 1.05) })
        yield* emu.seed({ accounts: ["worker-a", "worker-b"] })
        yield* emu.resetStats
        const results = yield* runWorkers({
          count: 4,
          baseUrl: emu.baseUrl,
          redisUrl: server.url,
          limit: LIMIT,
          seconds: SECONDS,
          fibers: 6,
          // The budget is under test here, not the fallback (RedisLimiter.test.ts): a loaded CI host must not push a
          // healthy but late Redis answer into it.
          redisTimeout: "1 second"
        })
        const stats = yield* emu.stats
        const failures = results.flatMap((r) => Object.entries(r.failures))
        const fallbacks = results.reduce((n, r) => n + r.fallbacks, 0)
        assert.deepStrictEqual(
          failures,
          [],
          `no call failed (retries are off: a 60007 would show here); fallbacks: ${fallbacks}`
        )
        const check = stats.apis["v4/sns/friend_check"]
        assert.isDefined(check)
        assert.deepStrictEqual(Object.keys(check?.answers ?? {}), ["0"], `no 60007: ${JSON.stringify(check?.answers)}`)
        // The workers' warm-up calls come before the start; count the calls completed inside the window.
        const inWindow = results.flatMap((r) => r.done).filter((t) => t >= 0 && t <= SECONDS * 1000).length
        const share = inWindow / (LIMIT * SECONDS)
        assert.isAtLeast(share, 0.95, `aggregate ${(share * 100).toFixed(1)}% of ${LIMIT}/s`)
        assert.isAtMost(share, 1.0)
        for (const result of results) assert.isAtLeast(result.done.length, 0.1 * LIMIT * SECONDS, "every worker ran")
      }),
    180_000
  )
})
