/**
 * The main test: four worker processes, each configured with the full per-API limit and sharing one Redis,
 * against one emulator whose own limit is that same number (a strict sliding second, counted when it handles a
 * call): no 60007 at all, and together at least 95% of the limit.
 *
 * The margin for delivery jitter is the window's guard (30 ms): a host so loaded that a call reaches the emulator
 * more than that later than the call `limit` places after it fails this test, as it would meet 60007 from Tencent.
 * Run it on its own, not beside other test files on a small machine (see the package README).
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
        const emu = yield* Emulator.make({ ...Emulator.testDefaults, rateLimit: LIMIT })
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
        // Retries are off, so a 60007 shows as a failed call. Four workers that did not share the budget would send
        // 4 x LIMIT a second and see about three calls in four refused.
        assert.deepStrictEqual(failures, [], `no call failed; fallbacks: ${fallbacks}`)
        const check = stats.apis["v4/sns/friend_check"]
        assert.isDefined(check)
        const answers = check?.answers ?? {}
        assert.deepStrictEqual(
          Object.keys(answers),
          ["0"],
          `the emulator's answers by code: ${JSON.stringify(answers)}`
        )
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
