import type { Api, BatchResult } from "@effect-tim/schema"
import { TimError } from "@effect-tim/schema"
import { TimClient } from "@effect-tim/transport"
import { Array as Arr, Clock, Effect, Either, ParseResult, Schedule, type Schema } from "effect"
import { DuplicateResult, InvalidItem, MissingResult } from "../FriendsError.js"
import * as Guard from "./guard.js"

/** What every per-item answer carries. */
export type RawResult = BatchResult.ResultItem

/**
 * The requested positions, column by column (one bulk call of 1 000 targets would otherwise allocate 2 000 small
 * objects): each position's target name, and its validated wire item or why it was refused.
 */
export interface Prepared<Item> {
  readonly targets: ReadonlyArray<string>
  /** The wire item of each position (`undefined` where refused). */
  readonly items: ReadonlyArray<Item | undefined>
  /** Why each position was refused (`undefined` where valid). */
  readonly refused: ReadonlyArray<InvalidItem | undefined>
}

/** The outcome of one position. */
export interface Outcome<A, E> {
  readonly toAccount: string
  readonly result: Either.Either<A, E>
}

/** What `succeed` answers for a result item that is not a success. */
export const notOk: unique symbol = Symbol.for("@effect-tim/friends/notOk")

/** How to run one API in bulk. */
export interface Plan<Item, R extends RawResult, A, E, ER> {
  readonly api: Api.Any
  readonly chunkSize: number
  /** Chunks of one call sent at once (1 for writes, to keep one account's writes in order). */
  readonly concurrency: number
  readonly send: (items: Arr.NonEmptyReadonlyArray<Item>) => Effect.Effect<ReadonlyArray<R>, ER>
  /** The success value of a result item, or `notOk` (code 0, and API-specific success codes). */
  readonly succeed: (result: R) => A | typeof notOk
  /** The typed error of a failed result item. */
  readonly itemError: (result: R) => E
  /** The client's retry policy in force for the calling fiber (`TimClient.retryPolicy`), read on the first retry. */
  readonly retryPolicy: Effect.Effect<TimClient.RetryPolicy | undefined>
}

/** A compiled checker answering the first problem as a camelCase field path and a reason. */
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
 * A validator of one item: the input itself when the schema's guard passes (no decoding, no allocation), otherwise
 * the schema's decoding, whose first issue becomes an `InvalidItem` for `target`.
 */
export const validator = <A, I>(schema: Schema.Schema<A, I>, rootField = "item") => {
  const guard = Guard.compile(schema.ast)
  const decode = checker(schema, rootField)
  return (target: string, input: unknown): A | InvalidItem => {
    if (guard(input)) return input as A
    return Either.match(decode(input), {
      onLeft: ({ field, reason }) => new InvalidItem({ target, field, reason }),
      onRight: (a) => a
    })
  }
}

/** The target named by an input: the string itself, its `toAccount`, or the input as text (refused later). */
export const targetOf = (input: unknown): string =>
  typeof input === "string"
    ? input
    : typeof input === "object" && input !== null && typeof (input as { toAccount?: unknown }).toAccount === "string"
      ? (input as { toAccount: string }).toAccount
      : String(input)

/**
 * Prepares every input (`prepare` answers its wire item or why it is refused) and refuses every repeated target
 * after its first position: each requested target then has exactly one outcome, and nothing is sent twice.
 */
export const prepareAll = <Item>(
  inputs: ReadonlyArray<unknown>,
  prepare: (input: unknown, target: string) => Item | InvalidItem
): Prepared<Item> => {
  const n = inputs.length
  const targets = new Array<string>(n)
  const items = new Array<Item | undefined>(n)
  const refused = new Array<InvalidItem | undefined>(n)
  const first = new Map<string, number>()
  for (let i = 0; i < n; i++) {
    const input = inputs[i]
    const target = targetOf(input)
    targets[i] = target
    const item = prepare(input, target)
    if (item instanceof InvalidItem) {
      refused[i] = item
      continue
    }
    const seen = first.get(target)
    if (seen === undefined) {
      first.set(target, i)
      items[i] = item
    } else {
      refused[i] = new InvalidItem({
        target,
        field: "toAccount",
        reason: `duplicate target: already requested at position ${seen}`
      })
    }
  }
  return { targets, items, refused }
}

/** Whether an item code is worth sending again on its own (30006, 30007, 30008, ...). */
const isRetryableItemCode = (code: number): boolean => TimError.retryClassOf(code) === "retryable"

/**
 * Sends the valid positions in chunks, sends the items answered with a retryable code again (only those, on the
 * client's retry schedule, the one engine its requests retry on), and returns exactly one outcome per position, in
 * order, plus the number of re-sends. A target the answer leaves out gets `MissingResult`; one it lists twice gets
 * `DuplicateResult` (neither is guessed); entries for targets nobody asked for are ignored.
 */
export const run = <Item, R extends RawResult, A, E, ER>(
  plan: Plan<Item, R, A, E, ER>,
  prepared: Prepared<Item>
): Effect.Effect<
  {
    readonly items: ReadonlyArray<Outcome<A, E | ER | InvalidItem | MissingResult | DuplicateResult>>
    readonly retries: number
  },
  never
> =>
  Effect.gen(function* () {
    type Result = Either.Either<A, E | ER | InvalidItem | MissingResult | DuplicateResult>
    const { targets, items, refused } = prepared
    const n = targets.length
    const results = new Array<Result | undefined>(n)
    let pending: Array<number> = []
    for (let i = 0; i < n; i++) {
      const why = refused[i]
      if (why === undefined) pending.push(i)
      else results[i] = Either.left(why)
    }
    let retries = 0
    // The schedule is only built once some item needs a retry (most calls never do); its budget counts from here.
    const startMillis = yield* Clock.currentTimeMillis
    let driver: Schedule.ScheduleDriver<number, unknown> | undefined

    const settle = (i: number, r: R, again: Array<number>, failures: Array<E>) => {
      const value = plan.succeed(r)
      if (value !== notOk) {
        results[i] = Either.right(value)
        return
      }
      const error = plan.itemError(r)
      results[i] = Either.left(error)
      if (isRetryableItemCode(r.resultCode)) {
        again.push(i)
        failures.push(error)
      }
    }

    const sendChunk = (indices: Arr.NonEmptyReadonlyArray<number>) =>
      plan.send(Arr.map(indices, (i) => items[i] as Item)).pipe(
        Effect.match({
          onFailure: (error): Retry<E> => {
            const left = Either.left(error)
            for (const i of indices) results[i] = left
            return noRetry
          },
          onSuccess: (answer): Retry<E> => {
            const again: Array<number> = []
            const failures: Array<E> = []
            // The usual answer lists the request's targets once each, in order: then no lookup table is needed (the
            // request holds no duplicates, so neither does such an answer). Anything else is matched by name.
            if (answer.length === indices.length) {
              let k = 0
              while (k < answer.length && answer[k]!.toAccount === targets[indices[k]!]) k++
              if (k === answer.length) {
                for (let j = 0; j < k; j++) settle(indices[j]!, answer[j]!, again, failures)
                return { again, failures }
              }
            }
            const byTarget = new Map<string, R | typeof duplicate>()
            for (const r of answer) byTarget.set(r.toAccount, byTarget.has(r.toAccount) ? duplicate : r)
            for (const i of indices) {
              const target = targets[i]!
              const r = byTarget.get(target)
              if (r === undefined) results[i] = Either.left(new MissingResult({ target, api: plan.api.path }))
              else if (r === duplicate) results[i] = Either.left(new DuplicateResult({ target, api: plan.api.path }))
              else settle(i, r, again, failures)
            }
            return { again, failures }
          }
        })
      )

    while (pending.length > 0) {
      const chunks = Arr.chunksOf(pending, plan.chunkSize)
      const sent =
        chunks.length === 1
          ? [yield* sendChunk(chunks[0]!)]
          : yield* Effect.forEach(chunks, sendChunk, { concurrency: plan.concurrency })
      const again = sent.flatMap((s) => s.again)
      if (again.length === 0) break
      if (driver === undefined) {
        const policy = yield* plan.retryPolicy
        if (policy === undefined) break
        driver = yield* Schedule.driver(TimClient.retrySchedule(policy, startMillis))
      }
      // The engine takes the failures themselves: each code's minimum delay and retry class count.
      const proceed = yield* driver.next(sent.flatMap((s) => s.failures)).pipe(
        Effect.as(true),
        Effect.orElseSucceed(() => false)
      )
      if (!proceed) break
      again.sort((a, b) => a - b)
      retries += again.length
      pending = again
    }

    const outcomes = new Array<Outcome<A, E | ER | InvalidItem | MissingResult | DuplicateResult>>(n)
    for (let i = 0; i < n; i++) outcomes[i] = { toAccount: targets[i]!, result: results[i]! }
    return { items: outcomes, retries }
  })

interface Retry<E> {
  readonly again: ReadonlyArray<number>
  readonly failures: ReadonlyArray<E>
}

const noRetry: Retry<never> = { again: [], failures: [] }

/** Marks a target the answer lists more than once. */
const duplicate: unique symbol = Symbol("duplicate")
