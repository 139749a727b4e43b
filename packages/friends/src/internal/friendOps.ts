/**
 * The bulk relationship-chain APIs as data (see `operation.ts`): adding one is one entry here, and `Friends`,
 * its `*One` forms, its spans and `TimFriends` follow.
 */
import {
  type Api,
  BlocklistAdd,
  BlocklistCheck,
  BlocklistDelete,
  type Enums,
  Fields,
  FriendAdd,
  FriendCheck,
  FriendDelete,
  FriendGetList,
  FriendImport,
  FriendUpdate,
  Limits,
  TimError
} from "@effect-tim/schema"
import { Either, Schema } from "effect"
import type {
  AddError,
  AddOptions,
  AddResult,
  AddTarget,
  BlockResult,
  Direction,
  ImportItem,
  Profile,
  UpdateItem
} from "../Friends.js"
import { InvalidItem } from "../FriendsError.js"
import * as Batch from "./batch.js"
import * as Operation from "./operation.js"

const defaultAddSource = "AddSource_Type_Server"

/** Drops the keys whose value is undefined (the schemas are exact about optional fields). */
export const compact = <A extends Record<string, unknown>>(a: A): Compact<A> => {
  const out: Record<string, unknown> = {}
  for (const key in a) if (a[key] !== undefined) out[key] = a[key]
  return out as Compact<A>
}

type Compact<A> = { [K in keyof A as undefined extends A[K] ? never : K]: A[K] } & {
  [K in keyof A as undefined extends A[K] ? K : never]?: Exclude<A[K], undefined>
}

/** An input as an object, or `{ toAccount: input }` when it is not one (so that a bad input is refused, not a crash). */
const objectOf = <A>(input: unknown): Partial<A> =>
  (typeof input === "object" && input !== null ? input : { toAccount: input }) as Partial<A>

const customItems = (custom: Readonly<Record<string, string | number>> | undefined) =>
  custom === undefined ? undefined : Object.entries(custom).map(([tag, value]) => ({ tag, value }))

export const directionOf = <S, B>(type: Direction | undefined, single: S, both: B, fallback: Direction): S | B =>
  (type ?? fallback) === "single" ? single : both

const validateUserId = Batch.validator(Fields.UserId, "toAccount")
const validateAddItem = Batch.validator(Schema.typeSchema(FriendAdd.Item))
const validateImportItem = Batch.validator(Schema.typeSchema(FriendImport.Item))
const validateUpdateItem = Batch.validator(Schema.typeSchema(FriendUpdate.Item))
const checkTags = Batch.checker(
  Schema.typeSchema(Schema.Struct({ tags: FriendGetList.Request.fields.tagList })),
  "tags"
)

/** A UserID input: the allocation-free check first; the schema only runs to explain a failure. */
export const userId = (input: unknown, target: string): Fields.UserId | InvalidItem =>
  typeof input === "string" && Fields.isUserId(input) ? input : validateUserId(target, input)

type TypeOption = readonly [options?: { readonly type?: Direction | undefined } | undefined]

const typeOf = (options: TypeOption[0]) => Either.right(options?.type)

/** What most sns APIs share: a From_Account, at most 1 000 items per request, their codes as item errors. */
const sns = <A extends Api.Any>(api: A) => ({
  api,
  owned: true as const,
  chunkSize: Limits.maxItemsPerRequest,
  itemError: Operation.codes(api)
})

/** Every bulk sns API. */
export const ops = {
  /** friend_add: add friends; one outcome per target. */
  add: Operation.make({
    ...sns(FriendAdd.api),
    write: true,
    context: (options: AddOptions = {}) => Either.right(options),
    prepare: (input: string | AddTarget, target, options): FriendAdd.Item | InvalidItem => {
      const addSource = options.addSource ?? defaultAddSource
      if (typeof input === "string") return validateAddItem(target, { toAccount: input, addSource })
      const t = objectOf<AddTarget>(input)
      return validateAddItem(
        target,
        compact({
          toAccount: t.toAccount,
          remark: t.remark,
          groupName: t.groupName,
          addSource: t.addSource ?? addSource,
          addWording: t.addWording
        })
      )
    },
    request: (fromAccount, items, options) =>
      compact({
        fromAccount,
        items,
        addType: directionOf(options.type, "Add_Type_Single" as const, "Add_Type_Both" as const, "both"),
        forceAddFlags: options.force === true ? (1 as const) : undefined
      }),
    results: (response) => response.resultItems,
    succeed: (r): AddResult | typeof Batch.notOk =>
      r.resultCode === 0
        ? "Added"
        : r.resultCode === TimError.PendingConfirmation.code
          ? "Pending"
          : r.resultCode === 30001 && r.resultInfo === "Err_SNS_FriendAdd_Friend_Exist"
            ? "AlreadyFriends"
            : Batch.notOk,
    // 30539 is a success (`Pending`): it never reaches itemError.
    itemError: Operation.codes(FriendAdd.api) as (r: Batch.RawResult) => AddError
  }),

  /** friend_import: import one-way friends with their stored fields. */
  import: Operation.make({
    ...sns(FriendImport.api),
    write: true,
    context: Operation.noArgs,
    prepare: (raw: ImportItem, target) => {
      const input = objectOf<ImportItem>(raw)
      return validateImportItem(
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
    },
    request: (fromAccount, items) => ({ fromAccount, items }),
    results: (response) => response.resultItems,
    succeed: Operation.okVoid
  }),

  /** friend_update: change remarks, lists and custom fields of friends. */
  update: Operation.make({
    ...sns(FriendUpdate.api),
    write: true,
    context: Operation.noArgs,
    prepare: (raw: UpdateItem, target) => {
      const input = objectOf<UpdateItem>(raw)
      const snsItems: Array<{ readonly tag: string; readonly value: unknown }> = []
      if (input.remark !== undefined) snsItems.push({ tag: "Tag_SNS_IM_Remark", value: input.remark })
      if (input.groups !== undefined) snsItems.push({ tag: "Tag_SNS_IM_Group", value: input.groups })
      for (const c of customItems(input.custom) ?? []) snsItems.push(c)
      return snsItems.length === 0
        ? new InvalidItem({ target, field: "item", reason: "nothing to update: give remark, groups or custom" })
        : validateUpdateItem(target, { toAccount: input.toAccount, snsItems })
    },
    request: (fromAccount, items) => ({ fromAccount, items }),
    results: (response) => response.resultItems,
    succeed: Operation.okVoid
  }),

  /** friend_delete: remove friends (`type` defaults to `"both"`, always sent explicitly). */
  remove: Operation.make({
    ...sns(FriendDelete.api),
    write: true,
    context: (...[options]: TypeOption) => typeOf(options),
    prepare: (input: string, target) => userId(input, target),
    request: (fromAccount, toAccounts, type) => ({
      fromAccount,
      toAccounts,
      deleteType: directionOf(type, "Delete_Type_Single" as const, "Delete_Type_Both" as const, "both")
    }),
    results: (response) => response.resultItems,
    succeed: Operation.okVoid
  }),

  /** friend_check: the relation with each account (`type` defaults to `"both"`). */
  check: Operation.make({
    ...sns(FriendCheck.api),
    write: false,
    context: (...[options]: TypeOption) => typeOf(options),
    prepare: (input: string, target) => userId(input, target),
    request: (fromAccount, toAccounts, type) => ({
      fromAccount,
      toAccounts,
      checkType: directionOf(type, "CheckResult_Type_Single" as const, "CheckResult_Type_Both" as const, "both")
    }),
    results: (response) => response.infoItems,
    succeed: (r): Enums.FriendRelation | typeof Batch.notOk => (r.resultCode === 0 ? r.relation : Batch.notOk)
  }),

  /** friend_get_list: the given tags of the given friends. */
  getProfiles: Operation.make({
    ...sns(FriendGetList.api),
    write: false,
    chunkSize: Limits.maxFriendGetListAccounts,
    context: (tags: ReadonlyArray<string>) =>
      Array.isArray(tags)
        ? Either.map(checkTags({ tags }), (checked) => checked.tags)
        : Either.left({ field: "tags", reason: "must be an array" }),
    prepare: (input: string, target) => userId(input, target),
    request: (fromAccount, toAccounts, tagList) => ({ fromAccount, toAccounts, tagList }),
    results: (response) => response.infoItems,
    succeed: (r): Profile | typeof Batch.notOk =>
      r.resultCode === 0 ? (Object.fromEntries(r.snsProfileItems.map((t) => [t.Tag, t.Value])) as Profile) : Batch.notOk
  }),

  /** black_list_add: block accounts (friendships with them end). */
  block: Operation.make({
    ...sns(BlocklistAdd.api),
    write: true,
    context: Operation.noArgs,
    prepare: (input: string, target) => userId(input, target),
    request: (fromAccount, toAccounts) => ({ fromAccount, toAccounts }),
    results: (response) => response.resultItems,
    succeed: (r): BlockResult | typeof Batch.notOk =>
      r.resultCode === 0
        ? "Blocked"
        : r.resultCode === 30001 && r.resultInfo === "Err_SNS_BlackListAdd_Already_Exist"
          ? "AlreadyBlocked"
          : Batch.notOk
  }),

  /** black_list_delete: unblock accounts. */
  unblock: Operation.make({
    ...sns(BlocklistDelete.api),
    write: true,
    context: Operation.noArgs,
    prepare: (input: string, target) => userId(input, target),
    request: (fromAccount, toAccounts) => ({ fromAccount, toAccounts }),
    results: (response) => response.resultItems,
    succeed: Operation.okVoid
  }),

  /** black_list_check: the blocklist relation with each account (`type` defaults to `"both"`). */
  checkBlocked: Operation.make({
    ...sns(BlocklistCheck.api),
    write: false,
    context: (...[options]: TypeOption) => typeOf(options),
    prepare: (input: string, target) => userId(input, target),
    request: (fromAccount, toAccounts, type) => ({
      fromAccount,
      toAccounts,
      checkType: directionOf(
        type,
        "BlackCheckResult_Type_Single" as const,
        "BlackCheckResult_Type_Both" as const,
        "both"
      )
    }),
    results: (response) => response.checkItems,
    succeed: (r): Enums.BlockRelation | typeof Batch.notOk => (r.resultCode === 0 ? r.relation : Batch.notOk)
  })
}

/** The single-target forms: the one outcome's value, or its typed error in the error channel. */
export const singles = {
  /** friend_add for one target: its result, or its error (e.g. `BlockedByTarget`) in the error channel. */
  addOne: "add",
  /** friend_update for one friend. */
  updateOne: "update",
  /** friend_delete for one friend. */
  removeOne: "remove",
  /** friend_check for one account. */
  checkOne: "check",
  /** black_list_add for one account. */
  blockOne: "block",
  /** black_list_delete for one account. */
  unblockOne: "unblock",
  /** black_list_check for one account. */
  checkBlockedOne: "checkBlocked"
} as const
