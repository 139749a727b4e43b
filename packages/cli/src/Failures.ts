/**
 * The failures file of a bulk run (`--failures FILE`): every failed item as a CSV line `from,to,code,tag,info`.
 * The file is appended to (a resumed run adds its failures to those of the earlier run); the header is written
 * when the file is new or empty. Each batch of lines is synced before the chunk is journaled.
 *
 * @since 0.1.0
 */
import { FileSystem } from "@effect/platform"
import type { PlatformError } from "@effect/platform/Error"
import { Effect, type Scope } from "effect"
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
  /** Appends failures and syncs them to disk. */
  readonly write: (failures: ReadonlyArray<Failure>) => Effect.Effect<void, PlatformError>
}

/**
 * Opens a failures file for appending, writing the header when the file is new or empty.
 *
 * @since 0.1.0
 */
export const open = (path: string): Effect.Effect<FailuresFile, PlatformError, FileSystem.FileSystem | Scope.Scope> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const file = yield* fs.open(path, { flag: "a" })
    const encoder = new TextEncoder()
    if (Number((yield* file.stat).size) === 0) yield* file.writeAll(encoder.encode(header))
    return {
      write: (failures) =>
        failures.length === 0
          ? Effect.void
          : Effect.flatMap(file.writeAll(encoder.encode(failures.map(formatLine).join(""))), () => file.sync)
    }
  })
