/**
 * Progress of a bulk run on stderr: a redrawn bar on a TTY, otherwise a plain line every few seconds. Both carry
 * the same fields: done/total, percentage, rate, ETA, retries so far and failures by code. On a TTY, lines printed
 * while the bar is shown (failed items) go through {@link Progress.around}, which clears the bar first and redraws
 * it after, so they never collide.
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

/** The progress text: done/total, percentage, rate, ETA, retries and failures by code. */
export const line = (options: {
  readonly done: number
  readonly total: number
  readonly elapsedMs: number
  readonly retries: number
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
  return `${bar}${done}/${total} items (${(ratio * 100).toFixed(1)}%), ${Math.round(rate)}/s, ETA ${
    done >= total ? "0s" : formatDuration(eta)
  }, ${options.retries} retries, ${failures}`
}

/** A running progress reporter. */
export interface Progress {
  /** Runs `effect` (which prints) with the bar cleared, then redraws it. */
  readonly around: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

/**
 * Starts reporting `tally` against `total` items (items skipped thanks to the journal are excluded from both)
 * until the scope closes, then prints the final state once.
 */
export const start = (tally: Tally, total: number): Effect.Effect<Progress, never, Scope.Scope> =>
  Effect.gen(function* () {
    const started = Date.now()
    const tty = process.stderr.isTTY === true
    const width = Math.max(20, Math.min(30, (process.stderr.columns ?? 80) - 90))
    const text = () =>
      line({
        done: tally.total,
        total,
        elapsedMs: Date.now() - started,
        retries: tally.retries,
        failures: tally.failures,
        bar: tty ? width : undefined
      })
    let shown = false
    const clear = Effect.sync(() => {
      if (shown) process.stderr.write("\r\x1b[2K")
      shown = false
    })
    const render = (final: boolean) =>
      tty
        ? Effect.sync(() => {
            // One physical line, so that clearing it clears all of it.
            const columns = process.stderr.columns ?? 80
            const t = text()
            process.stderr.write(`\r\x1b[2K${t.length < columns ? t : t.slice(0, columns - 1)}${final ? "\n" : ""}`)
            shown = !final
          })
        : // Suspended: the text is read each time it is printed, not once when the repeated effect is built.
          Effect.suspend(() => Console.error(`tim: ${text()}`))
    yield* Effect.addFinalizer(() => render(true))
    yield* Effect.forkScoped(
      render(false).pipe(Effect.delay(tty ? "200 millis" : "3 seconds"), Effect.repeat(Schedule.forever))
    )
    return {
      around: (effect) => (tty ? Effect.zipLeft(Effect.zipRight(clear, effect), render(false)) : effect)
    }
  })
