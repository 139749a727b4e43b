/**
 * The resume journal of a bulk run: an append-only file with one fsync'd line per finished chunk. A rerun with
 * the same journal skips the chunks it lists, so an interrupted import (Ctrl-C, a kill, a crash) loses nothing
 * and does nothing twice.
 *
 * A journal is bound to what it records: its header holds the command, the options that shape the requests, the
 * target (endpoint or region, SDKAppID, admin), the input file's fingerprint and the failures file. Opening it for
 * anything else is refused with what differs, unless the caller asks for a restart. A file that is not a journal
 * is refused and never modified. While a run uses a journal it holds `<journal>.lock`; a second process refuses.
 *
 * Format: a header line `tim-journal 2 <binding as JSON>`, then one line per chunk:
 * `done <chunk id> <succeeded> <failed> <failures file size>`. A torn last line (a crash mid-write) is dropped on
 * open.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import { FileSystem } from "@effect/platform"
import type { PlatformError } from "@effect/platform/Error"
import { Effect, Schema, type Scope } from "effect"

/**
 * One finished chunk, with the size of the failures file once its failures were written (0 without one).
 *
 * @since 0.1.0
 */
export interface Entry {
  readonly id: string
  readonly succeeded: number
  readonly failed: number
  readonly failuresSize: number
}

/**
 * What a journal is bound to: plain JSON values (the command, its request-shaping options, the target, the
 * input's fingerprint, the failures file).
 *
 * @since 0.1.0
 */
export type Binding = { readonly [key: string]: unknown }

/**
 * An open journal.
 *
 * @since 0.1.0
 */
export interface Journal {
  /** The chunks finished by earlier runs. */
  readonly done: ReadonlyMap<string, Entry>
  /** The failures file size after the last finished chunk (0 when none). */
  readonly failuresSize: number
  /** Whether the journal was created (or restarted) by this open. */
  readonly fresh: boolean
  /** Appends a finished chunk and syncs it to disk before returning. */
  readonly record: (entry: Entry) => Effect.Effect<void, PlatformError>
}

/**
 * The journal cannot be used: it is not a journal, belongs to another run, or is in use.
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

const magic = "tim-journal 2"

/**
 * Parses a journal's text: its binding and entries. A torn (unterminated) last line is ignored; `validLength` is
 * where the intact part ends. Returns a reason string when the text is not a journal.
 *
 * @since 0.1.0
 */
export const parse = (
  text: string
):
  | { readonly binding: Binding | undefined; readonly entries: ReadonlyArray<Entry>; readonly validLength: number }
  | string => {
  const end = text.lastIndexOf("\n") + 1
  const lines = text.slice(0, end).split("\n").slice(0, -1)
  if (lines.length === 0) {
    // Only a torn header (or nothing): ours only if what is there is the start of a header.
    return text.length === 0 || text.startsWith(`${magic} `)
      ? { binding: undefined, entries: [], validLength: 0 }
      : "not a tim journal (no journal header)"
  }
  const header = lines[0] ?? ""
  if (header.startsWith("tim-journal ") && !header.startsWith(`${magic} `)) {
    return "a journal of an older tim (start afresh with --journal-restart)"
  }
  if (!header.startsWith(`${magic} `)) return "not a tim journal (no journal header)"
  let binding: unknown
  try {
    binding = JSON.parse(header.slice(magic.length + 1))
  } catch {
    return "not a tim journal (its header is not readable)"
  }
  if (typeof binding !== "object" || binding === null || Array.isArray(binding)) {
    return "not a tim journal (its header is not readable)"
  }
  const entries: Array<Entry> = []
  for (let i = 1; i < lines.length; i++) {
    const parts = (lines[i] ?? "").split(" ")
    const [tag, id, ok, failed, size] = parts
    if (parts.length !== 5 || tag !== "done" || id === undefined || ![ok, failed, size].every(isCount)) {
      return `line ${i + 1} is not a journal entry`
    }
    entries.push({ id, succeeded: Number(ok), failed: Number(failed), failuresSize: Number(size) })
  }
  return { binding: binding as Binding, entries, validLength: end }
}

const isCount = (s: string | undefined) => s !== undefined && /^\d{1,15}$/.test(s)

/**
 * Formats an entry as its journal line.
 *
 * @since 0.1.0
 */
export const formatEntry = (entry: Entry): string =>
  `done ${entry.id} ${entry.succeeded} ${entry.failed} ${entry.failuresSize}\n`

/**
 * What differs between the binding a journal was made for and the current one, one phrase per difference
 * (`options.remark: "a" → "b"`); empty when they match.
 *
 * @since 0.1.0
 */
export const differences = (recorded: Binding, current: Binding): ReadonlyArray<string> => {
  const out: Array<string> = []
  const walk = (path: string, a: unknown, b: unknown) => {
    if (isRecord(a) && isRecord(b)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        walk(path === "" ? key : `${path}.${key}`, a[key], b[key])
      }
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      out.push(`${path}: ${show(a)} → ${show(b)}`)
    }
  }
  walk("", recorded, current)
  return out
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)
const show = (u: unknown) => (u === undefined ? "(none)" : JSON.stringify(u))

/** Whether a process is alive (EPERM: it exists but is not ours). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}

/**
 * Takes `<path>.lock` for the scope (O_EXCL create, holding the pid). A lock left by a process that is gone is
 * taken over. The lock is also removed if the process exits without closing the scope (a second Ctrl-C).
 */
const lock = (path: string): Effect.Effect<void, JournalError, Scope.Scope> => {
  const lockPath = `${path}.lock`
  const take = (): string | undefined => {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(lockPath, `${process.pid}\n`, { flag: "wx" })
        return undefined
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") return `cannot create ${lockPath}: ${String(e)}`
        const pid = Number.parseInt(readOr(lockPath), 10)
        if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
          return `in use by another tim (process ${pid}; lock ${lockPath})`
        }
        try {
          fs.unlinkSync(lockPath) // left by a process that is gone
        } catch {}
      }
    }
    return `in use by another tim (lock ${lockPath})`
  }
  const release = () => {
    try {
      if (readOr(lockPath).trim() === String(process.pid)) fs.unlinkSync(lockPath)
    } catch {}
  }
  return Effect.acquireRelease(
    Effect.suspend(() => {
      const failure = take()
      if (failure !== undefined) return Effect.fail(new JournalError({ path, reason: failure }))
      process.once("exit", release)
      return Effect.void
    }),
    () =>
      Effect.sync(() => {
        process.off("exit", release)
        release()
      })
  )
}

const readOr = (file: string): string => {
  try {
    return fs.readFileSync(file, "utf8")
  } catch {
    return ""
  }
}

/**
 * Opens (or creates) the journal at `path` for a run bound to `binding`, locked for the scope. Fails with a
 * {@link JournalError} when the file is not a journal (left untouched), is in use, or was made for another
 * binding; with `restart`, a journal made for another binding is started afresh instead.
 *
 * @since 0.1.0
 */
export const open = (
  path: string,
  binding: Binding,
  options: { readonly restart?: boolean | undefined } = {}
): Effect.Effect<Journal, JournalError | PlatformError, FileSystem.FileSystem | Scope.Scope> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    yield* lock(path)
    const exists = yield* fs.exists(path)
    const text = exists ? yield* fs.readFileString(path) : ""
    const parsed = parse(text)
    if (typeof parsed === "string") return yield* new JournalError({ path, reason: parsed })
    let entries = parsed.entries
    let fresh = parsed.binding === undefined
    if (parsed.binding !== undefined) {
      const diff = differences(parsed.binding, binding)
      if (diff.length > 0) {
        if (options.restart !== true) {
          return yield* new JournalError({
            path,
            reason: `it was made for another run (${diff.join("; ")}); give the same command, options and file to resume, or --journal-restart to start afresh`
          })
        }
        entries = []
        fresh = true
      }
    }
    if (exists && (fresh || parsed.validLength < text.length)) yield* fs.truncate(path, fresh ? 0 : parsed.validLength)
    const file = yield* fs.open(path, { flag: "a" })
    const encoder = new TextEncoder()
    const append = (line: string) => Effect.flatMap(file.writeAll(encoder.encode(line)), () => file.sync)
    if (fresh) yield* append(`${magic} ${JSON.stringify(binding)}\n`)
    const done = new Map(entries.map((e) => [e.id, e] as const))
    const failuresSize = entries.reduce((n, e) => Math.max(n, e.failuresSize), 0)
    return { done, failuresSize, fresh, record: (entry) => append(formatEntry(entry)) }
  })
