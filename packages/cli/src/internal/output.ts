/**
 * What `tim` prints: per-item rows, a summary, tables and the `--json` document, plus the typed view of any
 * failure (tag, code, info) that rows, tables and the failures file share.
 */
import { Console, Effect, Predicate } from "effect"

/** A failure as rows, tables and the failures file show it. */
export interface ErrorView {
  readonly tag: string
  readonly code: number
  readonly info: string
}

/** What an item is about: a relation (from, to) or an account. */
export type Subject = { readonly from: string; readonly to: string } | { readonly account: string }

/** One item of a bulk command: its outcome (a Tencent name such as `CheckResult_Type_BothWay`) or its typed error. */
export type Row = Subject & ({ readonly outcome: unknown } | { readonly error: ErrorView })

/** Whether a row failed. */
export const isFailed = (row: Row): row is Subject & { readonly error: ErrorView } => "error" in row

/** An outcome as a table cell. */
export const outcomeText = (outcome: unknown): string =>
  typeof outcome === "string" ? outcome : JSON.stringify(outcome)

/** Reads tag, code and info from a typed error (Tencent code errors, `InvalidItem`, `TransportError`, ...). */
export const errorView = (error: unknown): ErrorView => {
  if (Predicate.isRecord(error) || error instanceof Error) {
    const e = error as Record<string, unknown>
    const tag = typeof e._tag === "string" ? e._tag : error instanceof Error ? error.name : "Error"
    const code = typeof e.code === "number" ? e.code : 0
    const info =
      typeof e.info === "string" && e.info.length > 0
        ? e.info
        : typeof e.reason === "string" && typeof e.message !== "string"
          ? e.reason
          : typeof e.message === "string"
            ? e.message
            : ""
    return { tag, code, info }
  }
  return { tag: "Error", code: 0, info: String(error) }
}

/** The key a failure is counted under in summaries: `30001 InvalidParameters`. */
export const failureKey = (view: ErrorView): string => (view.code === 0 ? view.tag : `${view.code} ${view.tag}`)

/** Counts outcomes and failures as items finish. */
export class Tally {
  total = 0
  succeeded = 0
  failed = 0
  retries = 0
  readonly outcomes = new Map<string, number>()
  readonly failures = new Map<string, number>()

  add(row: Row): void {
    this.total++
    if (isFailed(row)) {
      this.failed++
      const key = failureKey(row.error)
      this.failures.set(key, (this.failures.get(key) ?? 0) + 1)
    } else {
      this.succeeded++
      const key = typeof row.outcome === "string" ? row.outcome : "ok"
      this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1)
    }
  }

  /** Adds the rows of a chunk: a run of equal outcomes is counted in the map once, not row by row. */
  addAll(rows: ReadonlyArray<Row>): void {
    let key = ""
    let run = 0
    const flush = () => {
      if (run === 0) return
      this.total += run
      this.succeeded += run
      this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + run)
      run = 0
    }
    for (const row of rows) {
      if (isFailed(row)) {
        this.add(row)
        continue
      }
      const k = typeof row.outcome === "string" ? row.outcome : "ok"
      if (k !== key) {
        flush()
        key = k
      }
      run++
    }
    flush()
  }

  summary(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      total: this.total,
      succeeded: this.succeeded,
      failed: this.failed,
      outcomes: Object.fromEntries(this.outcomes),
      failures: Object.fromEntries(this.failures),
      retries: this.retries,
      ...extra
    }
  }
}

/** Renders rows of cells as an aligned plain-text table with a header. */
export const table = (headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = headers.map((h, i) => rows.reduce((w, row) => Math.max(w, (row[i] ?? "").length), h.length))
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd()
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")
}

/** The cells of a row in the item table: from and to (or account), then the outcome or the error. */
export const rowCells = (row: Row): ReadonlyArray<string> => [
  ...("account" in row ? [row.account] : [row.from, row.to]),
  isFailed(row)
    ? `FAILED ${failureKey(row.error)}${row.error.info ? `: ${row.error.info}` : ""}`
    : outcomeText((row as { readonly outcome: unknown }).outcome)
]

const headersOf = (rows: ReadonlyArray<Row>) =>
  rows[0] !== undefined && "account" in rows[0] ? ["account", "outcome"] : ["from", "to", "outcome"]

/** A readable rendering of a summary object: `key: value` lines, nested maps inline. */
export const renderSummary = (summary: Record<string, unknown>): string =>
  Object.entries(summary)
    .map(([key, value]) => {
      if (Predicate.isRecord(value)) {
        const entries = Object.entries(value)
        return `${key}: ${entries.length === 0 ? "-" : entries.map(([k, v]) => `${k}=${String(v)}`).join(", ")}`
      }
      return `${key}: ${String(value)}`
    })
    .join("\n")

/** Prints a finished bulk result: a table and summary, or the `--json` document. */
export const printRows = (
  json: boolean,
  rows: ReadonlyArray<Row>,
  summary: Record<string, unknown>
): Effect.Effect<void> =>
  json
    ? Console.log(JSON.stringify({ items: rows, summary }))
    : Console.log(
        `${rows.length === 0 ? "(no items)" : table(headersOf(rows), rows.map(rowCells))}\n\n${renderSummary(summary)}`
      )

/** Prints a value: pretty JSON with `--json`, otherwise the given readable text. */
export const printValue = (json: boolean, value: unknown, text: () => string): Effect.Effect<void> =>
  Console.log(json ? JSON.stringify(value) : text())

/**
 * Prints rows as they arrive, for bulk files: with `--json` one JSON document whose `items` array is written
 * chunk by chunk (memory stays bounded); otherwise only the failed items, as table lines, then the summary.
 * Each call of `rows` is at most one write: a chunk of a thousand items is one string, not a thousand writes.
 */
export interface RowSink {
  readonly rows: (rows: ReadonlyArray<Row>) => Effect.Effect<void>
  readonly end: (summary: Record<string, unknown>) => Effect.Effect<void>
}

/** Makes a streaming {@link RowSink}. */
export const makeSink = (
  json: boolean,
  around: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R> = (e) => e
): RowSink => {
  let pending: string | undefined
  let started = false
  let printedFailures = 0
  const print = (lines: ReadonlyArray<string>) =>
    lines.length === 0 ? Effect.void : around(Console.log(lines.join("\n")))
  if (json) {
    // Each item on its own line, followed by a comma unless it is the last: an item is held back until the next
    // one (or the end) says which.
    return {
      rows: (rows) =>
        Effect.suspend(() => {
          const out: Array<string> = []
          if (!started && rows.length > 0) {
            started = true
            out.push('{"items":[')
          }
          for (const row of rows) {
            if (pending !== undefined) out.push(`${pending},`)
            pending = JSON.stringify(row)
          }
          return print(out)
        }),
      end: (summary) =>
        Effect.suspend(() => {
          const head = started ? [] : ['{"items":[']
          const last = pending === undefined ? [] : [pending]
          return Console.log([...head, ...last, `],"summary":${JSON.stringify(summary)}}`].join("\n"))
        })
    }
  }
  return {
    rows: (rows) =>
      Effect.suspend(() => {
        const out: Array<string> = []
        for (const row of rows) {
          if (!isFailed(row)) continue
          const cells = rowCells(row)
          const text = cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(16) : c)).join("  ")
          out.push(printedFailures++ === 0 ? `failed items:\n${text}` : text)
        }
        return print(out)
      }),
    end: (summary) => Console.log(`${printedFailures > 0 ? "\n" : ""}${renderSummary(summary)}`)
  }
}
