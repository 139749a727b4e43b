/**
 * Streaming reader for bulk files: CSV (`from,to[,remark,group,source,wording]`, header optional) or JSON Lines
 * (`{"from":…,"to":…}` per line). Files are read as a stream and grouped into bounded chunks per from-account,
 * so a file of a million lines runs in bounded memory.
 *
 * @since 0.1.0
 */

import { createHash } from "node:crypto"
import { readSync } from "node:fs"
import { StringDecoder } from "node:string_decoder"
import { FileSystem } from "@effect/platform"
import { type PlatformError, SystemError } from "@effect/platform/Error"
import { Limits } from "@effect-tim/schema"
import { Chunk as C, Effect, Option, Schema, Stream } from "effect"

/**
 * The file formats `tim` reads.
 *
 * @since 0.1.0
 */
export type Format = "csv" | "jsonl"

/**
 * One relation read from a file, with its 1-based line number.
 *
 * @since 0.1.0
 */
export interface Row {
  readonly line: number
  readonly from: string
  readonly to: string
  readonly remark?: string | undefined
  readonly group?: string | undefined
  readonly source?: string | undefined
  readonly wording?: string | undefined
}

/**
 * A line that cannot be read, with where and why.
 *
 * @since 0.1.0
 */
export class BulkInputError extends Schema.TaggedError<BulkInputError>("@effect-tim/cli/BulkInputError")(
  "BulkInputError",
  { path: Schema.String, line: Schema.Number, reason: Schema.String }
) {
  override get message(): string {
    return this.line > 0 ? `${this.path}:${this.line}: ${this.reason}` : `${this.path}: ${this.reason}`
  }
}

/**
 * The columns a file may have, in the default CSV order.
 *
 * @since 0.1.0
 */
export const columns = ["from", "to", "remark", "group", "source", "wording"] as const

/**
 * A column name.
 *
 * @since 0.1.0
 */
export type Column = (typeof columns)[number]

/**
 * Picks the format from the file name (`.jsonl`, `.ndjson`, `.json` → JSON Lines, `.csv` → CSV), else from the
 * first non-blank line (`{` → JSON Lines).
 *
 * @since 0.1.0
 */
export const detectFormat = (path: string, firstLine: string): Format => {
  const lower = path.toLowerCase()
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson") || lower.endsWith(".json")) return "jsonl"
  if (lower.endsWith(".csv")) return "csv"
  return firstLine.trimStart().startsWith("{") ? "jsonl" : "csv"
}

/**
 * Splits one CSV line into fields (RFC 4180 quoting; a quoted field cannot span lines). Returns a reason string
 * when the line is malformed.
 *
 * @since 0.1.0
 */
export const parseCsvLine = (text: string): ReadonlyArray<string> | string => {
  const fields: Array<string> = []
  let i = 0
  const n = text.length
  while (true) {
    if (text[i] === '"') {
      let value = ""
      i++
      while (true) {
        if (i >= n) return "unterminated quoted field"
        const c = text[i]
        if (c === '"') {
          if (text[i + 1] === '"') {
            value += '"'
            i += 2
          } else {
            i++
            break
          }
        } else {
          value += c
          i++
        }
      }
      if (i < n && text[i] !== ",") return `unexpected character after a quoted field at column ${i + 1}`
      fields.push(value)
    } else {
      const end = text.indexOf(",", i)
      const raw = end === -1 ? text.slice(i) : text.slice(i, end)
      if (raw.includes('"')) return `a quote inside an unquoted field at column ${i + 1}`
      fields.push(raw.trim())
      i = end === -1 ? n : end
    }
    if (i >= n) return fields
    i++ // the comma
  }
}

/**
 * Quotes a value for a CSV field when it needs it.
 *
 * @since 0.1.0
 */
export const csvField = (value: string): string =>
  /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value

const isColumn = (s: string): s is Column => (columns as ReadonlyArray<string>).includes(s)

/**
 * Reads a CSV header line: the column order when the line is a header (its first two fields name columns,
 * `from` and `to` among them), `undefined` when it is data, or a reason when it names unknown columns.
 *
 * @since 0.1.0
 */
export const parseHeader = (fields: ReadonlyArray<string>): ReadonlyArray<Column> | undefined | string => {
  const names = fields.map((f) => f.trim().toLowerCase())
  if (!names.includes("from") || !names.includes("to")) return undefined
  const unknown = names.filter((n) => !isColumn(n))
  if (unknown.length > 0) return `unknown column(s) in the header: ${unknown.join(", ")} (known: ${columns.join(", ")})`
  if (new Set(names).size !== names.length) return "a column is named twice in the header"
  return names as ReadonlyArray<Column>
}

const optionalText = Schema.optional(Schema.String)
const JsonRow = Schema.Struct({
  from: Schema.String,
  to: Schema.String,
  remark: optionalText,
  group: optionalText,
  source: optionalText,
  wording: optionalText
})
const decodeJsonRow = Schema.decodeUnknownEither(JsonRow, { onExcessProperty: "error" })

/** The optional columns, in the order a row's keys are set. */
const extraColumns = ["remark", "group", "source", "wording"] as const

const build = (line: number, get: (c: Column) => string | undefined): Row | string => {
  const from = get("from") ?? ""
  const to = get("to") ?? ""
  if (from.length === 0) return "the from account is empty"
  if (to.length === 0) return "the to account is empty"
  const row: { -readonly [K in keyof Row]: Row[K] } = { line, from, to }
  for (const c of extraColumns) {
    const v = get(c)
    if (v !== undefined && v.length > 0) row[c] = v
  }
  return row
}

/**
 * Parses one non-blank data line. Returns the row, or a reason string saying what is wrong.
 *
 * @since 0.1.0
 */
export const parseLine = (format: Format, order: ReadonlyArray<Column>, text: string, line: number): Row | string => {
  if (format === "jsonl") {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      return "not valid JSON"
    }
    const decoded = decodeJsonRow(value)
    if (decoded._tag === "Left") {
      return `expected {"from": string, "to": string, "remark"?, "group"?, "source"?, "wording"?} (strings)`
    }
    const v = decoded.right
    return build(line, (c) => v[c])
  }
  const fields = parseCsvLine(text)
  if (typeof fields === "string") return fields
  if (fields.length > order.length) return `expected at most ${order.length} fields, got ${fields.length}`
  if (fields.length < 2) return "expected at least two fields: from,to"
  return build(line, (c) => {
    const index = order.indexOf(c)
    return index === -1 ? undefined : fields[index]
  })
}

/**
 * A stateful parser fed with text as it is read: complete lines become rows, the rest waits for more text.
 *
 * @since 0.1.0
 */
export interface Parser {
  /** Parses the complete lines of `text` (after what was left over); returns rows or the first bad line. */
  readonly feed: (text: string) => Array<Row> | BulkInputError
  /** Parses what is left (a last line without a line break). */
  readonly end: () => Array<Row> | BulkInputError
}

/** A printable ASCII character: a field or line starting and ending with one needs no trimming. */
const printable = (c: number) => c > 32 && c < 127

/**
 * The line scanner behind {@link makeParser} and {@link inspect}. It works on the text of a whole block, by
 * positions: a CSV line without a quote (the common case) is checked without slicing it, and only the fields a
 * row keeps become strings; a line with a quote, a JSON line and the first line go through {@link parseLine}.
 * With `out` undefined it only validates and counts (the first pass over a file).
 */
const makeScanner = (path: string) => {
  let format: Format | undefined
  let order: ReadonlyArray<Column> = columns
  // Where each column is in a line (-1 when the file has no such column), for the current order.
  let at: Record<Column, number> = { from: 0, to: 1, remark: 2, group: 3, source: 4, wording: 5 }
  let rest = ""
  let line = 0
  let count = 0
  // Field boundaries of the current line (fields past the last known column are only counted).
  const starts: Array<number> = [0, 0, 0, 0, 0, 0]
  const ends: Array<number> = [0, 0, 0, 0, 0, 0]

  const setOrder = (o: ReadonlyArray<Column>) => {
    order = o
    at = { from: -1, to: -1, remark: -1, group: -1, source: -1, wording: -1 }
    o.forEach((c, i) => {
      at[c] = i
    })
  }
  const fail = (reason: string) => new BulkInputError({ path, line, reason })
  // Field `i` of the current line (of `fields`), trimmed: only a field with a space or a non-ASCII character at
  // either end needs `trim`; "" for a missing column.
  const value = (all: string, i: number, fields: number): string => {
    if (i === -1 || i >= fields) return ""
    const a = starts[i]!
    const b = ends[i]!
    if (a === b) return ""
    const text = all.slice(a, b)
    return printable(all.charCodeAt(a)) && printable(all.charCodeAt(b - 1)) ? text : text.trim()
  }
  // Whether field `i` is there and not blank, without making it a string when it starts with a visible character.
  const present = (all: string, i: number, fields: number): boolean => {
    if (i === -1 || i >= fields) return false
    const a = starts[i]!
    const b = ends[i]!
    return a < b && (printable(all.charCodeAt(a)) || all.slice(a, b).trim().length > 0)
  }
  const slow = (text: string, out: Array<Row> | undefined): BulkInputError | undefined => {
    const row = parseLine(format ?? "csv", order, text, line)
    if (typeof row === "string") return fail(row)
    count++
    out?.push(row)
    return undefined
  }

  // One line of `all`, [start, end) without its line break. `quote` and `comma` are the positions of the next
  // quote and comma at or after `start` (Infinity when none): kept across the lines of a block, so that each
  // character is searched once however the lines look.
  let quote = 0
  let comma = 0
  let lastFrom = ""
  const scanLine = (all: string, s: number, e: number, out: Array<Row> | undefined): BulkInputError | undefined => {
    line++
    let start = s
    let end = e
    if (end > start && all.charCodeAt(end - 1) === 13) end--
    if (line === 1 && all.charCodeAt(start) === 0xfeff) start++
    if (start >= end) return undefined
    if (!printable(all.charCodeAt(start)) && all.slice(start, end).trim().length === 0) return undefined
    if (format === undefined) {
      const text = all.slice(start, end)
      format = detectFormat(path, text)
      if (format === "csv") {
        const fields = parseCsvLine(text)
        if (typeof fields !== "string") {
          const header = parseHeader(fields)
          if (typeof header === "string") return fail(header)
          if (header !== undefined) {
            setOrder(header)
            return undefined
          }
        }
      }
      return slow(text, out)
    }
    if (format === "jsonl") return slow(all.slice(start, end), out)
    if (quote < start) {
      const q = all.indexOf('"', start)
      quote = q === -1 ? Number.POSITIVE_INFINITY : q
    }
    if (quote < end) return slow(all.slice(start, end), out)
    let fields = 0
    let fieldStart = start
    while (true) {
      if (comma < fieldStart) {
        const c = all.indexOf(",", fieldStart)
        comma = c === -1 ? Number.POSITIVE_INFINITY : c
      }
      const fieldEnd = Math.min(comma, end)
      if (fields < 6) {
        starts[fields] = fieldStart
        ends[fields] = fieldEnd
      }
      fields++
      if (fieldEnd === end) break
      fieldStart = fieldEnd + 1
    }
    if (fields > order.length) return fail(`expected at most ${order.length} fields, got ${fields}`)
    if (fields < 2) return fail("expected at least two fields: from,to")
    if (out === undefined) {
      if (!present(all, at.from, fields)) return fail("the from account is empty")
      if (!present(all, at.to, fields)) return fail("the to account is empty")
      count++
      return undefined
    }
    // Rows come grouped by from-account: the previous row's string is reused rather than sliced again.
    const a = starts[at.from]!
    const b = ends[at.from]!
    const from =
      b - a === lastFrom.length && all.startsWith(lastFrom, a) && b > a ? lastFrom : value(all, at.from, fields)
    if (from.length === 0) return fail("the from account is empty")
    lastFrom = from
    const to = value(all, at.to, fields)
    if (to.length === 0) return fail("the to account is empty")
    const row: { -readonly [K in keyof Row]: Row[K] } = { line, from, to }
    if (fields > 2 || at.from !== 0 || at.to !== 1) {
      for (const c of extraColumns) {
        const v = value(all, at[c], fields)
        if (v.length > 0) row[c] = v
      }
    }
    count++
    out.push(row)
    return undefined
  }

  // The complete lines of `text` after what was left over; the unfinished last line waits for more.
  const feed = (text: string, out: Array<Row> | undefined): BulkInputError | undefined => {
    const all = rest + text
    quote = 0
    comma = 0
    let start = 0
    let newline = all.indexOf("\n", start)
    while (newline !== -1) {
      const error = scanLine(all, start, newline, out)
      if (error !== undefined) return error
      start = newline + 1
      newline = all.indexOf("\n", start)
    }
    rest = all.slice(start)
    return undefined
  }
  const end = (out: Array<Row> | undefined): BulkInputError | undefined => {
    const last = rest
    rest = ""
    quote = 0
    comma = 0
    return last.length === 0 ? undefined : scanLine(last, 0, last.length, out)
  }
  return { feed, end, count: () => count }
}

/**
 * Makes a {@link Parser} for the file at `path` (the path names the file in errors and picks the format).
 *
 * @since 0.1.0
 */
export const makeParser = (path: string): Parser => {
  const scanner = makeScanner(path)
  const run = (step: (out: Array<Row>) => BulkInputError | undefined) => {
    const out: Array<Row> = []
    return step(out) ?? out
  }
  return {
    feed: (text) => run((out) => scanner.feed(text, out)),
    end: () => run((out) => scanner.end(out))
  }
}

const lift = (result: Array<Row> | BulkInputError): Effect.Effect<Array<Row>, BulkInputError> =>
  result instanceof BulkInputError ? Effect.fail(result) : Effect.succeed(result)

/** The size of a block read from a file: small enough that a block's rows die young (cheap to collect). */
const blockSize = 64 * 1024

/**
 * The blocks of a file, read in order. The file is opened through `FileSystem` (its errors are the platform's),
 * and read with `readSync` on its descriptor: a 64 KiB read of a local file takes microseconds, where each read
 * through the thread pool and `FileSystem`'s stream cost about 0.3 ms of CPU (a tenth of the whole first pass).
 */
const blocks = (fs: FileSystem.FileSystem, path: string): Stream.Stream<Uint8Array, PlatformError> =>
  Stream.unwrapScoped(
    Effect.map(fs.open(path, { flag: "r" }), (file) =>
      Stream.repeatEffectOption(
        Effect.suspend(() => {
          const buffer = Buffer.allocUnsafe(blockSize)
          let n: number
          try {
            n = readSync(file.fd, buffer, 0, blockSize, null)
          } catch (error) {
            return Effect.fail(Option.some(readError(path, error)))
          }
          return n === 0 ? Effect.fail(Option.none()) : Effect.succeed(n === blockSize ? buffer : buffer.subarray(0, n))
        })
      )
    )
  )

const readError = (path: string, error: unknown): PlatformError => {
  const e = error as NodeJS.ErrnoException
  return new SystemError({
    reason: e.code === "EISDIR" ? "BadResource" : "Unknown",
    module: "FileSystem",
    method: "read",
    pathOrDescriptor: path,
    syscall: e.syscall,
    description: e.message,
    cause: error
  })
}

/**
 * The rows of a bulk file in batches (one per block read), streamed in bounded memory. Blank lines are skipped;
 * a malformed line fails the stream with a {@link BulkInputError} naming the line. `onBytes` sees every block
 * read (to fingerprint the file in the same pass).
 *
 * @since 0.1.0
 */
export const rowBatches = (
  path: string,
  onBytes?: (bytes: Uint8Array) => void
): Stream.Stream<Array<Row>, BulkInputError | PlatformError, FileSystem.FileSystem> =>
  Stream.unwrap(
    Effect.map(FileSystem.FileSystem, (fs) => {
      // A StringDecoder keeps a character split between two blocks for the next, and is several times faster
      // than a streaming TextDecoder. A byte-order mark is kept, and skipped as line 1 is read.
      const decoder = new StringDecoder("utf8")
      const parser = makeParser(path)
      return blocks(fs, path).pipe(
        Stream.mapEffect((bytes) => {
          onBytes?.(bytes)
          return lift(parser.feed(decoder.write(bytes)))
        }),
        Stream.concat(Stream.fromEffect(Effect.suspend(() => lift(parser.feed(decoder.end()))))),
        Stream.concat(Stream.fromEffect(Effect.suspend(() => lift(parser.end())))),
        Stream.filter((batch) => batch.length > 0)
      )
    })
  )

/**
 * The rows of a bulk file, streamed.
 *
 * @since 0.1.0
 */
export const rows = (path: string): Stream.Stream<Row, BulkInputError | PlatformError, FileSystem.FileSystem> =>
  Stream.flattenIterables(rowBatches(path))

/**
 * Reads the whole file once to validate every line and count the rows (for progress and ETA). Fails with the
 * first malformed line.
 *
 * @since 0.1.0
 */
export const scan = (path: string): Effect.Effect<number, BulkInputError | PlatformError, FileSystem.FileSystem> =>
  Effect.map(inspect(path), (info) => info.rows)

/**
 * What {@link inspect} learns about a file: its row count, size and SHA-256 (what a journal binds to).
 *
 * @since 0.1.0
 */
export interface FileInfo {
  readonly rows: number
  readonly bytes: number
  readonly sha256: string
}

/**
 * Validates every line, counts the rows and fingerprints the content in one read of the file.
 *
 * @since 0.1.0
 */
export const inspect = (path: string): Effect.Effect<FileInfo, BulkInputError | PlatformError, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => {
    // Validates and counts without building rows: this pass only has to say whether every line is good.
    const hash = createHash("sha256")
    const decoder = new StringDecoder("utf8")
    const scanner = makeScanner(path)
    let bytes = 0
    const check = (error: BulkInputError | undefined) => (error === undefined ? Effect.void : Effect.fail(error))
    return blocks(fs, path).pipe(
      Stream.runForEach((block) => {
        hash.update(block)
        bytes += block.length
        return check(scanner.feed(decoder.write(block), undefined))
      }),
      Effect.zipRight(Effect.suspend(() => check(scanner.feed(decoder.end(), undefined)))),
      Effect.zipRight(Effect.suspend(() => check(scanner.end(undefined)))),
      Effect.map(() => ({ rows: scanner.count(), bytes, sha256: hash.digest("hex") }))
    )
  })

/**
 * A unit of work: rows with the same from-account, at most `maxItems` of them. Its `id` (first and last line and
 * a hash of the rows) is stable across runs of the same file, which is what the journal records.
 *
 * @since 0.1.0
 */
export interface Chunk {
  readonly id: string
  readonly from: string
  readonly rows: ReadonlyArray<Row>
}

/**
 * How rows are grouped: `window` rows are read at a time and grouped by from-account (first appearance order),
 * each group split into chunks of at most `maxItems`.
 *
 * @since 0.1.0
 */
export interface ChunkOptions {
  readonly window: number
  readonly maxItems: number
}

/**
 * The default grouping: 10 000-row windows, 1 000 items per chunk (a request's maximum).
 *
 * @since 0.1.0
 */
export const defaultChunkOptions: ChunkOptions = { window: 10_000, maxItems: Limits.maxItemsPerRequest }

/**
 * Identifies a chunk: `first-last#hash` over its rows' contents.
 *
 * @since 0.1.0
 */
export const chunkId = (rows: ReadonlyArray<Row>): string => {
  // One update with the rows' text: the same digest as one update per row, at a fraction of the cost.
  let text = ""
  for (const r of rows) {
    text += r.line
    text += "\u0000"
    text += r.from
    text += "\u0000"
    text += r.to
    text +=
      r.remark === undefined && r.group === undefined && r.source === undefined && r.wording === undefined
        ? "\u0000\u0000\u0000\u0000\n"
        : `\u0000${r.remark ?? ""}\u0000${r.group ?? ""}\u0000${r.source ?? ""}\u0000${r.wording ?? ""}\n`
  }
  const hash = createHash("sha1").update(text).digest("hex")
  return `${rows[0]?.line ?? 0}-${rows[rows.length - 1]?.line ?? 0}#${hash.slice(0, 16)}`
}

/** A chunk whose id is computed when first read: a run without a journal never needs it. */
class GroupedChunk implements Chunk {
  #id: string | undefined
  constructor(
    readonly from: string,
    readonly rows: ReadonlyArray<Row>
  ) {}
  get id(): string {
    if (this.#id === undefined) this.#id = chunkId(this.rows)
    return this.#id
  }
}

/**
 * Groups a window of rows by from-account into chunks.
 *
 * @since 0.1.0
 */
export const groupWindow = (window: ReadonlyArray<Row>, maxItems: number): ReadonlyArray<Chunk> => {
  const byFrom = new Map<string, Array<Row>>()
  let last: Array<Row> | undefined
  let lastFrom: string | undefined
  for (const row of window) {
    // Files are usually sorted by from-account: the group of the row before is the likely one.
    if (row.from !== lastFrom) {
      lastFrom = row.from
      last = byFrom.get(row.from)
      if (last === undefined) {
        last = []
        byFrom.set(row.from, last)
      }
    }
    last!.push(row)
  }
  const out: Array<Chunk> = []
  for (const [from, group] of byFrom) {
    for (let i = 0; i < group.length; i += maxItems) {
      const part = group.length <= maxItems ? group : group.slice(i, i + maxItems)
      out.push(new GroupedChunk(from, part))
    }
  }
  return out
}

/**
 * Turns a stream of rows into a stream of chunks.
 *
 * @since 0.1.0
 */
export const chunks =
  (options: ChunkOptions = defaultChunkOptions) =>
  <E, R>(self: Stream.Stream<Row, E, R>): Stream.Stream<Chunk, E, R> =>
    self.pipe(
      Stream.grouped(options.window),
      Stream.mapConcat((window) => groupWindow(C.toReadonlyArray(window), options.maxItems))
    )

/**
 * The chunks of a bulk file: the same chunks as `rows(path).pipe(chunks(options))`, grouped from the batches of
 * rows as they are read rather than row by row through the stream (a file of a million rows is a million stream
 * elements the other way).
 *
 * @since 0.2.0
 */
export const fileChunks = (
  path: string,
  options: ChunkOptions = defaultChunkOptions
): Stream.Stream<Chunk, BulkInputError | PlatformError, FileSystem.FileSystem> =>
  Stream.suspend(() => {
    let window: Array<Row> = []
    const take = (batch: ReadonlyArray<Row>): Array<Chunk> => {
      const out: Array<Chunk> = []
      for (const row of batch) {
        window.push(row)
        if (window.length >= options.window) {
          out.push(...groupWindow(window, options.maxItems))
          window = []
        }
      }
      return out
    }
    return rowBatches(path).pipe(
      Stream.mapConcat(take),
      Stream.concat(
        Stream.suspend(() => {
          const last = window
          window = []
          return Stream.fromIterable(last.length === 0 ? [] : groupWindow(last, options.maxItems))
        })
      )
    )
  })
