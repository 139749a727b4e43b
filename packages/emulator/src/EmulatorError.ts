/**
 * The one error of this package: a `reason` and a `message` that says what to do. It never contains the secret key.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * Why the emulator could not start, load or save: `InvalidOptions`, `InvalidFaults`, `Listen` (the port is taken
 * or the host cannot be bound), `StateFileUnreadable`, `StateFileCorrupt`, `StateFileWrite` (the file or its
 * directory cannot be written), `StateFileLocked` (another running emulator uses the file; the message names its pid).
 *
 * @since 0.1.0
 */
export const Reason = Schema.Literal(
  "InvalidOptions",
  "InvalidFaults",
  "Listen",
  "StateFileUnreadable",
  "StateFileCorrupt",
  "StateFileWrite",
  "StateFileLocked"
)

/**
 * The reason type of an {@link EmulatorError}.
 *
 * @since 0.1.0
 */
export type Reason = typeof Reason.Type

/**
 * The emulator failed to start, load its state file or save it. Handle it with
 * `Effect.catchTag("EmulatorError", ...)` and branch on `reason`.
 *
 * @since 0.1.0
 */
export class EmulatorError extends Schema.TaggedError<EmulatorError>("@effect-tim/emulator/EmulatorError")(
  "EmulatorError",
  { reason: Reason, message: Schema.String }
) {}
