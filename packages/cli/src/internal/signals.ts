/**
 * SIGINT and SIGTERM for `tim`. @effect/platform's `runMain` interrupts the program on the first signal and exits
 * 0, so a bulk run lost its summary and `tim … && next-step` carried on. Here the first signal asks the running
 * command to stop: a bulk run stops sending new chunks, lets those in flight finish and be journaled, prints its
 * summary and exits 130 (SIGINT) or 143 (SIGTERM); any other command is interrupted with the same exit code. A
 * second signal exits at once (the journal stays consistent: each line is written and synced whole, and a torn
 * last line is dropped on open).
 */
import { Effect, type Fiber, type Scope } from "effect"

/** The signals `tim` handles. */
export type Signal = "SIGINT" | "SIGTERM"

/** The exit code for a signal: 128 + its number. */
export const exitCode = (signal: Signal): number => (signal === "SIGINT" ? 130 : 143)

/** A command that stops by itself on a signal (a bulk run, or `tim emulator`). */
interface Listener {
  readonly onSignal: (signal: Signal) => void
}

const listeners = new Set<Listener>()
let received: Signal | undefined

/** The first signal received, if any. */
export const receivedSignal = (): Signal | undefined => received

/**
 * Registers the current command as stopping by itself on a signal, for the scope's lifetime; `onSignal` runs on
 * the first one. Without such a listener a signal interrupts the program.
 */
export const graceful = (onSignal: (signal: Signal) => void): Effect.Effect<void, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const listener: Listener = { onSignal }
      listeners.add(listener)
      if (received !== undefined) onSignal(received)
      return listener
    }),
    (listener) => Effect.sync(() => listeners.delete(listener))
  ).pipe(Effect.asVoid)

/** A flag that turns on with the first signal, for the scope's lifetime. */
export const stopFlag = (): Effect.Effect<{ readonly signal: Signal | undefined }, never, Scope.Scope> =>
  Effect.gen(function* () {
    const flag: { signal: Signal | undefined } = { signal: undefined }
    yield* graceful((signal) => {
      flag.signal = signal
    })
    return flag
  })

/**
 * Installs the handlers for the program running in `fiber`: the first signal goes to the graceful listeners, or
 * interrupts the fiber when there are none; the second exits at once. They stay until the process exits, so that a
 * signal that arrives while the program is finishing still exits with the signal's code.
 */
export const install = (fiber: Fiber.RuntimeFiber<unknown, unknown>): void => {
  const handle = (signal: Signal) => {
    if (received !== undefined) {
      process.exit(exitCode(signal))
    }
    received = signal
    if (listeners.size === 0) fiber.unsafeInterruptAsFork(fiber.id())
    else for (const listener of listeners) listener.onSignal(signal)
  }
  const onInt = () => handle("SIGINT")
  const onTerm = () => handle("SIGTERM")
  process.on("SIGINT", onInt)
  process.on("SIGTERM", onTerm)
}
