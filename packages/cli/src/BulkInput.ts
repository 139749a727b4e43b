/**
 * Streaming reader for bulk files: CSV (`from,to[,remark,group,source,wording]`, header optional) or JSON Lines
 * (`{"from":…,"to":…}` per line). Files are read as a stream and grouped into bounded chunks per from-account,
 * so a file of a million lines runs in bounded memory.
 *
 * @since 0.1.0
 */

import { createHash } from "node:crypto"
import { FileSystem } from "@effect/platform"
import type { PlatformError } from "@effect/platform/Error"
import { Limits } from "@effect-tim/schema"
import { Chunk as C, Effect, Schema, Stream } from "effect"

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

const build = (line: number, get: (c: Column) => string | undefined): Row | string => {
  const from = get("from") ?? ""
  const to = get("to") ?? ""
  if (from.length === 0) return "the from account is empty"
  if (to.length === 0) return "the to account is empty"
  const row: { -readonly [K in keyof Row]: Row[K] } = { line, from, to }
  for (const c of ["remark", "group", "source", "wording"] as const) {
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

/**
 * Makes a {@link Parser} for the file at `path` (the path names the file in errors and picks the format).
 *
 * @since 0.1.0
 */
export const makeParser = (path: string): Parser => {
  let format: Format | undefined
  let order: ReadonlyArray<Column> = columns
  let rest = ""
  let line = 0
  const parseOne = (raw: string, out: Array<Row>): BulkInputError | undefined => {
    line++
    let text = raw.endsWith("\r") ? raw.slice(0, -1) : raw
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    if (text.trim().length === 0) return undefined
    if (format === undefined) {
      format = detectFormat(path, text)
      if (format === "csv") {
        const fields = parseCsvLine(text)
        if (typeof fields !== "string") {
          const header = parseHeader(fields)
          if (typeof header === "string") return new BulkInputError({ path, line, reason: header })
          if (header !== undefined) {
            order = header
            return undefined
          }
        }
      }
    }
    const row = parseLine(format, order, text, line)
    if (typeof row === "string") return new BulkInputError({ path, line, reason: row })
    out.push(row)
    return undefined
  }
  return {
    feed: (text) => {
      const all = rest + text
      const out: Array<Row> = []
      let start = 0
      let newline = all.indexOf("\n", start)
      while (newline !== -1) {
        const error = parseOne(all.slice(start, newline), out)
        if (error !== undefined) return error
        start = newline + 1
        newline = all.indexOf("\n", start)
      }
      rest = all.slice(start)
      return out
    },
    end: () => {
      const out: Array<Row> = []
      const last = rest
      rest = ""
      if (last.length === 0) return out
      const error = parseOne(last, out)
      return error ?? out
    }
  }
}

const lift = (result: Array<Row> | BulkInputError): Effect.Effect<Array<Row>, BulkInputError> =>
  result instanceof BulkInputError ? Effect.fail(result) : Effect.succeed(result)

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
      const decoder = new TextDecoder("utf-8")
      const parser = makeParser(path)
      return fs.stream(path, { chunkSize: FileSystem.KiB(256) }).pipe(
        Stream.mapEffect((bytes) => {
          onBytes?.(bytes)
          return lift(parser.feed(decoder.decode(bytes, { stream: true })))
        }),
        Stream.concat(Stream.fromEffect(Effect.suspend(() => lift(parser.feed(decoder.decode()))))),
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
  Effect.suspend(() => {
    const hash = createHash("sha256")
    let bytes = 0
    return Stream.runFold(
      rowBatches(path, (block) => {
        hash.update(block)
        bytes += block.length
      }),
      0,
      (n, batch) => n + batch.length
    ).pipe(Effect.map((rows) => ({ rows, bytes, sha256: hash.digest("hex") })))
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
  const hash = createHash("sha1")
  for (const r of rows) {
    hash.update(
      `${r.line}\u0000${r.from}\u0000${r.to}\u0000${r.remark ?? ""}\u0000${r.group ?? ""}\u0000${r.source ?? ""}\u0000${r.wording ?? ""}\n`
    )
  }
  return `${rows[0]?.line ?? 0}-${rows[rows.length - 1]?.line ?? 0}#${hash.digest("hex").slice(0, 16)}`
}

/**
 * Groups a window of rows by from-account into chunks.
 *
 * @since 0.1.0
 */
export const groupWindow = (window: ReadonlyArray<Row>, maxItems: number): ReadonlyArray<Chunk> => {
  const byFrom = new Map<string, Array<Row>>()
  for (const row of window) {
    const group = byFrom.get(row.from)
    if (group === undefined) byFrom.set(row.from, [row])
    else group.push(row)
  }
  const out: Array<Chunk> = []
  for (const [from, group] of byFrom) {
    for (let i = 0; i < group.length; i += maxItems) {
      const part = group.slice(i, i + maxItems)
      out.push({ id: chunkId(part), from, rows: part })
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
