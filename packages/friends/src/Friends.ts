/**
 * The `Friends` service: every relationship-chain (sns) operation of Tencent Cloud Chat, with bulk semantics.
 *
 * Bulk methods validate every item before sending, split inputs over the per-request maxima, send the items
 * answered with a retryable code (30006, 30007, 30008) again on their own, and return exactly one outcome per
 * requested target, in the caller's order. Writes for one From_Account are serialised; different accounts run
 * concurrently.
 *
 * @since 0.1.0
 */
import {
  Api,
  BlocklistAdd,
  BlocklistCheck,
  BlocklistDelete,
  BlocklistGet,
  type Enums,
  Fields,
  FriendAdd,
  FriendCheck,
  FriendDelete,
  FriendDeleteAll,
  FriendGet,
  FriendGetList,
  FriendImport,
  FriendUpdate,
  GroupAdd,
  GroupDelete,
  GroupGet,
  Limits,
  type TimError
} from "@effect-tim/schema"
import { TimClient, TransportError } from "@effect-tim/transport"
import { Array as Arr, Chunk, Context, Effect, Either, Layer, Option, Schema, Stream } from "effect"
import { InvalidItem, InvalidRequest, type MissingResult } from "./FriendsError.js"
import * as Batch from "./internal/batch.js"
import { makeWriteLocks } from "./internal/locks.js"

// ---------------------------------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------------------------------

/**
 * The outcome for one requested target: its success value or its typed error.
 *
 * @since 0.1.0
 */
export interface ItemOutcome<A, E> {
  readonly toAccount: string
  readonly result: Either.Either<A, E>
}

/**
 * The result of a bulk call: exactly one outcome per requested target, in the caller's order, and how many item
 * re-sends the per-item retries made.
 *
 * @since 0.1.0
 */
export interface BatchResult<A, E> {
  readonly items: ReadonlyArray<ItemOutcome<A, E>>
  readonly retries: number
}

/**
 * What one item of a bulk call can end with: the API's documented codes, the public codes, an undocumented code,
 * a transport failure of its request, a validation failure, or no answer for it.
 *
 * @since 0.1.0
 */
export type ItemError<A extends Api.Any> =
  | Api.ErrorOf<A>
  | TimError.PublicError
  | TimError.UnknownCode
  | TransportError.TransportError
  | InvalidItem
  | MissingResult

/**
 * What a whole call can fail with: the request's codes and transport failures, or a refused From_Account/option.
 *
 * @since 0.1.0
 */
export type CallError<A extends Api.Any> = TimClient.CallError<A> | InvalidRequest

/**
 * A friend to add: a UserID, or the UserID with the friend's fields.
 *
 * @since 0.1.0
 */
export interface AddTarget {
  readonly toAccount: string
  /** At most 96 bytes. */
  readonly remark?: string | undefined
  /** One friend list to put the friend in (1 to 30 bytes). */
  readonly groupName?: string | undefined
  /** `AddSource_Type_` and 1 to 8 letters; defaults to the call's `addSource`. */
  readonly addSource?: string | undefined
  /** At most 256 bytes. */
  readonly addWording?: string | undefined
}

/**
 * `add` options. `type` defaults to `"both"` (Tencent's default); `addSource` to `AddSource_Type_Server`.
 *
 * @since 0.1.0
 */
export interface AddOptions {
  readonly type?: "single" | "both" | undefined
  /** Admin force-add: no pending confirmation whatever the peer's AllowType. */
  readonly force?: boolean | undefined
  readonly addSource?: string | undefined
}

/**
 * How an add ended well: `Added`, `Pending` (30539, the peer must confirm) or `AlreadyFriends` (30001
 * `Err_SNS_FriendAdd_Friend_Exist`, so that adding again is idempotent).
 *
 * @since 0.1.0
 */
export type AddResult = "Added" | "Pending" | "AlreadyFriends"

/**
 * How a block ended well: `Blocked`, or `AlreadyBlocked` (30001 `Err_SNS_BlackListAdd_Already_Exist`, so that
 * blocking again, e.g. on a resumed import, is idempotent).
 *
 * @since 0.1.0
 */
export type BlockResult = "Blocked" | "AlreadyBlocked"

/**
 * A friend's error from `add`: 30539 is a success (`Pending`), never an error.
 *
 * @since 0.1.0
 */
export type AddError = Exclude<ItemError<typeof FriendAdd.api>, TimError.PendingConfirmation>

/**
 * A friend to import (one-way, with its stored fields). `custom` maps `Tag_SNS_Custom_*` tags to values.
 *
 * @since 0.1.0
 */
export interface ImportItem {
  readonly toAccount: string
  readonly remark?: string | undefined
  readonly remarkTime?: number | undefined
  readonly groups?: ReadonlyArray<string> | undefined
  /** Defaults to `AddSource_Type_Server`. */
  readonly addSource?: string | undefined
  readonly addWording?: string | undefined
  readonly addTime?: number | undefined
  readonly custom?: Readonly<Record<string, string | number>> | undefined
}

/**
 * The fields of one friend to change: remark, lists (replacing the friend's lists) and custom fields.
 *
 * @since 0.1.0
 */
export interface UpdateItem {
  readonly toAccount: string
  readonly remark?: string | undefined
  readonly groups?: ReadonlyArray<string> | undefined
  readonly custom?: Readonly<Record<string, string | number>> | undefined
}

/**
 * One-way (`"single"`) or two-way (`"both"`).
 *
 * @since 0.1.0
 */
export type Direction = "single" | "both"

/**
 * A friend as `list` returns it (from friend_get's tags).
 *
 * @since 0.1.0
 */
export interface Friend {
  readonly toAccount: string
  readonly remark?: string | undefined
  readonly groups: ReadonlyArray<string>
  readonly addSource?: string | undefined
  readonly addWording?: string | undefined
  readonly addTime?: number | undefined
  /** `Tag_SNS_Custom_*` fields. */
  readonly custom: Readonly<Record<string, string | number>>
}

/**
 * An entry of a blocklist: who is blocked and since when (Unix seconds).
 *
 * @since 0.1.0
 */
export interface BlockedEntry {
  readonly toAccount: string
  readonly blockedAt: number
}

/**
 * The friend and profile fields `getProfiles` returns for one account, by tag.
 *
 * @since 0.1.0
 */
export type Profile = Readonly<Record<string, string | number | ReadonlyArray<string>>>

/**
 * A friend list as `getLists` returns it; `members` when asked for.
 *
 * @since 0.1.0
 */
export interface FriendList {
  readonly name: string
  readonly size: number
  readonly members?: ReadonlyArray<string> | undefined
}

/**
 * The result of `addLists`: the lists' sequence, and one outcome per account put in them.
 *
 * @since 0.1.0
 */
export interface AddListsResult {
  readonly sequence: number | undefined
  readonly members: BatchResult<void, ItemError<typeof GroupAdd.api>>
}

/**
 * `Friends.layer` options.
 *
 * @since 0.1.0
 */
export interface Options {
  /** Accounts written concurrently (writes to one account are always serialised). Default 8. */
  readonly concurrency?: number | undefined
  /** Requests of one read call (check, getProfiles, checkBlocked) in flight at once. Default 16. */
  readonly readConcurrency?: number | undefined
  /** Entries per black_list_get page (1 to 1000). Default 100. */
  readonly blocklistPageSize?: number | undefined
}

// ---------------------------------------------------------------------------------------------------------------
// Service
// ---------------------------------------------------------------------------------------------------------------

/**
 * @since 0.1.0
 */
export declare namespace Friends {
  /**
   * @since 0.1.0
   */
  export interface Service {
    /** friend_add: add friends; one outcome per target. */
    readonly add: (
      from: string,
      targets: ReadonlyArray<string | AddTarget>,
      options?: AddOptions
    ) => Effect.Effect<BatchResult<AddResult, AddError>, InvalidRequest>
    /** friend_add for one target; its error in the error channel. */
    readonly addOne: (
      from: string,
      target: string | AddTarget,
      options?: AddOptions
    ) => Effect.Effect<AddResult, AddError | InvalidRequest>
    /** friend_import: import one-way friends with their stored fields. */
    readonly import: (
      from: string,
      items: ReadonlyArray<ImportItem>
    ) => Effect.Effect<BatchResult<void, ItemError<typeof FriendImport.api>>, InvalidRequest>
    /** friend_update: change remarks, lists and custom fields of friends. */
    readonly update: (
      from: string,
      items: ReadonlyArray<UpdateItem>
    ) => Effect.Effect<BatchResult<void, ItemError<typeof FriendUpdate.api>>, InvalidRequest>
    /** friend_update for one friend. */
    readonly updateOne: (
      from: string,
      item: UpdateItem
    ) => Effect.Effect<void, ItemError<typeof FriendUpdate.api> | InvalidRequest>
    /** friend_delete: remove friends (`type` defaults to `"both"`, always sent explicitly). */
    readonly remove: (
      from: string,
      toAccounts: ReadonlyArray<string>,
      options?: { readonly type?: Direction | undefined }
    ) => Effect.Effect<BatchResult<void, ItemError<typeof FriendDelete.api>>, InvalidRequest>
    /** friend_delete for one friend. */
    readonly removeOne: (
      from: string,
      toAccount: string,
      options?: { readonly type?: Direction | undefined }
    ) => Effect.Effect<void, ItemError<typeof FriendDelete.api> | InvalidRequest>
    /** friend_delete_all: remove every friend (`type` defaults to `"single"`, Tencent's default). */
    readonly removeAll: (
      from: string,
      options?: { readonly type?: Direction | undefined }
    ) => Effect.Effect<void, CallError<typeof FriendDeleteAll.api>>
    /** friend_check: the relation with each account (`type` defaults to `"both"`). */
    readonly check: (
      from: string,
      toAccounts: ReadonlyArray<string>,
      options?: { readonly type?: Direction | undefined }
    ) => Effect.Effect<BatchResult<Enums.FriendRelation, ItemError<typeof FriendCheck.api>>, InvalidRequest>
    /** friend_check for one account. */
    readonly checkOne: (
      from: string,
      toAccount: string,
      options?: { readonly type?: Direction | undefined }
    ) => Effect.Effect<Enums.FriendRelation, ItemError<typeof FriendCheck.api> | InvalidRequest>
    /** friend_get: every friend, page after page. */
    readonly list: (from: string) => Stream.Stream<Friend, CallError<typeof FriendGet.api>>
    /** friend_get_list: the given tags of the given friends. */
    readonly getProfiles: (
      from: string,
      toAccounts: ReadonlyArray<string>,
      tags: ReadonlyArray<string>
    ) => Effect.Effect<BatchResult<Profile, ItemError<typeof FriendGetList.api>>, InvalidRequest>
    /** black_list_add: block accounts (friendships with them end). */
    readonly block: (
      from: string,
      toAccounts: ReadonlyArray<string>
    ) => Effect.Effect<BatchResult<BlockResult, ItemError<typeof BlocklistAdd.api>>, InvalidRequest>
    /** black_list_add for one account. */
    readonly blockOne: (
      from: string,
      toAccount: string
    ) => Effect.Effect<BlockResult, ItemError<typeof BlocklistAdd.api> | InvalidRequest>
    /** black_list_delete: unblock accounts. */
    readonly unblock: (
      from: string,
      toAccounts: ReadonlyArray<string>
    ) => Effect.Effect<BatchResult<void, ItemError<typeof BlocklistDelete.api>>, InvalidRequest>
    /** black_list_delete for one account. */
    readonly unblockOne: (
      from: string,
      toAccount: string
    ) => Effect.Effect<void, ItemError<typeof BlocklistDelete.api> | InvalidRequest>
    /** black_list_check: the blocklist relation with each account (`type` defaults to `"both"`). */
    readonly checkBlocked: (
      from: string,
      toAccounts: ReadonlyArray<string>,
      options?: { readonly type?: Direction | undefined }
    ) => Effect.Effect<BatchResult<Enums.BlockRelation, ItemError<typeof BlocklistCheck.api>>, InvalidRequest>
    /** black_list_check for one account. */
    readonly checkBlockedOne: (
      from: string,
      toAccount: string,
      options?: { readonly type?: Direction | undefined }
    ) => Effect.Effect<Enums.BlockRelation, ItemError<typeof BlocklistCheck.api> | InvalidRequest>
    /** black_list_get: the whole blocklist, page after page. */
    readonly blocklist: (from: string) => Stream.Stream<BlockedEntry, CallError<typeof BlocklistGet.api>>
    /** group_add: create friend lists (at most 32 names), optionally putting friends in them. */
    readonly addLists: (
      from: string,
      names: ReadonlyArray<string>,
      toAccounts?: ReadonlyArray<string>
    ) => Effect.Effect<AddListsResult, CallError<typeof GroupAdd.api>>
    /** group_delete: delete friend lists (the friendships stay). */
    readonly removeLists: (
      from: string,
      names: ReadonlyArray<string>
    ) => Effect.Effect<{ readonly sequence: number | undefined }, CallError<typeof GroupDelete.api>>
    /** group_get: the friend lists (all, or the named ones), with their members if asked. */
    readonly getLists: (
      from: string,
      options?: { readonly names?: ReadonlyArray<string> | undefined; readonly withMembers?: boolean | undefined }
    ) => Effect.Effect<ReadonlyArray<FriendList>, CallError<typeof GroupGet.api>>
  }
}

/**
 * The relationship-chain service.
 *
 * @since 0.1.0
 */
export class Friends extends Context.Tag("@effect-tim/friends/Friends")<Friends, Friends.Service>() {}

// ---------------------------------------------------------------------------------------------------------------
// Validation (compiled once)
// ---------------------------------------------------------------------------------------------------------------

const defaultAddSource = "AddSource_Type_Server"
const validateUserId = Batch.validator(Fields.UserId, "toAccount")
const validateAddItem = Batch.validator(Schema.typeSchema(FriendAdd.Item))
const validateImportItem = Batch.validator(Schema.typeSchema(FriendImport.Item))
const validateUpdateItem = Batch.validator(Schema.typeSchema(FriendUpdate.Item))
const checkGroupNames = Batch.checker(Schema.typeSchema(GroupAdd.GroupNames), "names", true)
const checkTags = Batch.checker(
  Schema.typeSchema(Schema.Struct({ tags: FriendGetList.Request.fields.tagList })),
  "tags"
)
const checkFromAccount = Batch.checker(Fields.UserId, "fromAccount")
const checkGroupName = Batch.checker(Fields.GroupName, "name")

/** Validates list names one by one and splits them into requests of at most 32 names. */
const listNamesOf = (
  api: Api.Any,
  names: ReadonlyArray<string>
): Effect.Effect<ReadonlyArray<Arr.NonEmptyReadonlyArray<string>>, InvalidRequest> =>
  Effect.gen(function* () {
    if (names.length === 0)
      return yield* new InvalidRequest({ api: api.path, field: "names", reason: "no list names given" })
    for (let i = 0; i < names.length; i++) {
      const checked = checkGroupName(names[i])
      if (Either.isLeft(checked))
        return yield* new InvalidRequest({ api: api.path, field: `names.${i}`, reason: checked.left.reason })
    }
    return Arr.chunksOf(names, Limits.maxFriendLists)
  })

/** Fails with `InvalidRequest` (nothing sent) when a call-level input does not validate. */
const orRefuse = <A>(
  api: Api.Any,
  checked: Either.Either<A, { readonly field: string; readonly reason: string }>
): Effect.Effect<A, InvalidRequest> =>
  Either.match(checked, {
    onLeft: ({ field, reason }) => Effect.fail(new InvalidRequest({ api: api.path, field, reason })),
    onRight: (a) => Effect.succeed(a)
  })

/** Drops the keys whose value is undefined (the schemas are exact about optional fields). */
const compact = <A extends Record<string, unknown>>(a: A): Compact<A> => {
  const out: Record<string, unknown> = {}
  for (const key in a) if (a[key] !== undefined) out[key] = a[key]
  return out as Compact<A>
}

type Compact<A> = { [K in keyof A as undefined extends A[K] ? never : K]: A[K] } & {
  [K in keyof A as undefined extends A[K] ? K : never]?: Exclude<A[K], undefined>
}

const targetOf = (input: unknown): string =>
  typeof input === "string"
    ? input
    : typeof input === "object" && input !== null && typeof (input as { toAccount?: unknown }).toAccount === "string"
      ? (input as { toAccount: string }).toAccount
      : String(input)

/** An item as given, or `{ toAccount: input }` when it is not an object (so that a bad input is refused, not a crash). */
const itemOf = <A extends { readonly toAccount: string }>(input: unknown): A =>
  (typeof input === "object" && input !== null ? input : { toAccount: input }) as A

/**
 * Each input as a prepared item (its target named as given, its wire item from `prepare` or why it was refused),
 * with duplicates of a target refused.
 */
const prepareEach = <I extends { readonly toAccount: string }, Item>(
  inputs: ReadonlyArray<unknown>,
  prepare: (input: I, target: string) => Either.Either<Item, InvalidItem>
): ReadonlyArray<Batch.Prepared<Item>> =>
  Batch.refuseDuplicates(
    inputs.map((raw) => {
      const target = targetOf(raw)
      return { target, item: prepare(itemOf<I>(raw), target) }
    })
  )

const customItems = (custom: Readonly<Record<string, string | number>> | undefined) =>
  custom === undefined ? undefined : Object.entries(custom).map(([tag, value]) => ({ tag, value }))

const fromAccountOf = (api: Api.Any, from: unknown): Effect.Effect<Fields.UserId, InvalidRequest> =>
  orRefuse(api, checkFromAccount(from))

const accountsOf = (toAccounts: ReadonlyArray<string>): ReadonlyArray<Batch.Prepared<Fields.UserId>> =>
  Batch.refuseDuplicates(
    toAccounts.map((raw) => {
      const target = targetOf(raw)
      // The allocation-free check first; the schema only runs to explain a failure.
      return {
        target,
        item: typeof raw === "string" && Fields.isUserId(raw) ? Either.right(raw) : validateUserId(target, raw)
      }
    })
  )

const directionOf = <S, B>(type: Direction | undefined, single: S, both: B, fallback: Direction): S | B =>
  (type ?? fallback) === "single" ? single : both

// ---------------------------------------------------------------------------------------------------------------
// Helpers over results
// ---------------------------------------------------------------------------------------------------------------

/**
 * Splits a result into its successes and its failures, each with its target.
 *
 * @since 0.1.0
 */
export const partition = <A, E>(
  result: BatchResult<A, E>
): {
  readonly successes: ReadonlyArray<{ readonly toAccount: string; readonly value: A }>
  readonly failures: ReadonlyArray<{ readonly toAccount: string; readonly error: E }>
} => {
  const successes: Array<{ readonly toAccount: string; readonly value: A }> = []
  const failures: Array<{ readonly toAccount: string; readonly error: E }> = []
  for (const { result: r, toAccount } of result.items) {
    if (Either.isRight(r)) successes.push({ toAccount, value: r.right })
    else failures.push({ toAccount, error: r.left })
  }
  return { successes, failures }
}

/**
 * The successful outcomes of a result.
 *
 * @since 0.1.0
 */
export const successes = <A, E>(result: BatchResult<A, E>) => partition(result).successes

/**
 * The failed outcomes of a result.
 *
 * @since 0.1.0
 */
export const failures = <A, E>(result: BatchResult<A, E>) => partition(result).failures

/**
 * The number of outcomes per success value or error tag (e.g. `{ Added: 3, BlockedByTarget: 1 }`).
 *
 * @since 0.1.0
 */
export const countOutcomes = <A, E extends { readonly _tag: string }>(
  result: BatchResult<A, E>
): Readonly<Record<string, number>> => {
  const counts: Record<string, number> = {}
  for (const { result: r } of result.items) {
    const key = Either.isRight(r) ? (typeof r.right === "string" ? r.right : "ok") : r.left._tag
    counts[key] = (counts[key] ?? 0) + 1
  }
  return counts
}

const okVoid = (r: Batch.RawResult): Option.Option<void> =>
  r.resultCode === 0 ? Option.some(undefined) : Option.none()

const relationOf = <Rel>(r: Batch.RawResult & { readonly relation: Rel }): Option.Option<Rel> =>
  r.resultCode === 0 ? Option.some(r.relation) : Option.none()

const single = <A, E, E2>(effect: Effect.Effect<BatchResult<A, E>, E2>): Effect.Effect<A, E | E2> =>
  Effect.flatMap(effect, (result) => result.items[0]!.result)

// ---------------------------------------------------------------------------------------------------------------
// Constructor
// ---------------------------------------------------------------------------------------------------------------

/**
 * Accounts written concurrently by default (each account's writes stay in order).
 *
 * @since 0.1.0
 */
export const defaultConcurrency = 8

/**
 * Read calls in flight at once by default.
 *
 * @since 0.1.0
 */
export const defaultReadConcurrency = 16

/**
 * Builds the service over the `TimClient` in context.
 *
 * @since 0.1.0
 */
export const make = (options: Options = {}): Effect.Effect<Friends.Service, never, TimClient.TimClient> =>
  Effect.gen(function* () {
    const client = yield* TimClient.TimClient
    const withWriteLock = makeWriteLocks(Math.max(1, options.concurrency ?? defaultConcurrency))
    const readConcurrency = Math.max(1, options.readConcurrency ?? defaultReadConcurrency)
    const blocklistPageSize = Math.min(Limits.maxBlocked, Math.max(1, options.blocklistPageSize ?? 100))

    const traced =
      (name: string, from: string, items: number) =>
      <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
        Effect.withSpan(effect, `tim.friends.${name}`, {
          attributes: { "tim.from_account": from, "tim.items": items }
        })

    /** Runs a bulk plan: validate From_Account, serialise if a write, send, annotate the span with the counts. */
    const bulk = <Item, R extends Batch.RawResult, A, E, ER>(
      name: string,
      write: boolean,
      api: Api.Any,
      from: string,
      input: ReadonlyArray<unknown>,
      plan: (from: Fields.UserId) => Batch.Plan<Item, R, A, E, ER>,
      prepare: () => ReadonlyArray<Batch.Prepared<Item>>
    ) =>
      Effect.gen(function* () {
        // JavaScript callers can pass anything: refuse a non-array before touching it.
        if (!Array.isArray(input)) {
          return yield* new InvalidRequest({ api: api.path, field: "targets", reason: "must be an array" })
        }
        const account = yield* fromAccountOf(api, from)
        const run = Batch.run(plan(account), prepare())
        const result = yield* write ? withWriteLock(account, run) : run
        let failed = 0
        for (const item of result.items) if (Either.isLeft(item.result)) failed++
        yield* Effect.annotateCurrentSpan({
          "tim.succeeded": result.items.length - failed,
          "tim.failed": failed,
          "tim.retries": result.retries
        })
        return result
      }).pipe(traced(name, from, Array.isArray(input) ? input.length : 0))

    /** A bulk plan for an API: its chunk size, how many chunks at once, how to send, which answers succeed. */
    const planOf = <A extends Api.Any, Item, R extends Batch.RawResult, V>(
      api: A,
      chunkSize: number,
      concurrency: number,
      send: (items: Arr.NonEmptyReadonlyArray<Item>) => Effect.Effect<ReadonlyArray<R>, TimClient.CallError<A>>,
      succeed: (r: R) => Option.Option<V>
    ): Batch.Plan<Item, R, V, ItemError<A>, TimClient.CallError<A>> => {
      const itemError = Api.errorFromCode(api)
      return {
        api,
        chunkSize,
        concurrency,
        send,
        succeed,
        itemError: (r) => itemError(r.resultCode, r.resultInfo),
        retryPolicy: client.retryPolicy
      }
    }

    /** A write: one chunk at a time (the account's lock is held by `bulk`); success is ResultCode 0 unless told. */
    const writePlan = <A extends Api.Any, Item, V = void>(
      api: A,
      chunkSize: number,
      send: (
        items: Arr.NonEmptyReadonlyArray<Item>
      ) => Effect.Effect<ReadonlyArray<Batch.RawResult>, TimClient.CallError<A>>,
      succeed: (r: Batch.RawResult) => Option.Option<V> = okVoid as (r: Batch.RawResult) => Option.Option<V>
    ) => planOf(api, chunkSize, 1, send, succeed)

    // --- friend_add -------------------------------------------------------------------------------------------
    const add: Friends.Service["add"] = (from, targets, addOptions = {}) =>
      bulk(
        "add",
        true,
        FriendAdd.api,
        from,
        targets,
        (account) =>
          writePlan(
            FriendAdd.api,
            Limits.maxItemsPerRequest,
            (items) =>
              client
                .call(
                  FriendAdd.api,
                  compact({
                    fromAccount: account,
                    items,
                    addType: directionOf(addOptions.type, "Add_Type_Single" as const, "Add_Type_Both" as const, "both"),
                    forceAddFlags: addOptions.force === true ? (1 as const) : undefined
                  })
                )
                .pipe(Effect.map((r) => r.resultItems)),
            (r): Option.Option<AddResult> =>
              r.resultCode === 0
                ? Option.some("Added")
                : r.resultCode === 30539
                  ? Option.some("Pending")
                  : r.resultCode === 30001 && r.resultInfo === "Err_SNS_FriendAdd_Friend_Exist"
                    ? Option.some("AlreadyFriends")
                    : Option.none()
          ),
        () =>
          prepareEach<AddTarget, FriendAdd.Item>(targets, (t, target) =>
            validateAddItem(
              target,
              compact({
                toAccount: t.toAccount,
                remark: t.remark,
                groupName: t.groupName,
                addSource: t.addSource ?? addOptions.addSource ?? defaultAddSource,
                addWording: t.addWording
              })
            )
          )
      ) as Effect.Effect<BatchResult<AddResult, AddError>, InvalidRequest>

    // --- friend_import ----------------------------------------------------------------------------------------
    const importFriends: Friends.Service["import"] = (from, items) =>
      bulk(
        "import",
        true,
        FriendImport.api,
        from,
        items,
        (account) =>
          writePlan(FriendImport.api, Limits.maxItemsPerRequest, (chunk) =>
            client.call(FriendImport.api, { fromAccount: account, items: chunk }).pipe(Effect.map((r) => r.resultItems))
          ),
        () =>
          prepareEach<ImportItem, FriendImport.Item>(items, (input, target) =>
            validateImportItem(
              target,
              compact({
                toAccount: input.toAccount,
                remark: input.remark,
                remarkTime: input.remarkTime,
                groupNames: input.groups,
                addSource: input.addSource ?? defaultAddSource,
                addWording: input.addWording,
                addTime: input.addTime,
                customItems: customItems(input.custom)
              })
            )
          )
      )

    // --- friend_update ----------------------------------------------------------------------------------------
    const update: Friends.Service["update"] = (from, items) =>
      bulk(
        "update",
        true,
        FriendUpdate.api,
        from,
        items,
        (account) =>
          writePlan(FriendUpdate.api, Limits.maxItemsPerRequest, (chunk) =>
            client.call(FriendUpdate.api, { fromAccount: account, items: chunk }).pipe(Effect.map((r) => r.resultItems))
          ),
        () =>
          prepareEach<UpdateItem, FriendUpdate.Item>(items, (input, target) => {
            const snsItems: Array<{ readonly tag: string; readonly value: unknown }> = []
            if (input.remark !== undefined) snsItems.push({ tag: "Tag_SNS_IM_Remark", value: input.remark })
            if (input.groups !== undefined) snsItems.push({ tag: "Tag_SNS_IM_Group", value: input.groups })
            for (const c of customItems(input.custom) ?? []) snsItems.push(c)
            return snsItems.length === 0
              ? Either.left(
                  new InvalidItem({ target, field: "item", reason: "nothing to update: give remark, groups or custom" })
                )
              : validateUpdateItem(target, { toAccount: input.toAccount, snsItems })
          })
      )

    // --- friend_delete ----------------------------------------------------------------------------------------
    const remove: Friends.Service["remove"] = (from, toAccounts, removeOptions = {}) =>
      bulk(
        "remove",
        true,
        FriendDelete.api,
        from,
        toAccounts,
        (account) =>
          writePlan(FriendDelete.api, Limits.maxItemsPerRequest, (chunk) =>
            client
              .call(FriendDelete.api, {
                fromAccount: account,
                toAccounts: chunk,
                deleteType: directionOf(
                  removeOptions.type,
                  "Delete_Type_Single" as const,
                  "Delete_Type_Both" as const,
                  "both"
                )
              })
              .pipe(Effect.map((r) => r.resultItems))
          ),
        () => accountsOf(toAccounts)
      )

    // --- friend_delete_all ------------------------------------------------------------------------------------
    const removeAll: Friends.Service["removeAll"] = (from, removeOptions = {}) =>
      Effect.gen(function* () {
        const account = yield* fromAccountOf(FriendDeleteAll.api, from)
        yield* withWriteLock(
          account,
          client.call(FriendDeleteAll.api, {
            fromAccount: account,
            deleteType: directionOf(
              removeOptions.type,
              "Delete_Type_Single" as const,
              "Delete_Type_Both" as const,
              "single"
            )
          })
        )
      }).pipe(traced("removeAll", from, 0))

    // --- friend_check, black_list_check -------------------------------------------------------------------------
    /** A two-way check: reads at `readConcurrency`, one relation per target, Both unless told Single. */
    const relationCheck =
      <A extends Api.Any, Rel, CheckType>(
        name: string,
        api: A,
        checkTypes: { readonly single: CheckType; readonly both: CheckType },
        send: (
          account: Fields.UserId,
          chunk: Arr.NonEmptyReadonlyArray<Fields.UserId>,
          checkType: CheckType
        ) => Effect.Effect<ReadonlyArray<Batch.RawResult & { readonly relation: Rel }>, TimClient.CallError<A>>
      ) =>
      (from: string, toAccounts: ReadonlyArray<string>, checkOptions: { readonly type?: Direction | undefined } = {}) =>
        bulk(
          name,
          false,
          api,
          from,
          toAccounts,
          (account) =>
            planOf(
              api,
              Limits.maxItemsPerRequest,
              readConcurrency,
              (chunk: Arr.NonEmptyReadonlyArray<Fields.UserId>) =>
                send(account, chunk, directionOf(checkOptions.type, checkTypes.single, checkTypes.both, "both")),
              relationOf<Rel>
            ),
          () => accountsOf(toAccounts)
        )

    const check: Friends.Service["check"] = relationCheck(
      "check",
      FriendCheck.api,
      { single: "CheckResult_Type_Single" as const, both: "CheckResult_Type_Both" as const },
      (fromAccount, toAccounts, checkType) =>
        client.call(FriendCheck.api, { fromAccount, toAccounts, checkType }).pipe(Effect.map((r) => r.infoItems))
    )

    // --- friend_get -------------------------------------------------------------------------------------------
    const list: Friends.Service["list"] = (from) =>
      Stream.unwrap(
        Effect.map(fromAccountOf(FriendGet.api, from), (account) =>
          Stream.paginateChunkEffect(0, (startIndex) =>
            client.call(FriendGet.api, { fromAccount: account, startIndex }).pipe(
              Effect.flatMap((page) => {
                const friends = toChunk(Arr.map(page.userDataItems, toFriend))
                if (page.completeFlag !== 0) return Effect.succeed([friends, Option.none<number>()] as const)
                if (page.nextStartIndex <= startIndex)
                  return Effect.fail(
                    new TransportError.TransportError({
                      reason: "ResponseMismatch",
                      api: FriendGet.api.path,
                      detail: `friend_get did not advance: NextStartIndex ${page.nextStartIndex} after StartIndex ${startIndex} with CompleteFlag 0`
                    })
                  )
                return Effect.succeed([friends, Option.some(page.nextStartIndex)] as const)
              }),
              Effect.withSpan("tim.friends.list.page", {
                attributes: { "tim.from_account": account, "tim.start_index": startIndex }
              })
            )
          )
        )
      )

    // --- friend_get_list --------------------------------------------------------------------------------------
    const getProfiles: Friends.Service["getProfiles"] = (from, toAccounts, tags) =>
      Effect.gen(function* () {
        const { tags: tagList } = yield* orRefuse(FriendGetList.api, checkTags({ tags }))
        return yield* bulk(
          "getProfiles",
          false,
          FriendGetList.api,
          from,
          toAccounts,
          (account) =>
            planOf(
              FriendGetList.api,
              Limits.maxFriendGetListAccounts,
              readConcurrency,
              (chunk) =>
                client
                  .call(FriendGetList.api, { fromAccount: account, toAccounts: chunk, tagList })
                  .pipe(Effect.map((r) => r.infoItems)),
              (r) =>
                r.resultCode === 0
                  ? Option.some(Object.fromEntries(r.snsProfileItems.map((t) => [t.Tag, t.Value])) as Profile)
                  : Option.none()
            ),
          () => accountsOf(toAccounts)
        )
      })

    // --- black_list_add / black_list_delete: one request and answer shape, different success codes ---------------
    const blocklistWrite =
      <Errors extends ReadonlyArray<TimError.TimErrorClass>, V>(
        name: string,
        api: Api.Api<typeof BlocklistAdd.Request, typeof BlocklistAdd.Response, Errors>,
        succeed: (r: Batch.RawResult) => Option.Option<V>
      ) =>
      (from: string, toAccounts: ReadonlyArray<string>) =>
        bulk(
          name,
          true,
          api,
          from,
          toAccounts,
          (account) =>
            writePlan(
              api,
              Limits.maxItemsPerRequest,
              (chunk) =>
                client.call(api, { fromAccount: account, toAccounts: chunk }).pipe(Effect.map((r) => r.resultItems)),
              succeed
            ),
          () => accountsOf(toAccounts)
        )

    const block: Friends.Service["block"] = blocklistWrite(
      "block",
      BlocklistAdd.api,
      (r): Option.Option<BlockResult> =>
        r.resultCode === 0
          ? Option.some("Blocked")
          : r.resultCode === 30001 && r.resultInfo === "Err_SNS_BlackListAdd_Already_Exist"
            ? Option.some("AlreadyBlocked")
            : Option.none()
    )
    const unblock: Friends.Service["unblock"] = blocklistWrite("unblock", BlocklistDelete.api, okVoid)

    const checkBlocked: Friends.Service["checkBlocked"] = relationCheck(
      "checkBlocked",
      BlocklistCheck.api,
      { single: "BlackCheckResult_Type_Single" as const, both: "BlackCheckResult_Type_Both" as const },
      (fromAccount, toAccounts, checkType) =>
        client.call(BlocklistCheck.api, { fromAccount, toAccounts, checkType }).pipe(Effect.map((r) => r.checkItems))
    )

    // --- black_list_get ---------------------------------------------------------------------------------------
    const blocklist: Friends.Service["blocklist"] = (from) =>
      Stream.unwrap(
        Effect.map(fromAccountOf(BlocklistGet.api, from), (account) =>
          Stream.paginateChunkEffect(0, (startIndex) =>
            client
              .call(BlocklistGet.api, {
                fromAccount: account,
                startIndex,
                maxLimited: blocklistPageSize,
                lastSequence: 0
              })
              .pipe(
                Effect.map((page) => {
                  const entries = toChunk(
                    page.blockedItems.map(
                      (b): BlockedEntry => ({ toAccount: b.toAccount, blockedAt: b.addBlackTimeStamp })
                    )
                  )
                  // StartIndex 0 means the whole list has been pulled; an answer that does not advance ends it too.
                  return [
                    entries,
                    page.startIndex === 0 || page.startIndex <= startIndex
                      ? Option.none()
                      : Option.some(page.startIndex)
                  ] as const
                }),
                Effect.withSpan("tim.friends.blocklist.page", {
                  attributes: { "tim.from_account": account, "tim.start_index": startIndex }
                })
              )
          )
        )
      )

    // --- group_add / group_delete / group_get -----------------------------------------------------------------
    const addLists: Friends.Service["addLists"] = (from, names, toAccounts = []) =>
      Effect.gen(function* () {
        const account = yield* fromAccountOf(GroupAdd.api, from)
        if (names.length > Limits.maxFriendLists)
          return yield* new InvalidRequest({
            api: GroupAdd.api.path,
            field: "names",
            reason: `at most ${Limits.maxFriendLists} lists per account (got ${names.length} names)`
          })
        const groupNames = yield* orRefuse(GroupAdd.api, checkGroupNames(names))
        return yield* withWriteLock(
          account,
          Effect.gen(function* () {
            if (toAccounts.length === 0) {
              const r = yield* client.call(GroupAdd.api, { fromAccount: account, groupNames })
              return { sequence: r.currentSequence, members: { items: [], retries: 0 } }
            }
            let sequence: number | undefined
            const members = yield* Batch.run(
              writePlan<typeof GroupAdd.api, Fields.UserId, void>(GroupAdd.api, Limits.maxItemsPerRequest, (chunk) =>
                client.call(GroupAdd.api, { fromAccount: account, groupNames, toAccounts: chunk }).pipe(
                  Effect.map((r) => {
                    sequence = r.currentSequence ?? sequence
                    return r.resultItems
                  })
                )
              ),
              accountsOf(toAccounts)
            )
            return { sequence, members }
          })
        )
      }).pipe(traced("addLists", from, names.length))

    const removeLists: Friends.Service["removeLists"] = (from, names) =>
      Effect.gen(function* () {
        const account = yield* fromAccountOf(GroupDelete.api, from)
        const chunks = yield* listNamesOf(GroupDelete.api, names)
        return yield* withWriteLock(
          account,
          Effect.reduce(chunks, undefined as number | undefined, (sequence, groupNames) =>
            client
              .call(GroupDelete.api, { fromAccount: account, groupNames })
              .pipe(Effect.map((r) => r.currentSequence ?? sequence))
          ).pipe(Effect.map((sequence) => ({ sequence })))
        )
      }).pipe(traced("removeLists", from, names.length))

    const getLists: Friends.Service["getLists"] = (from, getOptions = {}) =>
      Effect.gen(function* () {
        const account = yield* fromAccountOf(GroupGet.api, from)
        const needFriend = getOptions.withMembers === true ? ("Need_Friend_Type_Yes" as const) : undefined
        const toList = (l: GroupGet.ListItem): FriendList =>
          compact({ name: l.groupName, size: l.friendNumber, members: l.toAccounts })
        const names = getOptions.names
        if (names === undefined) {
          const r = yield* client.call(GroupGet.api, compact({ fromAccount: account, needFriend }))
          return r.lists.map(toList)
        }
        const chunks = yield* listNamesOf(GroupGet.api, names)
        const pages = yield* Effect.forEach(
          chunks,
          (groupNames) => client.call(GroupGet.api, compact({ fromAccount: account, needFriend, groupNames })),
          { concurrency: readConcurrency }
        )
        return pages.flatMap((r) => r.lists.map(toList))
      }).pipe(traced("getLists", from, getOptions.names?.length ?? 0))

    return Friends.of({
      add,
      addOne: (from, target, o) => single(add(from, [target], o)),
      import: importFriends,
      update,
      updateOne: (from, item) => single(update(from, [item])),
      remove,
      removeOne: (from, toAccount, o) => single(remove(from, [toAccount], o)),
      removeAll,
      check,
      checkOne: (from, toAccount, o) => single(check(from, [toAccount], o)),
      list,
      getProfiles,
      block,
      blockOne: (from, toAccount) => single(block(from, [toAccount])),
      unblock,
      unblockOne: (from, toAccount) => single(unblock(from, [toAccount])),
      checkBlocked,
      checkBlockedOne: (from, toAccount, o) => single(checkBlocked(from, [toAccount], o)),
      blocklist,
      addLists,
      removeLists,
      getLists
    })
  })

const toChunk = <A>(as: ReadonlyArray<A>) => Chunk.fromIterable(as)

/** Reads a friend_get item's tags into a `Friend`. */
const toFriend = (item: FriendGet.UserDataItem): Friend => {
  let remark: string | undefined
  let groups: ReadonlyArray<string> = []
  let addSource: string | undefined
  let addWording: string | undefined
  let addTime: number | undefined
  const custom: Record<string, string | number> = {}
  for (const { Tag, Value } of item.valueItems) {
    switch (Tag) {
      case "Tag_SNS_IM_Remark":
        if (typeof Value === "string") remark = Value
        break
      case "Tag_SNS_IM_Group":
        if (typeof Value === "object") groups = Value
        break
      case "Tag_SNS_IM_AddSource":
        if (typeof Value === "string") addSource = Value
        break
      case "Tag_SNS_IM_AddWording":
        if (typeof Value === "string") addWording = Value
        break
      case "Tag_SNS_IM_AddTime":
        if (typeof Value === "number") addTime = Value
        break
      default:
        if (typeof Value === "string" || typeof Value === "number") custom[Tag] = Value
    }
  }
  return compact({ toAccount: item.toAccount, remark, groups, addSource, addWording, addTime, custom })
}

// ---------------------------------------------------------------------------------------------------------------
// Layers
// ---------------------------------------------------------------------------------------------------------------

/**
 * The service over the `TimClient` in context.
 *
 * @since 0.1.0
 */
export const layer = (options: Options = {}): Layer.Layer<Friends, never, TimClient.TimClient> =>
  Layer.effect(Friends, make(options))
