/**
 * The account and AllowType APIs as data (see `operation.ts`), for `Accounts` and `TimFriends`: admin calls
 * without a From_Account, at most 100 accounts per request (one per request for portrait_set).
 */
import {
  AccountCheck,
  AccountDelete,
  type Api,
  Enums,
  Limits,
  MultiAccountImport,
  PortraitGet,
  PortraitSet,
  type TimError
} from "@effect-tim/schema"
import { Either, Schema } from "effect"
import { ImportFailed } from "../FriendsError.js"
import * as Batch from "./batch.js"
import { userId } from "./friendOps.js"
import * as Operation from "./operation.js"

const allowTypeTag = "Tag_Profile_IM_AllowType" as const
const isAllowType = Schema.is(Enums.AllowType)

/** What the account APIs share: no From_Account, at most 100 accounts per request, their codes as item errors. */
const admin = <A extends Api.Any>(api: A) => ({
  api,
  owned: false as const,
  chunkSize: Limits.maxAccountItems,
  // An item's own code: the API's documented codes, a public code or an unknown one.
  itemError: Operation.codes(api) as (
    r: Batch.RawResult
  ) => Api.ErrorOf<A> | TimError.PublicError | TimError.UnknownCode
})

/** The account_check and account_delete answers' `{UserID, ResultCode, ResultInfo}` as per-target results. */
const byUserId = <R extends { readonly userId: string; readonly resultCode: number; readonly resultInfo: string }>(
  items: ReadonlyArray<R>
) => items.map((r) => ({ ...r, toAccount: r.userId }))

/** Every account API. */
export const ops = {
  /** multiaccount_import: import accounts (idempotent); an account listed in FailAccounts gets `ImportFailed`. */
  import: Operation.make({
    ...admin(MultiAccountImport.api),
    write: true,
    context: Operation.noArgs,
    prepare: (input: string, target) => userId(input, target),
    request: (_, accounts) => ({ accounts }),
    // The answer has no per-account items: the accounts sent, failed when listed in FailAccounts.
    results: (response, accounts) => {
      const failed = new Set(response.failAccounts)
      return accounts.map((toAccount) => ({ toAccount, resultCode: failed.has(toAccount) ? -1 : 0, resultInfo: "" }))
    },
    succeed: Operation.okVoid,
    itemError: (r: Batch.RawResult) => new ImportFailed({ target: r.toAccount, api: MultiAccountImport.api.path })
  }),

  /** account_check: whether each account is imported (`Imported` or `NotImported`). */
  check: Operation.make({
    ...admin(AccountCheck.api),
    write: false,
    context: Operation.noArgs,
    prepare: (input: string, target) => userId(input, target),
    request: (_, accounts) => ({ checkItems: accounts.map((id) => ({ userId: id })) }),
    results: (response) => byUserId(response.resultItems),
    succeed: (r): Enums.AccountStatus | typeof Batch.notOk =>
      r.resultCode === 0 && r.accountStatus !== undefined ? r.accountStatus : Batch.notOk
  }),

  /** account_delete: delete accounts (their relations go with them). */
  remove: Operation.make({
    ...admin(AccountDelete.api),
    write: true,
    context: Operation.noArgs,
    prepare: (input: string, target) => userId(input, target),
    request: (_, accounts) => ({ deleteItems: accounts.map((id) => ({ userId: id })) }),
    results: (response) => byUserId(response.resultItems),
    succeed: Operation.okVoid
  }),

  /** portrait_set of `Tag_Profile_IM_AllowType`: how each account accepts friend requests (one request each). */
  setAllowType: Operation.make({
    ...admin(PortraitSet.api),
    chunkSize: 1,
    write: true,
    context: (allowType: Enums.AllowType) =>
      isAllowType(allowType)
        ? Either.right(allowType)
        : Either.left({
            field: "allowType",
            reason: `must be one of ${Enums.AllowType.literals.join(", ")} (got ${JSON.stringify(allowType)})`
          }),
    prepare: (input: string, target) => userId(input, target),
    request: (_, [account], allowType) => ({
      fromAccount: account,
      profileItems: [{ tag: allowTypeTag, value: allowType }]
    }),
    // portrait_set answers for the request as a whole: success means this one account was set.
    results: (_, [account]) => [{ toAccount: account, resultCode: 0, resultInfo: "" }],
    succeed: Operation.okVoid
  }),

  /**
   * portrait_get of `Tag_Profile_IM_AllowType`: each account's AllowType, `undefined` when the account never set
   * one (the app's default, a console setting, applies).
   */
  getAllowType: Operation.make({
    ...admin(PortraitGet.api),
    write: false,
    context: Operation.noArgs,
    prepare: (input: string, target) => userId(input, target),
    request: (_, toAccounts) => ({ toAccounts, tagList: [allowTypeTag] }),
    results: (response) => response.userProfileItems,
    succeed: (r): Enums.AllowType | undefined | typeof Batch.notOk => {
      if (r.resultCode !== 0) return Batch.notOk
      const value = r.profileItems.find((t) => t.Tag === allowTypeTag)?.Value
      return value === undefined || isAllowType(value) ? value : Batch.notOk
    }
  })
}

/** The single-account forms: the one outcome's value, or the account's typed error in the error channel. */
export const singles = {
  /** multiaccount_import of one account. */
  importOne: "import",
  /** account_check of one account: `Imported` or `NotImported`. */
  checkOne: "check",
  /** account_delete of one account. */
  removeOne: "remove",
  /** portrait_set of one account's AllowType. */
  setAllowTypeOne: "setAllowType",
  /** portrait_get of one account's AllowType (`undefined` when never set). */
  getAllowTypeOne: "getAllowType"
} as const
