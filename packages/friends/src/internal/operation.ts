import { Api, Fields, type TimError } from "@effect-tim/schema"
import type { TimClient } from "@effect-tim/transport"
import { type Array as Arr, Effect, Either } from "effect"
import type { BatchResult, ItemError } from "../Friends.js"
import { type InvalidItem, InvalidRequest } from "../FriendsError.js"
import * as Batch from "./batch.js"

/** A call-level argument that does not validate: the field and why. */
export interface Refusal {
  readonly field: string
  readonly reason: string
}

/**
 * One bulk API described once, as data: everything else (the bulk method, its single-target form, its span, the
 * Promise API's methods) is derived from it by {@link methodsOf} and `TimFriends`.
 *
 * - `Owned`: whether the method takes a From_Account first (the sns APIs) or not (the account APIs);
 * - `In`: one element of the caller's input; `Args`: the arguments after it (options, tags);
 * - `Ctx`: what `context` makes of `Args` once, for every chunk; `Item`: one wire item;
 * - `R`: one result item of the answer; `V`: a success value; `E`: an item's typed error.
 */
export interface Operation<
  A extends Api.Any,
  Owned extends boolean,
  In,
  Args extends ReadonlyArray<unknown>,
  Ctx,
  Item,
  R extends Batch.RawResult,
  V,
  E
> {
  readonly api: A
  readonly owned: Owned
  /**
   * Owned writes run one chunk at a time, serialised per From_Account; reads, and writes without a From_Account
   * (different accounts each), run `readConcurrency` chunks at once.
   */
  readonly write: boolean
  /** Items per request. */
  readonly chunkSize: number
  /** The trailing arguments, checked once before anything is sent (a refusal fails the call with `InvalidRequest`). */
  readonly context: (...args: Args) => Either.Either<Ctx, Refusal>
  /**
   * One input as its wire item, or why it is refused (`target` is the name its outcome carries). JavaScript callers
   * can pass anything where an `In` is expected: it must refuse, not throw.
   */
  readonly prepare: (input: In, target: string, ctx: Ctx) => Item | InvalidItem
  /** The request for one chunk. */
  readonly request: (from: Fields.UserId, items: Arr.NonEmptyReadonlyArray<Item>, ctx: Ctx) => Api.RequestOf<A>
  /** The per-target result items of an answer. */
  readonly results: (response: Api.ResponseOf<A>, items: Arr.NonEmptyReadonlyArray<Item>) => ReadonlyArray<R>
  /** What counts as success: the success value of a result item, or `Batch.notOk`. */
  readonly succeed: (result: R) => V | typeof Batch.notOk
  /** The typed error of a failed result item. */
  readonly itemError: (result: R) => E
}

/** Any operation. */
export type Any = Operation<Api.Any, boolean, any, any, any, any, any, any, any>

/** The item error of `api`'s result items: its documented code, a public code or an unknown one. */
export const codes = <A extends Api.Any>(api: A): ((r: Batch.RawResult) => ItemError<A>) => {
  const fromCode = Api.errorFromCode(api)
  return (r) => fromCode(r.resultCode, r.resultInfo) as ItemError<A>
}

/** Success when ResultCode is 0, with no value. */
export const okVoid = (r: Batch.RawResult): undefined | typeof Batch.notOk =>
  r.resultCode === 0 ? undefined : Batch.notOk

/** An operation, its types inferred from the description. */
export const make = <
  A extends Api.Any,
  Owned extends boolean,
  In,
  Args extends ReadonlyArray<unknown>,
  Ctx,
  Item,
  R extends Batch.RawResult,
  V,
  E
>(
  operation: Operation<A, Owned, In, Args, Ctx, Item, R, V, E>
): Operation<A, Owned, In, Args, Ctx, Item, R, V, E> => operation

/** An operation without trailing arguments. */
export const noArgs = (): Either.Either<undefined, Refusal> => Either.right(undefined)

type Parts<Op> =
  Op extends Operation<infer A, infer Owned, infer In, infer Args, infer _Ctx, infer _Item, infer _R, infer V, infer E>
    ? { readonly A: A; readonly Owned: Owned; readonly In: In; readonly Args: Args; readonly V: V; readonly E: E }
    : never

/**
 * The error of one outcome of `Op`: its item error (the API's codes), its request's transport failure, or the
 * engine's own (refused before sending, left out of the answer, listed twice).
 */
export type OutcomeError<Op> =
  | Parts<Op>["E"]
  | Exclude<ItemError<Parts<Op>["A"]>, Api.ErrorOf<Parts<Op>["A"]> | TimError.PublicError | TimError.UnknownCode>

/** The bulk method derived from `Op`. */
export type Bulk<Op> = Parts<Op>["Owned"] extends true
  ? (
      from: string,
      inputs: ReadonlyArray<Parts<Op>["In"]>,
      ...args: Parts<Op>["Args"]
    ) => Effect.Effect<BatchResult<Parts<Op>["V"], OutcomeError<Op>>, InvalidRequest>
  : (
      inputs: ReadonlyArray<Parts<Op>["In"]>,
      ...args: Parts<Op>["Args"]
    ) => Effect.Effect<BatchResult<Parts<Op>["V"], OutcomeError<Op>>, InvalidRequest>

/** The single-target method derived from `Op`: the value, or the item's error in the error channel. */
export type One<Op> = Parts<Op>["Owned"] extends true
  ? (
      from: string,
      input: Parts<Op>["In"],
      ...args: Parts<Op>["Args"]
    ) => Effect.Effect<Parts<Op>["V"], OutcomeError<Op> | InvalidRequest>
  : (
      input: Parts<Op>["In"],
      ...args: Parts<Op>["Args"]
    ) => Effect.Effect<Parts<Op>["V"], OutcomeError<Op> | InvalidRequest>

/**
 * The methods derived from a record of operations (`name` for each) and a record of single-target forms (each
 * `nameOne` naming its operation). Both are mapped from their records, so each method keeps its entry's comment.
 */
export type Methods<Ops extends Record<string, Any>, Singles extends Record<string, keyof Ops>> = {
  readonly [K in keyof Ops]: Bulk<Ops[K]>
} & { readonly [K in keyof Singles]: One<Ops[Singles[K]]> }

/** What derived methods run with. */
export interface Env {
  readonly client: TimClient.TimClient.Service
  /** The span prefix, e.g. `tim.friends`. */
  readonly spanPrefix: string
  readonly readConcurrency: number
  /** Serialises one From_Account's writes (owned writes only). */
  readonly withWriteLock: <X, EX>(account: string, effect: Effect.Effect<X, EX>) => Effect.Effect<X, EX>
}

const refuse = (op: Any, { field, reason }: Refusal) => new InvalidRequest({ api: op.api.path, field, reason })

const checkFromAccount = Batch.checker(Fields.UserId, "fromAccount")

/** The bulk method of one operation: validate, serialise if a write, run the plan, annotate its span. */
const bulkOf = (name: string, op: Any, env: Env) => {
  const { client } = env
  const plan = (
    from: Fields.UserId,
    ctx: unknown
  ): Batch.Plan<unknown, Batch.RawResult, unknown, unknown, unknown> => ({
    api: op.api,
    chunkSize: op.chunkSize,
    concurrency: op.write && op.owned ? 1 : env.readConcurrency,
    send: (items) =>
      Effect.map(client.call(op.api, op.request(from, items, ctx)), (response) => op.results(response, items)),
    succeed: op.succeed,
    itemError: op.itemError,
    retryPolicy: client.retryPolicy
  })
  const run = Effect.fn(`${env.spanPrefix}.${name}`)(function* (
    from: string | undefined,
    inputs: ReadonlyArray<unknown>,
    args: ReadonlyArray<unknown>
  ) {
    // JavaScript callers can pass anything: refuse a non-array before touching it.
    if (!Array.isArray(inputs)) {
      return yield* new InvalidRequest({ api: op.api.path, field: "targets", reason: "must be an array" })
    }
    yield* Effect.annotateCurrentSpan(
      from === undefined ? { "tim.items": inputs.length } : { "tim.from_account": from, "tim.items": inputs.length }
    )
    const account = op.owned ? checkFromAccount(from) : Either.right("" as Fields.UserId)
    if (Either.isLeft(account)) return yield* refuse(op, account.left)
    const ctx = op.context(...args)
    if (Either.isLeft(ctx)) return yield* refuse(op, ctx.left)
    const prepared = Batch.prepareAll(inputs, (input, target) => op.prepare(input, target, ctx.right))
    const running = Batch.run(plan(account.right, ctx.right), prepared)
    const result = yield* op.write && op.owned ? env.withWriteLock(account.right, running) : running
    let failed = 0
    for (const item of result.items) if (Either.isLeft(item.result)) failed++
    yield* Effect.annotateCurrentSpan({
      "tim.succeeded": result.items.length - failed,
      "tim.failed": failed,
      "tim.retries": result.retries
    })
    return result
  })
  return run
}

/** The single-target form: the one outcome's value, or its error in the error channel. */
const oneOf =
  <X, EX, ER>(bulk: (inputs: ReadonlyArray<unknown>) => Effect.Effect<BatchResult<X, EX>, ER>) =>
  (input: unknown): Effect.Effect<X, EX | ER> =>
    Effect.flatMap(bulk([input]), (result) => result.items[0]!.result)

/** The methods of a record of operations and their single-target forms (see {@link Methods}), running with `env`. */
export const methodsOf = <Ops extends Record<string, Any>, Singles extends Record<string, keyof Ops>>(
  ops: Ops,
  singles: Singles,
  env: Env
): Methods<Ops, Singles> => {
  const methods: Record<string, unknown> = {}
  const runs = new Map<string, ReturnType<typeof bulkOf>>()
  for (const [name, op] of Object.entries(ops)) {
    const run = bulkOf(name, op, env)
    runs.set(name, run)
    methods[name] = op.owned
      ? (from: string, inputs: ReadonlyArray<unknown>, ...args: ReadonlyArray<unknown>) => run(from, inputs, args)
      : (inputs: ReadonlyArray<unknown>, ...args: ReadonlyArray<unknown>) => run(undefined, inputs, args)
  }
  for (const [oneName, name] of Object.entries(singles)) {
    const run = runs.get(name as string)!
    methods[oneName] = ops[name]!.owned
      ? (from: string, input: unknown, ...args: ReadonlyArray<unknown>) =>
          oneOf((inputs) => run(from, inputs, args))(input)
      : (input: unknown, ...args: ReadonlyArray<unknown>) => oneOf((inputs) => run(undefined, inputs, args))(input)
  }
  return methods as Methods<Ops, Singles>
}
