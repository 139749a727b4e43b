/**
 * Bulk commands: turning `Friends` batch results into rows, and running a whole file chunk by chunk with
 * progress, a failures file and a resume journal.
 */

import * as path from "node:path"
import type { Friends } from "@effect-tim/friends"
import { Console, Effect, Either, Option, Stream } from "effect"
import * as BulkInput from "../BulkInput.js"
import * as Failures from "../Failures.js"
import * as Journal from "../Journal.js"
import { Interrupted, ItemsFailed, UsageError } from "./errors.js"
import { type ErrorView, errorView, isFailed, makeSink, printRows, type Row, Tally } from "./output.js"
import * as Progress from "./progress.js"
import * as Signals from "./signals.js"

/** The rows of one batch result for `from`, with `render` naming each success. */
export const rowsOf = <A, E>(
  from: string,
  result: Friends.BatchResult<A, E>,
  render: (a: A) => unknown
): Array<Row> => {
  // A plain loop: a file run makes a row for each of its items, so no closures per item.
  const items = result.items
  const rows = new Array<Row>(items.length)
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!
    const r = item.result
    rows[i] = Either.isLeft(r)
      ? { from, to: item.toAccount, error: errorView(r.left) }
      : { from, to: item.toAccount, outcome: render(r.right) }
  }
  return rows
}

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

/** A file command: what its journal is bound to, and what it does with one chunk. */
export interface FileSpec<R> {
  /** `friend add`. */
  readonly command: string
  /** The options that shape its requests (a journal refuses a run with other values). */
  readonly options: Record<string, unknown>
  /** Where the requests go (see `connection.describeTarget`). */
  readonly target: Record<string, unknown>
  readonly process: (chunk: BulkInput.Chunk) => Effect.Effect<ChunkResult, never, R>
}

/** The file options of a file command. */
export interface FileOptions {
  readonly path: string
  readonly json: boolean
  readonly concurrency: number
  readonly failures: Option.Option<string>
  readonly journal: Option.Option<string>
  /** Start the journal afresh even when it was made for another run. */
  readonly restart?: boolean | undefined
  readonly chunk?: BulkInput.ChunkOptions | undefined
}

/**
 * Runs a file: validates, counts and fingerprints it, opens the journal bound to the command, options, target and
 * file (refusing another run's journal), skips the chunks the journal lists, processes the rest `concurrency` at
 * a time, writes failures, journals each chunk after its rows are out, reports progress, and prints the rows and
 * the summary. On SIGINT/SIGTERM it stops taking new chunks, finishes and journals those in flight, prints the
 * summary and how to resume, and fails with {@link Interrupted}.
 */
export const runFile = <R>(spec: FileSpec<R>, options: FileOptions) =>
  Effect.scoped(
    Effect.gen(function* () {
      const started = Date.now()
      const input = yield* BulkInput.inspect(options.path)
      const binding = {
        command: spec.command,
        options: spec.options,
        target: spec.target,
        input: { rows: input.rows, bytes: input.bytes, sha256: input.sha256 },
        failures: Option.getOrNull(Option.map(options.failures, (p) => path.resolve(p)))
      }
      const journal = Option.isSome(options.journal)
        ? yield* Journal.open(options.journal.value, binding, { restart: options.restart })
        : undefined
      const done = journal?.done ?? new Map<string, Journal.Entry>()
      let journaled = 0
      for (const entry of done.values()) journaled += entry.succeeded + entry.failed
      const failuresFile = Option.isSome(options.failures)
        ? yield* Failures.open(
            options.failures.value,
            journal === undefined || journal.fresh ? undefined : journal.failuresSize
          )
        : undefined
      let failuresSize = journal?.failuresSize ?? 0
      const stop = yield* Signals.stopFlag()
      const tally = new Tally()
      let skippedChunks = 0
      let skippedItems = 0
      // The progress reporter stops (printing its last line) before the summary is printed.
      const sink = yield* Effect.scoped(
        Effect.gen(function* () {
          const progress = yield* Progress.start(tally, Math.max(0, input.rows - journaled))
          const sink = makeSink(options.json, progress.around)
          yield* BulkInput.fileChunks(options.path, options.chunk).pipe(
            Stream.filter((chunk) => {
              // A chunk's id is a hash of its rows: only computed when there is a journal to read or to write.
              if (done.size === 0 || !done.has(chunk.id)) return true
              skippedChunks++
              skippedItems += chunk.rows.length
              return false
            }),
            // Streams pull ahead in batches, so the stop flag is read when a chunk is about to be sent.
            Stream.mapEffect(
              (chunk) =>
                Effect.suspend(
                  (): Effect.Effect<readonly [BulkInput.Chunk, ChunkResult | undefined], never, R> =>
                    stop.signal !== undefined
                      ? Effect.succeed([chunk, undefined] as const)
                      : Effect.map(spec.process(chunk), (result) => [chunk, result] as const)
                ),
              { concurrency: options.concurrency }
            ),
            Stream.runForEach(([chunk, result]) =>
              Effect.gen(function* () {
                if (result === undefined) return
                const failure = requestFailure(result.rows)
                if (failure !== undefined) return yield* failure
                let failed = 0
                const failures: Array<Failures.Failure> = []
                tally.addAll(result.rows)
                for (const row of result.rows) {
                  if (isFailed(row)) {
                    failed++
                    if ("from" in row) failures.push({ from: row.from, to: row.to, ...row.error })
                  }
                }
                yield* sink.rows(result.rows)
                tally.retries += result.retries
                if (failuresFile !== undefined) failuresSize = yield* failuresFile.write(failures)
                if (journal !== undefined) {
                  yield* journal.record({ id: chunk.id, succeeded: result.rows.length - failed, failed, failuresSize })
                }
              })
            )
          )
          return sink
        })
      )
      const elapsedMs = Date.now() - started
      const notSent = input.rows - skippedItems - tally.total
      yield* sink.end(
        tally.summary({
          file: options.path,
          lines: input.rows,
          skippedChunks,
          skippedItems,
          elapsedMs,
          itemsPerSecond: elapsedMs > 0 ? Math.round((tally.total * 1000) / elapsedMs) : 0,
          ...(stop.signal === undefined ? {} : { interrupted: stop.signal, notSent })
        })
      )
      if (stop.signal !== undefined) {
        yield* Console.error(
          journal === undefined
            ? `tim: stopped by ${stop.signal}: ${notSent} item(s) not sent; no journal records what was done (give --journal FILE to be able to resume)`
            : `tim: stopped by ${stop.signal}: ${notSent} item(s) not sent; run the same command again to resume (${options.journal.pipe(Option.getOrElse(() => ""))} skips the finished chunks)`
        )
        return yield* new Interrupted({ signal: stop.signal })
      }
      if (tally.failed > 0) return yield* new ItemsFailed({ failed: tally.failed })
    })
  )
