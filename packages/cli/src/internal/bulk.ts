/**
 * Bulk commands: turning `Friends` batch results into rows, and running a whole file chunk by chunk with
 * progress, a failures file and a resume journal.
 */

import type { Friends } from "@effect-tim/friends"
import { Effect, Either, Option, Stream } from "effect"
import * as BulkInput from "../BulkInput.js"
import * as Failures from "../Failures.js"
import * as Journal from "../Journal.js"
import { ItemsFailed, UsageError } from "./errors.js"
import { type ErrorView, errorView, isFailed, makeSink, printRows, type Row, Tally } from "./output.js"
import * as Progress from "./progress.js"

/** The rows of one batch result for `from`, with `render` naming each success. */
export const rowsOf = <A, E>(from: string, result: Friends.BatchResult<A, E>, render: (a: A) => unknown): Array<Row> =>
  result.items.map((item) =>
    Either.match(item.result, {
      onLeft: (error): Row => ({ from, to: item.toAccount, error: errorView(error) }),
      onRight: (value): Row => ({ from, to: item.toAccount, outcome: render(value) })
    })
  )

/** The same failure for every target of a call that was refused as a whole. */
export const rowsFailed = (from: string, toAccounts: ReadonlyArray<string>, error: unknown): Array<Row> => {
  const view = errorView(error)
  return toAccounts.map((to) => ({ from, to, error: view }))
}

/**
 * Whether a failure concerns the request rather than the item: a transport failure or a public REST code
 * (60000–79999: authentication, frequency, permission). A file run stops on one, so that a rerun resumes there.
 */
export const isRequestLevel = (view: ErrorView): boolean =>
  view.tag === "TransportError" || (view.code >= 60000 && view.code < 80000)

/** A request-level failure of a bulk run: the message of the first such item. */
const requestFailure = (rows: ReadonlyArray<Row>): UsageError | undefined => {
  for (const row of rows) {
    if (isFailed(row) && isRequestLevel(row.error)) {
      return new UsageError({ message: `the request failed: ${row.error.info || row.error.tag}` })
    }
  }
  return undefined
}

/**
 * Prints the rows of a command given on the command line and fails with the exit-code signal: `UsageError`
 * (exit 1) when a request failed as a whole, `ItemsFailed` (exit 2) when some items failed.
 */
export const finish = (
  json: boolean,
  rows: ReadonlyArray<Row>,
  extra: Record<string, unknown> = {},
  retries = 0
): Effect.Effect<void, UsageError | ItemsFailed> =>
  Effect.gen(function* () {
    const tally = new Tally()
    tally.retries = retries
    for (const row of rows) tally.add(row)
    yield* printRows(json, rows, tally.summary(extra))
    const failure = requestFailure(rows)
    if (failure !== undefined) return yield* failure
    if (tally.failed > 0) return yield* new ItemsFailed({ failed: tally.failed })
  })

/** What one chunk of a file became. */
export interface ChunkResult {
  readonly rows: ReadonlyArray<Row>
  readonly retries: number
}

/** A file command: its journal key and what it does with one chunk. */
export interface FileSpec<R> {
  readonly key: string
  readonly process: (chunk: BulkInput.Chunk) => Effect.Effect<ChunkResult, never, R>
}

/** The file options of a file command. */
export interface FileOptions {
  readonly path: string
  readonly json: boolean
  readonly concurrency: number
  readonly failures: Option.Option<string>
  readonly journal: Option.Option<string>
  readonly chunk?: BulkInput.ChunkOptions | undefined
}

/**
 * Runs a file: validates and counts it, skips the chunks the journal lists, processes the rest `concurrency` at a
 * time, writes failures, journals each chunk after its rows are out, reports progress, and prints the rows and
 * the summary.
 */
export const runFile = <R>(spec: FileSpec<R>, options: FileOptions) =>
  Effect.scoped(
    Effect.gen(function* () {
      const started = Date.now()
      const total = yield* BulkInput.scan(options.path)
      const journal = Option.isSome(options.journal) ? yield* Journal.open(options.journal.value, spec.key) : undefined
      const done = journal?.done ?? new Map<string, Journal.Entry>()
      let skippedItems = 0
      for (const entry of done.values()) skippedItems += entry.succeeded + entry.failed
      const failuresFile = Option.isSome(options.failures) ? yield* Failures.open(options.failures.value) : undefined
      const tally = new Tally()
      const sink = makeSink(options.json)
      let skippedChunks = 0
      const progress = Progress.start(tally, Math.max(0, total - skippedItems))
      // The progress reporter stops (printing its last line) before the summary is printed.
      yield* Effect.zipRight(
        progress,
        BulkInput.rows(options.path).pipe(
          BulkInput.chunks(options.chunk),
          Stream.filter((chunk) => {
            if (!done.has(chunk.id)) return true
            skippedChunks++
            return false
          }),
          Stream.mapEffect((chunk) => Effect.map(spec.process(chunk), (result) => [chunk, result] as const), {
            concurrency: options.concurrency
          }),
          Stream.runForEach(([chunk, result]) =>
            Effect.gen(function* () {
              const failure = requestFailure(result.rows)
              if (failure !== undefined) return yield* failure
              let failed = 0
              const failures: Array<Failures.Failure> = []
              for (const row of result.rows) {
                tally.add(row)
                yield* sink.row(row)
                if (isFailed(row)) {
                  failed++
                  if ("from" in row) failures.push({ from: row.from, to: row.to, ...row.error })
                }
              }
              tally.retries += result.retries
              if (failuresFile !== undefined) yield* failuresFile.write(failures)
              if (journal !== undefined) {
                yield* journal.record({ id: chunk.id, succeeded: result.rows.length - failed, failed })
              }
            })
          )
        )
      ).pipe(Effect.scoped)
      const elapsedMs = Date.now() - started
      yield* sink.end(
        tally.summary({
          file: options.path,
          lines: total,
          skippedChunks,
          skippedItems,
          elapsedMs,
          itemsPerSecond: elapsedMs > 0 ? Math.round((tally.total * 1000) / elapsedMs) : 0
        })
      )
      if (tally.failed > 0) return yield* new ItemsFailed({ failed: tally.failed })
    })
  )
