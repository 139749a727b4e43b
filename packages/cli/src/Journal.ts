/**
 * The resume journal of a bulk run: an append-only file with one fsync'd line per finished chunk. A rerun with
 * the same journal skips the chunks it lists, so an interrupted import (Ctrl-C, a kill, a crash) loses nothing
 * and does nothing twice.
 *
 * Format: a header line `tim-journal 1 <key>` (the command the journal belongs to), then one line per chunk:
 * `done <chunk id> <succeeded> <failed>`. A torn last line (a crash mid-write) is dropped on open.
 *
 * @since 0.1.0
 */
import { FileSystem } from "@effect/platform"
import type { PlatformError } from "@effect/platform/Error"
import { Effect, Schema, type Scope } from "effect"

/**
 * One finished chunk.
 *
 * @since 0.1.0
 */
export interface Entry {
  readonly id: string
  readonly succeeded: number
  readonly failed: number
}

/**
 * An open journal.
 *
 * @since 0.1.0
 */
export interface Journal {
  /** The chunks finished by earlier runs. */
  readonly done: ReadonlyMap<string, Entry>
  /** Appends a finished chunk and syncs it to disk before returning. */
  readonly record: (entry: Entry) => Effect.Effect<void, PlatformError>
}

/**
 * The journal cannot be used: it belongs to another command or is not a journal.
 *
 * @since 0.1.0
 */
export class JournalError extends Schema.TaggedError<JournalError>("@effect-tim/cli/JournalError")("JournalError", {
  path: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `journal ${this.path}: ${this.reason}`
  }
}

const magic = "tim-journal 1"

/**
 * Parses a journal's text: the key of its header and its entries. A torn (unterminated) last line is ignored;
 * `validLength` is where the intact part ends.
 *
 * @since 0.1.0
 */
export const parse = (
  text: string
):
  | { readonly key: string | undefined; readonly entries: ReadonlyArray<Entry>; readonly validLength: number }
  | string => {
  const end = text.lastIndexOf("\n") + 1
  const lines = text.slice(0, end).split("\n").slice(0, -1)
  if (lines.length === 0) return { key: undefined, entries: [], validLength: 0 }
  const header = lines[0] ?? ""
  if (!header.startsWith(`${magic} `)) return "not a tim journal (bad header)"
  const entries: Array<Entry> = []
  for (let i = 1; i < lines.length; i++) {
    const parts = (lines[i] ?? "").split(" ")
    const [tag, id, ok, failed] = parts
    if (
      parts.length !== 4 ||
      tag !== "done" ||
      id === undefined ||
      !/^\d+$/.test(ok ?? "") ||
      !/^\d+$/.test(failed ?? "")
    ) {
      return `line ${i + 1} is not a journal entry`
    }
    entries.push({ id, succeeded: Number(ok), failed: Number(failed) })
  }
  return { key: header.slice(magic.length + 1), entries, validLength: end }
}

/**
 * Formats an entry as its journal line.
 *
 * @since 0.1.0
 */
export const formatEntry = (entry: Entry): string => `done ${entry.id} ${entry.succeeded} ${entry.failed}\n`

/**
 * Opens (or creates) a journal for a command `key` (e.g. `friend add`). Fails with a {@link JournalError} when
 * the file is not a journal or belongs to another command.
 *
 * @since 0.1.0
 */
export const open = (
  path: string,
  key: string
): Effect.Effect<Journal, JournalError | PlatformError, FileSystem.FileSystem | Scope.Scope> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const exists = yield* fs.exists(path)
    const text = exists ? yield* fs.readFileString(path) : ""
    const parsed = parse(text)
    if (typeof parsed === "string") return yield* new JournalError({ path, reason: parsed })
    if (parsed.key !== undefined && parsed.key !== key) {
      return yield* new JournalError({ path, reason: `it belongs to \`tim ${parsed.key}\`, not \`tim ${key}\`` })
    }
    if (exists && parsed.validLength < text.length) yield* fs.truncate(path, parsed.validLength)
    const file = yield* fs.open(path, { flag: "a" })
    const encoder = new TextEncoder()
    const append = (line: string) => Effect.flatMap(file.writeAll(encoder.encode(line)), () => file.sync)
    if (parsed.key === undefined) yield* append(`${magic} ${key}\n`)
    const done = new Map(parsed.entries.map((e) => [e.id, e] as const))
    return { done, record: (entry) => append(formatEntry(entry)) }
  })
