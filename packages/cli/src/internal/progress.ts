/**
 * Progress of a bulk run on stderr: a redrawn bar on a TTY, otherwise a plain line every few seconds.
 */
import { Console, Effect, Schedule, type Scope } from "effect"
import type { Tally } from "./output.js"

/** `1m05s`, `42s`. */
export const formatDuration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return "?"
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const rest = s % 60
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : m > 0 ? `${m}m${String(rest).padStart(2, "0")}s` : `${rest}s`
}

/** The progress text: done/total, percentage, rate, ETA and failures by code. */
export const line = (options: {
  readonly done: number
  readonly total: number
  readonly elapsedMs: number
  readonly failures: ReadonlyMap<string, number>
  readonly bar?: number | undefined
}): string => {
  const { done, total, elapsedMs } = options
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0
  const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY
  const ratio = total > 0 ? Math.min(1, done / total) : 1
  const failures =
    options.failures.size === 0
      ? "no failures"
      : `failures: ${[...options.failures].map(([key, n]) => `${key}×${n}`).join(", ")}`
  const bar =
    options.bar === undefined ? "" : `[${"#".repeat(Math.round(ratio * options.bar)).padEnd(options.bar, ".")}] `
  return `${bar}${done}/${total} items (${(ratio * 100).toFixed(1)}%), ${Math.round(rate)}/s, ETA ${done >= total ? "0s" : formatDuration(eta)}, ${failures}`
}

/**
 * Starts reporting `tally` against `total` items (items skipped thanks to the journal are excluded from both)
 * until the scope closes, then prints the final state once.
 */
export const start = (tally: Tally, total: number): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function* () {
    const started = Date.now()
    const tty = process.stderr.isTTY === true
    const render = (final: boolean) =>
      Effect.suspend(() => {
        const text = line({
          done: tally.total,
          total,
          elapsedMs: Date.now() - started,
          failures: tally.failures,
          bar: tty ? 30 : undefined
        })
        if (tty) {
          return Effect.sync(() => {
            process.stderr.write(`\r\x1b[2K${text}${final ? "\n" : ""}`)
          })
        }
        return Console.error(`tim: ${text}`)
      })
    yield* Effect.addFinalizer(() => render(true))
    yield* Effect.forkScoped(
      render(false).pipe(Effect.delay(tty ? "200 millis" : "3 seconds"), Effect.repeat(Schedule.forever))
    )
  })
