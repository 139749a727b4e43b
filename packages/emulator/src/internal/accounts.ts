/**
 * The account APIs (spec §9): account_import (also with the earlier pages' `Identifier`), multiaccount_import (also
 * with today's `AccountList` form), account_check and account_delete. A malformed request answers 70402 with
 * Tencent's sentence; deleting an account that was never imported answers that item 70107
 * `Err_TLS_PT_Open_Login_Account_Not_Exist`, as Tencent's sample does.
 */
import { AccountCheck, AccountDelete, AccountImport, Limits, MultiAccountImport, TimError } from "@effect-tim/schema"
import { asObject, decoder, Invalid, wire } from "./decode.js"
import { type Ctx, Failure, type Handled, type Handler, itemArray, itemGuard } from "./handler.js"
import { setProfileValue } from "./profile.js"
import { deleteAccounts, makeAccount } from "./state.js"

const invalidCode = TimError.IllegalParameters.code
const notImported = TimError.UserNotImported.code

/** The whole-request 70402, with the sentence of Tencent's error-code table (trtc.io/document/34348). */
const illegal = new Failure(
  invalidCode,
  "Invalid parameter. Check whether required fields are specified and the values meet protocol requirements."
)

/** Imports (or re-imports) an account with its optional nick and face URL (the profile's `Tag_Profile_IM_Image`). */
const importOne = (ctx: Ctx, item: AccountImport.Request): void => {
  let account = ctx.state.accounts.get(item.userId)
  if (account === undefined) {
    account = makeAccount(item.userId, ctx.config.defaultAllowType)
    ctx.state.accounts.set(item.userId, account)
  }
  if (item.nick !== undefined) setProfileValue(account, "Tag_Profile_IM_Nick", item.nick)
  if (item.faceUrl !== undefined) setProfileValue(account, "Tag_Profile_IM_Image", item.faceUrl)
}

const importRequest = decoder(AccountImport.Request)
const encodeEmpty = wire(AccountImport.Response)

/**
 * One account to import: the object as today's page sends it (`UserID`), or with the 2020 page's `Identifier`
 * (which real SDKs still send) when `UserID` is absent.
 */
const importItem = (raw: unknown): AccountImport.Request | Invalid => {
  const item = asObject(raw)
  if (item === undefined) return new Invalid("expected an object")
  return importRequest(
    item.UserID === undefined && item.Identifier !== undefined ? { ...item, UserID: item.Identifier } : item
  )
}

const accountImport: Handler = (body, ctx) => {
  const request = importItem(body)
  if (request instanceof Invalid) return illegal
  importOne(ctx, request)
  return encodeEmpty({})
}

const encodeMulti = wire(MultiAccountImport.Response)

/** The raw entries of `Accounts` (UserIDs) and `AccountList` (today's `{UserID, Nick?, FaceUrl?}` form), together. */
const multiEntries = (body: Record<string, unknown>): ReadonlyArray<unknown> | Failure => {
  const lists = ["Accounts", "AccountList"].filter((key) => body[key] !== undefined)
  if (lists.length === 0) return illegal
  const entries: Array<unknown> = []
  for (const key of lists) {
    const raw = itemArray(body, key, Limits.maxAccountItems, invalidCode)
    if (raw instanceof Failure) return illegal
    entries.push(...(key === "Accounts" ? raw.map((userId) => ({ UserID: userId })) : raw))
  }
  return entries.length > Limits.maxAccountItems ? illegal : entries
}

const multiAccountImport: Handler = (body, ctx) => {
  const entries = multiEntries(body)
  if (entries instanceof Failure) return entries
  const failAccounts: Array<string> = []
  for (const entry of entries) {
    const item = importItem(entry)
    if (item instanceof Invalid || itemGuard(ctx, item.userId, invalidCode) !== undefined) {
      const userId = asObject(entry)?.UserID
      failAccounts.push(typeof userId === "string" ? userId : (JSON.stringify(userId ?? entry) ?? ""))
    } else importOne(ctx, item)
  }
  return encodeMulti({ FailAccounts: failAccounts })
}

/** Runs `each` over `{UserID}` items, answering invalid ones and injected faults per item. */
const forEachUser = (
  ctx: Ctx,
  body: Record<string, unknown>,
  key: string,
  each: (userId: string) => { ResultCode: number; ResultInfo: string; AccountStatus?: "Imported" | "NotImported" }
) => {
  const raw = itemArray(body, key, Limits.maxAccountItems, invalidCode)
  if (raw instanceof Failure) return illegal
  return raw.map((entry) => {
    const userId = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>).UserID : undefined
    if (typeof userId !== "string")
      return { UserID: "", ResultCode: invalidCode, ResultInfo: "UserID must be a string" }
    const guard = itemGuard(ctx, userId, invalidCode)
    return guard !== undefined
      ? { UserID: userId, ResultCode: guard[0], ResultInfo: guard[1] }
      : { UserID: userId, ...each(userId) }
  })
}

const encodeCheck = wire(AccountCheck.Response)

const accountCheck: Handler = (body, ctx) => {
  const resultItems = forEachUser(ctx, body, "CheckItem", (userId) => ({
    ResultCode: 0,
    ResultInfo: "",
    AccountStatus: ctx.state.accounts.has(userId) ? "Imported" : "NotImported"
  }))
  return resultItems instanceof Failure ? resultItems : encodeCheck({ ResultItem: resultItems })
}

const encodeDelete = wire(AccountDelete.Response)

/** Tencent's per-item answer for an account that was never imported (tencentcloud.com/document/product/1047/34955). */
const deleteMissing = { ResultCode: notImported, ResultInfo: "Err_TLS_PT_Open_Login_Account_Not_Exist" } as const
const deleted0 = { ResultCode: 0, ResultInfo: "" } as const

const accountDelete: Handler = (body, ctx) => {
  const deleted = new Set<string>()
  const resultItems = forEachUser(ctx, body, "DeleteItem", (userId) => {
    if (!ctx.state.accounts.has(userId) || deleted.has(userId)) return deleteMissing
    deleted.add(userId)
    return deleted0
  })
  if (resultItems instanceof Failure) return resultItems
  deleteAccounts(ctx.state, deleted)
  return encodeDelete({ ResultItem: resultItems })
}

/** The account routes. */
export const routes = {
  AccountImport: { handle: accountImport, writes: true },
  MultiAccountImport: { handle: multiAccountImport, writes: true },
  AccountCheck: { handle: accountCheck, writes: false },
  AccountDelete: { handle: accountDelete, writes: true }
} as const satisfies Record<string, Handled>
