/**
 * `tim demo` on a small scale: the emulator and the client come from the emulator's TestKit (in memory, both
 * unlimited), the requests are counted through the kit's HTTP client layer, and the injected item faults are
 * retried per item.
 */
import { assert, describe, it } from "@effect/vitest"
import { Prng } from "@effect-tim/emulator"
import { Limits } from "@effect-tim/schema"
import { Effect } from "effect"
import * as Demo from "../src/internal/demoCommand.js"

const small: Demo.DemoOptions = { accounts: 120, relations: 400, itemError: 0.05, concurrency: 4, seed: 7 }

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0)

describe("tim demo", () => {
  it.live(
    "adds and checks every planned relation: each gets one outcome, faults are retried, calls are counted",
    () =>
      Effect.gen(function* () {
        const planned = Demo.plan(small, Prng)
        const fromAccounts = planned.length
        const s = yield* Demo.run(small)
        assert.strictEqual(s.accounts, small.accounts)
        assert.strictEqual(s.relations, small.relations)
        assert.strictEqual(s.add.added + s.add.pending + s.add.alreadyFriends + sum(s.add.failed), small.relations)
        // About 3% of the relations repeat an earlier pair the other way round: already friends, unless pending.
        assert.isAbove(s.add.alreadyFriends, 0)
        assert.isAbove(s.add.pending, 0, "10% of the accounts want to confirm")
        assert.isAbove(s.add.retries, 0, "5% injected item faults are retried")
        assert.strictEqual(sum(s.check.relations) + sum(s.check.failed), small.relations)
        // What was added (or already was) is a two-way friendship; a pending one too when its reverse was added later.
        const bothWay = s.check.relations.CheckResult_Type_BothWay ?? 0
        assert.isAtLeast(bothWay, s.add.added + s.add.alreadyFriends)
        assert.isAtMost(bothWay, s.add.added + s.add.alreadyFriends + s.add.pending)
        // Counted through the kit's HTTP client: at least one call per from-account in each phase, more with retries.
        assert.isAtLeast(s.add.calls, fromAccounts)
        assert.isAtLeast(s.check.calls, fromAccounts)
        // Imports (100 per call) and AllowType settings (one call each) come before the two phases.
        const indexes = Array.from({ length: small.accounts }, (_, i) => i)
        const allowTypeCalls = indexes.filter((i) => i % 10 === 3 || i % 50 === 7).length
        const setup = Math.ceil(small.accounts / Limits.maxAccountItems) + allowTypeCalls
        assert.strictEqual(s.calls, s.add.calls + s.check.calls + setup)
      }),
    120_000
  )

  it("the report shows both phases and the totals", () => {
    const report = Demo.report({
      accounts: 2,
      relations: 1,
      injectedItemErrors: 0.05,
      rateLimit: "lifted (unlimited) for the demo",
      add: {
        added: 1,
        pending: 0,
        alreadyFriends: 0,
        failed: {},
        retries: 2,
        calls: 3,
        callsPerSecond: 30,
        elapsedMs: 100
      },
      check: {
        relations: { CheckResult_Type_BothWay: 1 },
        failed: {},
        retries: 0,
        calls: 1,
        callsPerSecond: 10,
        elapsedMs: 100
      },
      calls: 6,
      callsPerSecond: 20,
      elapsedMs: 300
    })
    assert.include(report, "friend add")
    assert.include(report, "friend check")
    assert.include(report, "total: 6 calls, 20 calls/s, 0.30s")
  })
})
