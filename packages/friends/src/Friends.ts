/**
 * The `Friends` service: every relationship-chain (sns) operation of Tencent Cloud Chat, with bulk semantics.
 *
 * Bulk methods validate every item before sending, split inputs over the per-request maxima, send the items
 * answered with a retryable code (30006, 30007, 30008) again on their own, and return exactly one outcome per
 * requested target, in the caller's order. Writes for one From_Account are serialised; different accounts run
 * concurrently.
 *
 * This module holds the public models, the service tag and its layers. The bulk APIs are described once, as data,
 * in `internal/friendOps.ts`; their methods, `*One` forms and spans are derived from those descriptions.
 *
 * @since 0.1.0
 */
import {
  type Api,
  BlocklistGet,
  Fields,
  type FriendAdd,
  FriendDeleteAll,
  FriendGet,
  GroupAdd,
  GroupDelete,
  GroupGet,
  Limits,
  type TimError
} from "@effect-tim/schema"
import { TimClient, TransportError } from "@effect-tim/transport"
import { Array as Arr, Chunk, Context, Effect, Either, Layer, Option, Schema, Stream } from "effect"
import { type DuplicateResult, type InvalidItem, InvalidRequest, type MissingResult } from "./FriendsError.js"
import * as Batch from "./internal/batch.js"
import { compact, directionOf, ops, singles, userId } from "./internal/friendOps.js"
import { makeWriteLocks } from "./internal/locks.js"
import * as Operation from "./internal/operation.js"

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
 * a transport failure of its request, a validation failure, no answer for it, or two answers for it.
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
  | DuplicateResult

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
   * The bulk methods (`add`, `import`, `update`, `remove`, `check`, `getProfiles`, `block`, `unblock`,
   * `checkBlocked`, and the `*One` forms of all but `import` and `getProfiles`) are derived from the descriptions
   * of their APIs; the others are written out.
   *
   * @since 0.1.0
   */
  export interface Service extends Operation.Methods<typeof ops, typeof singles> {
    /** friend_delete_all: remove every friend (`type` defaults to `"single"`, Tencent's default). */
    readonly removeAll: (
      from: string,
      options?: { readonly type?: Direction | undefined }
    ) => Effect.Effect<void, CallError<typeof FriendDeleteAll.api>>
    /** friend_get: every friend, page after page. */
    readonly list: (from: string) => Stream.Stream<Friend, CallError<typeof FriendGet.api>>
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
// Call-level validation (compiled once)
// ---------------------------------------------------------------------------------------------------------------

const checkGroupNames = Batch.checker(Schema.typeSchema(GroupAdd.GroupNames), "names", true)
const checkFromAccount = Batch.checker(Fields.UserId, "fromAccount")
const checkGroupName = Batch.checker(Fields.GroupName, "name")

/** Fails with `InvalidRequest` (nothing sent) when a call-level input does not validate. */
const orRefuse = <A>(api: Api.Any, checked: Either.Either<A, Operation.Refusal>): Effect.Effect<A, InvalidRequest> =>
  Either.match(checked, {
    onLeft: ({ field, reason }) => Effect.fail(new InvalidRequest({ api: api.path, field, reason })),
    onRight: (a) => Effect.succeed(a)
  })

const fromAccountOf = (api: Api.Any, from: unknown): Effect.Effect<Fields.UserId, InvalidRequest> =>
  orRefuse(api, checkFromAccount(from))

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
    const bulk = Operation.methodsOf(ops, singles, {
      client,
      spanPrefix: "tim.friends",
      readConcurrency,
      withWriteLock
    })

    const traced =
      (name: string, from: string, items: number) =>
      <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
        Effect.withSpan(effect, `tim.friends.${name}`, {
          attributes: { "tim.from_account": from, "tim.items": items }
        })

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
              {
                api: GroupAdd.api,
                chunkSize: Limits.maxItemsPerRequest,
                concurrency: 1,
                send: (chunk: Arr.NonEmptyReadonlyArray<Fields.UserId>) =>
                  client.call(GroupAdd.api, { fromAccount: account, groupNames, toAccounts: chunk }).pipe(
                    Effect.map((r) => {
                      sequence = r.currentSequence ?? sequence
                      return r.resultItems
                    })
                  ),
                succeed: Operation.okVoid,
                itemError: Operation.codes(GroupAdd.api),
                retryPolicy: client.retryPolicy
              },
              Batch.prepareAll(toAccounts, userId)
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
      ...bulk,
      removeAll,
      list,
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
