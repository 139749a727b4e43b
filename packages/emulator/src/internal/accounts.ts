/**
 * The account and profile APIs the emulator needs (spec §9): account_import, multiaccount_import,
 * account_check, account_delete, portrait_set and portrait_get for `Tag_Profile_IM_AllowType` and
 * `Tag_Profile_IM_Nick`. Malformed requests answer 70402; unknown accounts 70107.
 */
import {
  AccountCheck,
  AccountDelete,
  AccountImport,
  Limits,
  MultiAccountImport,
  PortraitGet,
  PortraitSet,
  TimError
} from "@effect-tim/schema"
import { decoder, Invalid, wire } from "./decode.js"
import {
  type Ctx,
  Failure,
  failAccount,
  type Handler,
  itemArray,
  itemGuard,
  type Outcome,
  profileTag,
  type Route,
  type Wire
} from "./handler.js"
import { deleteAccounts, makeAccount } from "./state.js"

const invalidCode = TimError.IllegalParameters.code
const notImported = TimError.UserNotImported.code
const illegal = (info: string) => new Failure(invalidCode, info)

/** Imports (or re-imports) an account; `FaceUrl` is accepted and, as nothing here answers it, not kept. */
const importOne = (ctx: Ctx, userId: string, nick?: string): void => {
  let account = ctx.state.accounts.get(userId)
  if (account === undefined) {
    account = makeAccount(userId, ctx.config.defaultAllowType)
    ctx.state.accounts.set(userId, account)
  }
  if (nick !== undefined) account.nick = nick
}

const importRequest = decoder(AccountImport.Request)
const encodeEmpty = wire(AccountImport.Response)

const accountImport: Handler = (body, ctx) => {
  const request = importRequest(body)
  if (request instanceof Invalid) return illegal(request.message)
  importOne(ctx, request.userId, request.nick)
  return encodeEmpty({})
}

const encodeMulti = wire(MultiAccountImport.Response)

const multiAccountImport: Handler = (body, ctx) => {
  const raw = itemArray(body, "Accounts", Limits.maxAccountItems, invalidCode)
  if (raw instanceof Failure) return raw
  const failAccounts: Array<string> = []
  for (const entry of raw) {
    if (typeof entry !== "string" || itemGuard(ctx, entry, invalidCode) !== undefined) {
      failAccounts.push(typeof entry === "string" ? entry : String(entry))
    } else importOne(ctx, entry)
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
  if (raw instanceof Failure) return raw
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

const accountDelete: Handler = (body, ctx) => {
  const deleted = new Set<string>()
  const resultItems = forEachUser(ctx, body, "DeleteItem", (userId) => {
    deleted.add(userId)
    return { ResultCode: 0, ResultInfo: "" }
  })
  if (resultItems instanceof Failure) return resultItems
  deleteAccounts(ctx.state, deleted)
  return encodeDelete({ ResultItem: resultItems })
}

const setRequest = decoder(PortraitSet.Request)

const portraitSet: Handler = (body, ctx) => {
  const request = setRequest(body)
  if (request instanceof Invalid) return illegal(request.message)
  const account = ctx.state.accounts.get(request.fromAccount)
  if (account === undefined) {
    return new Failure(notImported, `From_Account ${JSON.stringify(request.fromAccount)} has not been imported`)
  }
  for (const item of request.profileItems) {
    if (item.tag === "Tag_Profile_IM_AllowType") account.allowType = item.value
    else account.nick = item.value
  }
  return encodeEmpty({})
}

const getEnvelope = decoder(PortraitGet.Request.omit("toAccounts"))
const encodeGet = wire(PortraitGet.Response)

const portraitGet: Handler = (body, ctx) => {
  const env = getEnvelope(body)
  if (env instanceof Invalid) return illegal(env.message)
  const raw = itemArray(body, "To_Account", Limits.maxAccountItems, invalidCode)
  if (raw instanceof Failure) return raw
  const failed: Array<string> = []
  const userProfileItems = raw.map((entry): Wire => {
    const toAccount = typeof entry === "string" ? entry : ""
    const guard: Outcome | undefined =
      typeof entry === "string"
        ? itemGuard(ctx, entry, invalidCode)
        : [invalidCode, "To_Account entries must be strings"]
    const account = guard === undefined ? ctx.state.accounts.get(toAccount) : undefined
    if (account === undefined) {
      failed.push(toAccount)
      const [resultCode, resultInfo] = guard ?? [notImported, "the account has not been imported"]
      return { To_Account: toAccount, ProfileItem: [], ResultCode: resultCode, ResultInfo: resultInfo }
    }
    const profileItems: Array<{ readonly Tag: string; readonly Value: string }> = []
    for (const tag of env.tagList) {
      const item = profileTag(account, tag)
      if (item !== undefined) profileItems.push(item)
    }
    return { To_Account: toAccount, ProfileItem: profileItems, ResultCode: 0, ResultInfo: "" }
  })
  return encodeGet({ UserProfileItem: userProfileItems, ...failAccount(failed) })
}

/** The account and profile routes. */
export const routes: ReadonlyArray<Route> = [
  { api: AccountImport.api, handle: accountImport, writes: true },
  { api: MultiAccountImport.api, handle: multiAccountImport, writes: true },
  { api: AccountCheck.api, handle: accountCheck, writes: false },
  { api: AccountDelete.api, handle: accountDelete, writes: true },
  { api: PortraitSet.api, handle: portraitSet, writes: true },
  { api: PortraitGet.api, handle: portraitGet, writes: false }
]
