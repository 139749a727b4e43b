import { assert, describe, it } from "@effect/vitest"
import { Console, Effect, TestClock } from "effect"
import { Tally } from "../src/internal/output.js"
import * as Progress from "../src/internal/progress.js"

describe("progress", () => {
  it("the line carries done/total, rate, ETA, retries and failures by code", () => {
    const text = Progress.line({
      done: 50,
      total: 200,
      elapsedMs: 10_000,
      retries: 7,
      failures: new Map([["30003 AccountNotFound", 2]]),
      bar: 10
    })
    assert.strictEqual(
      text,
      "[###.......] 50/200 items (25.0%), 5/s, ETA 30s, 7 retries, failures: 30003 AccountNotFound×2"
    )
  })

  it.scoped("off a TTY, each periodic line shows the tally as it is then, not as it was at the start", () =>
    Effect.gen(function* () {
      const stderr = process.stderr as { isTTY?: boolean | undefined }
      const saved = stderr.isTTY
      yield* Effect.addFinalizer(() => Effect.sync(() => (stderr.isTTY = saved)))
      stderr.isTTY = false
      const lines: Array<string> = []
      const console = yield* Console.consoleWith((c) => Effect.succeed(c))
      const recording: Console.Console = {
        ...console,
        error: (...args) => Effect.sync(() => lines.push(args.join(" ")))
      }
      const tally = new Tally()
      yield* Console.withConsole(Progress.start(tally, 10), recording)
      yield* TestClock.adjust("3 seconds")
      tally.addAll([{ from: "a", to: "b", outcome: "CheckResult_Type_NoRelation" }])
      tally.add({ from: "a", to: "c", error: { tag: "AccountNotFound", code: 30003, info: "" } })
      yield* TestClock.adjust("3 seconds")
      tally.retries = 4
      yield* TestClock.adjust("3 seconds")
      assert.deepStrictEqual(
        lines.map((l) => l.replace(/, \d+\/s, ETA [^,]+/, "")),
        [
          "tim: 0/10 items (0.0%), 0 retries, no failures",
          "tim: 2/10 items (20.0%), 0 retries, failures: 30003 AccountNotFound×1",
          "tim: 2/10 items (20.0%), 4 retries, failures: 30003 AccountNotFound×1"
        ]
      )
    })
  )

  it.scoped("on a TTY, a row printed during the run clears the bar first and redraws it after", () =>
    Effect.gen(function* () {
      const events: Array<string> = []
      const stderr = process.stderr as {
        isTTY?: boolean | undefined
        columns?: number | undefined
        write: typeof process.stderr.write
      }
      const saved = { isTTY: stderr.isTTY, columns: stderr.columns, write: stderr.write }
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          stderr.isTTY = saved.isTTY
          stderr.columns = saved.columns
          stderr.write = saved.write
        })
      )
      stderr.isTTY = true
      stderr.columns = 200
      stderr.write = ((chunk: string) => {
        events.push(`err:${chunk}`)
        return true
      }) as typeof stderr.write
      const tally = new Tally()
      tally.retries = 3
      const progress = yield* Progress.start(tally, 10)
      yield* progress.around(Effect.sync(() => events.push("row")))
      const row = events.indexOf("row")
      assert.isAbove(row, -1)
      // Nothing was drawn before the row, so there is nothing to clear; the bar is drawn after it.
      const clear = "err:\r\u001b[2K"
      assert.isTrue(events[row + 1]?.startsWith(`${clear}[`), events[row + 1])
      assert.match(events[row + 1] ?? "", /\] 0\/10 items .*3 retries/)
      yield* progress.around(Effect.sync(() => events.push("row2")))
      const row2 = events.indexOf("row2")
      assert.strictEqual(events[row2 - 1], clear)
      assert.isTrue(events[row2 + 1]?.startsWith(`${clear}[`), events[row2 + 1])
    })
  )
})
