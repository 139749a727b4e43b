import type { Api, BatchResult } from "@effect-tim/schema"
import { TimError } from "@effect-tim/schema"
import { TimClient } from "@effect-tim/transport"
import { Array as Arr, Effect, Either, Option, ParseResult, Schedule, type Schema } from "effect"
import { InvalidItem, MissingResult } from "../FriendsError.js"

/** What every per-item answer carries. */
export type RawResult = BatchResult.ResultItem

/** One requested position: its target name and either the validated wire item or why it was refused. */
export interface Prepared<Item> {
  readonly target: string
  readonly item: Either.Either<Item, InvalidItem>
}

/** The outcome of one position. */
export interface Outcome<A, E> {
  readonly toAccount: string
  readonly result: Either.Either<A, E>
}

/** How to run one API in bulk. */
export interface Plan<Item, R extends RawResult, A, E, ER> {
  readonly api: Api.Any
  readonly chunkSize: number
  /** Chunks of one call sent at once (1 for writes, to keep one account's writes in order). */
  readonly concurrency: number
  readonly send: (items: Arr.NonEmptyReadonlyArray<Item>) => Effect.Effect<ReadonlyArray<R>, ER>
  /** The success value of a result item, if it is one (code 0, and API-specific success codes). */
  readonly succeed: (result: R) => Option.Option<A>
  /** The typed error of a failed result item. */
  readonly itemError: (result: R) => E
  /** The client's retry policy in force for the calling fiber (`TimClient.retryPolicy`), read on the first retry. */
  readonly retryPolicy: Effect.Effect<TimClient.RetryPolicy | undefined>
}

/** Decodes with a compiled validator and turns the first issue into an `InvalidItem` for `target`. */
export const validator = <A, I>(schema: Schema.Schema<A, I>, rootField = "item") => {
  const decode = checker(schema, rootField)
  return (target: string, input: unknown): Either.Either<A, InvalidItem> =>
    Either.mapLeft(decode(input), ({ field, reason }) => new InvalidItem({ target, field, reason }))
}

/** A compiled validator answering the first problem as a camelCase field path and a reason. */
export const checker = <A, I>(schema: Schema.Schema<A, I>, rootField: string, prefixed = false) => {
  const decode = ParseResult.decodeUnknownEither(schema, { errors: "first" })
  return (input: unknown): Either.Either<A, { readonly field: string; readonly reason: string }> =>
    Either.mapLeft(decode(input), (error) => {
      const issue = ParseResult.ArrayFormatter.formatIssueSync(error)[0]
      return {
        field:
          issue === undefined || issue.path.length === 0
            ? rootField
            : [...(prefixed ? [rootField] : []), ...issue.path.map(String)].join("."),
        reason: issue?.message ?? "invalid"
      }
    })
}

/**
 * Marks every repeated target after its first position as an `InvalidItem`: each requested target then has exactly
 * one outcome, and nothing is sent twice in one call.
 */
export const refuseDuplicates = <Item>(prepared: ReadonlyArray<Prepared<Item>>): ReadonlyArray<Prepared<Item>> => {
  const first = new Map<string, number>()
  return prepared.map((p, index) => {
    if (Either.isLeft(p.item)) return p
    const seen = first.get(p.target)
    if (seen === undefined) {
      first.set(p.target, index)
      return p
    }
    return {
      target: p.target,
      item: Either.left(
        new InvalidItem({
          target: p.target,
          field: "toAccount",
          reason: `duplicate target: already requested at position ${seen}`
        })
      )
    }
  })
}

/** Whether an item code is worth sending again on its own (30006, 30007, 30008, ...). */
const isRetryableItemCode = (code: number): boolean => TimError.retryClassOf(code) === "retryable"

/**
 * Sends the valid positions in chunks, sends the items answered with a retryable code again (only those, on the
 * client's retry schedule), and returns exactly one outcome per position, in order, plus the number of re-sends.
 */
export const run = <Item, R extends RawResult, A, E, ER>(
  plan: Plan<Item, R, A, E, ER>,
  prepared: ReadonlyArray<Prepared<Item>>
): Effect.Effect<
  { readonly items: ReadonlyArray<Outcome<A, E | ER | InvalidItem | MissingResult>>; readonly retries: number },
  never
> =>
  Effect.gen(function* () {
    type Result = Either.Either<A, E | ER | InvalidItem | MissingResult>
    const results: Array<Result | undefined> = prepared.map((p) =>
      Either.isLeft(p.item) ? Either.left(p.item.left) : undefined
    )
    let pending: Array<number> = []
    prepared.forEach((p, index) => {
      if (Either.isRight(p.item)) pending.push(index)
    })
    let retries = 0
    // The schedule is only built once some item needs a retry (most calls never do).
    let driver: Schedule.ScheduleDriver<number, unknown> | undefined

    const sendChunk = (indices: Arr.NonEmptyReadonlyArray<number>) =>
      plan.send(Arr.map(indices, (i) => (prepared[i]!.item as Either.Right<InvalidItem, Item>).right)).pipe(
        Effect.match({
          onFailure: (error): Array<number> => {
            for (const i of indices) results[i] = Either.left(error)
            return []
          },
          onSuccess: (answer): Array<number> => {
            const byTarget = new Map<string, R>()
            for (const r of answer) byTarget.set(r.toAccount, r)
            const again: Array<number> = []
            for (const i of indices) {
              const target = prepared[i]!.target
              const r = byTarget.get(target)
              if (r === undefined) {
                results[i] = Either.left(new MissingResult({ target, api: plan.api.path }))
                continue
              }
              const ok = plan.succeed(r)
              if (Option.isSome(ok)) {
                results[i] = Either.right(ok.value)
              } else {
                results[i] = Either.left(plan.itemError(r))
                if (isRetryableItemCode(r.resultCode)) again.push(i)
              }
            }
            return again
          }
        })
      )

    while (pending.length > 0) {
      const chunks = Arr.chunksOf(pending, plan.chunkSize)
      const again =
        chunks.length === 1
          ? yield* sendChunk(chunks[0]!)
          : (yield* Effect.forEach(chunks, sendChunk, { concurrency: plan.concurrency })).flat()
      if (again.length === 0) break
      if (driver === undefined) {
        const policy = yield* plan.retryPolicy
        if (policy === undefined) break
        driver = yield* Schedule.driver(TimClient.retrySchedule(policy))
      }
      const proceed = yield* driver.next(again.length).pipe(
        Effect.as(true),
        Effect.orElseSucceed(() => false)
      )
      if (!proceed) break
      again.sort((a, b) => a - b)
      retries += again.length
      pending = again
    }

    return {
      items: prepared.map((p, i) => ({ toAccount: p.target, result: results[i]! })),
      retries
    }
  })
