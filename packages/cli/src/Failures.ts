/**
 * The failures file of a bulk run (`--failures FILE`): every failed item as a CSV line `from,to,code,tag,info`
 * under a header. It holds exactly one line per failed item of the run, however often the run is killed and
 * resumed: a fresh run starts it empty, and a resumed run cuts it back to the size the journal recorded with its
 * last finished chunk (lines of chunks that were not journaled are written again when those chunks are redone).
 * A file that is not a failures file is refused and never modified.
 *
 * @since 0.1.0
 */
import { FileSystem } from "@effect/platform"
import type { PlatformError } from "@effect/platform/Error"
import { Effect, Schema, type Scope } from "effect"
import { csvField } from "./BulkInput.js"

/**
 * One failed item.
 *
 * @since 0.1.0
 */
export interface Failure {
  readonly from: string
  readonly to: string
  readonly code: number
  readonly tag: string
  readonly info: string
}

/**
 * The header line.
 *
 * @since 0.1.0
 */
export const header = "from,to,code,tag,info\n"

/**
 * Formats one failure as its CSV line.
 *
 * @since 0.1.0
 */
export const formatLine = (f: Failure): string =>
  `${csvField(f.from)},${csvField(f.to)},${f.code},${csvField(f.tag)},${csvField(f.info)}\n`

/**
 * An open failures file.
 *
 * @since 0.1.0
 */
export interface FailuresFile {
  /** Appends failures and syncs them to disk; returns the file's size afterwards (for the journal). */
  readonly write: (failures: ReadonlyArray<Failure>) => Effect.Effect<number, PlatformError>
}

/**
 * The file cannot be used: it is not a failures file, or it is shorter than the journal says it was.
 *
 * @since 0.1.0
 */
export class FailuresError extends Schema.TaggedError<FailuresError>("@effect-tim/cli/FailuresError")("FailuresError", {
  path: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `failures file ${this.path}: ${this.reason}`
  }
}

/**
 * Opens a failures file: started afresh (just the header) when `resumeAt` is undefined, else cut back to
 * `resumeAt` bytes (the size recorded with the journal's last chunk; 0 means only the header).
 *
 * @since 0.1.0
 */
export const open = (
  path: string,
  resumeAt?: number
): Effect.Effect<FailuresFile, FailuresError | PlatformError, FileSystem.FileSystem | Scope.Scope> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    if (yield* fs.exists(path)) {
      const size = Number((yield* fs.stat(path)).size)
      if (size > 0) {
        const start = yield* Effect.scoped(
          Effect.flatMap(fs.open(path, { flag: "r" }), (f) => f.readAlloc(header.length))
        )
        const text = start._tag === "Some" ? new TextDecoder().decode(start.value) : ""
        if (text !== header.slice(0, text.length) || (size >= header.length && text !== header)) {
          return yield* new FailuresError({ path, reason: "not a tim failures file (no from,to,code,tag,info header)" })
        }
      }
      if (resumeAt !== undefined && resumeAt > size) {
        return yield* new FailuresError({
          path,
          reason: `shorter (${size} bytes) than the journal recorded (${resumeAt}); give --journal-restart to start afresh`
        })
      }
      yield* fs.truncate(path, resumeAt !== undefined && resumeAt >= header.length ? resumeAt : 0)
    }
    const file = yield* fs.open(path, { flag: "a" })
    const encoder = new TextEncoder()
    let size = Number((yield* file.stat).size)
    if (size === 0) {
      yield* file.writeAll(encoder.encode(header))
      size = header.length
    }
    return {
      write: (failures) => {
        if (failures.length === 0) return Effect.succeed(size)
        const bytes = encoder.encode(failures.map(formatLine).join(""))
        return Effect.flatMap(file.writeAll(bytes), () => file.sync).pipe(
          Effect.map(() => {
            size += bytes.length
            return size
          })
        )
      }
    }
  })
