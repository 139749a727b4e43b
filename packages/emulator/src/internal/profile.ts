/**
 * portrait_set and portrait_get, with the profile service's own codes (trtc.io/document/34916, 34917): 40001
 * malformed request, 40002 no To_Account, 40003 account not imported, 40009 unknown tag, 40601 value too long,
 * 40605 invalid value, 40610 value of the wrong type. Every standard field of trtc.io/document/33520 and the
 * configured `Tag_Profile_Custom_*` fields are kept and answered.
 */
import { Limits, PortraitSet, TimError } from "@effect-tim/schema"
import { asObject } from "./decode.js"
import {
  type Ctx,
  Failure,
  type Handled,
  type Handler,
  itemFault,
  notString,
  profileTag,
  quote,
  RawJson
} from "./handler.js"
import type { Account } from "./state.js"

/**
 * Tencent's ErrorInfo for each profile code: the documented identifier where the page shows one (40001), else the
 * sentence of the error-code table (trtc.io/document/34348).
 */
const profileFailure = {
  decode: new Failure(TimError.ProfileInvalidRequest.code, "Err_Profile_Comm_Decode_Fail"),
  noTarget: new Failure(
    TimError.ProfileAccountMissing.code,
    "Incorrect request parameters. You need to specify the UserID whose profile is to be retrieved."
  ),
  notFound: new Failure(TimError.ProfileAccountNotFound.code, "The requested UserID does not exist."),
  tag: new Failure(TimError.ProfileTagNotFound.code, "The Tag of the profile field does not exist."),
  tooLong: new Failure(
    TimError.ProfileValueTooLong.code,
    "The Value of the profile field exceeds the length limit of 500 bytes."
  ),
  value: new Failure(TimError.ProfileValueInvalid.code, "Incorrect Value of the standard profile field."),
  type: new Failure(TimError.ProfileValueTypeInvalid.code, "Incorrect Value type of the standard profile field.")
} as const

/** The per-item outcome of an injected fault, worded as the page's sample (40006). */
const readFault = `"ResultCode":${TimError.ProfileServerError.code},"ResultInfo":"Err_Profile_PortraitGet_Read_Custom_Data_Fail"`

/** The standard fields' rules by tag (a Map: a tag such as `constructor` must not find the prototype's member). */
const standard: ReadonlyMap<string, PortraitSet.FieldRule> = new Map(Object.entries(PortraitSet.standardFields))

/** The rule of a tag: a standard field's, a configured custom field's, or undefined (40009). */
const ruleOf = (ctx: Ctx, tag: string): PortraitSet.FieldRule | undefined =>
  standard.get(tag) ?? (ctx.config.customProfileTags.has(tag) ? PortraitSet.customFieldRule : undefined)

const maxUint32 = 4_294_967_295

/** Why a value does not fit its rule (the failure to answer), or undefined when it does. */
const valueProblem = (rule: PortraitSet.FieldRule, value: unknown): Failure | undefined => {
  switch (rule.type) {
    case "string":
      if (typeof value !== "string") return profileFailure.type
      return Buffer.byteLength(value, "utf8") > rule.maxBytes ? profileFailure.tooLong : undefined
    case "uint32":
      if (typeof value !== "number") return profileFailure.type
      return Number.isInteger(value) && value >= 0 && value <= maxUint32 ? undefined : profileFailure.value
    case "enum":
      if (typeof value !== "string") return profileFailure.type
      return rule.values.includes(value) ? undefined : profileFailure.value
  }
}

/** Sets one checked profile value on an account. */
export const setProfileValue = (account: Account, tag: string, value: string | number): void => {
  if (tag === "Tag_Profile_IM_AllowType") account.allowType = value as Account["allowType"]
  else if (tag === "Tag_Profile_IM_Nick") account.nick = value as string
  else account.profile.set(tag, value)
}

/**
 * portrait_set: the whole request is checked before anything is applied (it has no per-item results): the
 * envelope (40001; 60015 for a From_Account that is not a string), the account (40003), then each item in order
 * (40009, 40610, 40605, 40601); a later item of the same tag wins.
 */
const portraitSet: Handler = (body, ctx) => {
  const from = body.From_Account
  if (from !== undefined && typeof from !== "string") return notString
  const items = body.ProfileItem
  if (typeof from !== "string" || !Array.isArray(items) || items.length === 0) return profileFailure.decode
  const updates: Array<readonly [string, string | number]> = []
  for (const entry of items) {
    const item = asObject(entry)
    if (item === undefined || typeof item.Tag !== "string" || !("Value" in item)) return profileFailure.decode
    const rule = ruleOf(ctx, item.Tag)
    if (rule === undefined) return profileFailure.tag
    const problem = valueProblem(rule, item.Value)
    if (problem !== undefined) return problem
    updates.push([item.Tag, item.Value as string | number])
  }
  const account = ctx.state.accounts.get(from)
  if (account === undefined) return profileFailure.notFound
  for (const [tag, value] of updates) setProfileValue(account, tag, value)
  return {}
}

/**
 * portrait_get: To_Account absent or empty answers 40002, more than 100 or not an array 40001, an entry that is not
 * a string 60015; TagList must be 1 or more strings (40001), each a standard or configured custom profile tag
 * (40009); every To_Account must have been imported, else the whole request fails with 40003. An injected item fault
 * answers that account 40006 as the page's sample does.
 */
const portraitGet: Handler = (body, ctx) => {
  const targets = body.To_Account
  if (targets === undefined || targets === null || (Array.isArray(targets) && targets.length === 0)) {
    return profileFailure.noTarget
  }
  if (!Array.isArray(targets) || targets.length > Limits.maxAccountItems) return profileFailure.decode
  if (targets.some((target) => typeof target !== "string")) return notString
  const tags = body.TagList
  if (!Array.isArray(tags) || tags.length === 0 || tags.some((tag) => typeof tag !== "string")) {
    return profileFailure.decode
  }
  for (const tag of tags as ReadonlyArray<string>) if (ruleOf(ctx, tag) === undefined) return profileFailure.tag
  const accounts: Array<Account> = []
  for (const userId of targets as ReadonlyArray<string>) {
    const account = ctx.state.accounts.get(userId)
    if (account === undefined) return profileFailure.notFound
    accounts.push(account)
  }
  const items: Array<string> = []
  const failed: Array<string> = []
  for (const account of accounts) {
    const to = quote(account.userId)
    if (itemFault(ctx) !== undefined) {
      failed.push(to)
      items.push(`{"To_Account":${to},${readFault}}`)
      continue
    }
    const values: Array<string> = []
    for (const tag of tags as ReadonlyArray<string>) {
      const item = profileTag(account, tag)
      if (item !== undefined) values.push(JSON.stringify(item))
    }
    items.push(`{"To_Account":${to},"ProfileItem":[${values.join(",")}],"ResultCode":0,"ResultInfo":""}`)
  }
  const list = `"UserProfileItem":[${items.join(",")}]`
  return new RawJson(failed.length === 0 ? list : `${list},"Fail_Account":[${failed.join(",")}]`)
}

/** The profile routes. */
export const routes = {
  PortraitSet: { handle: portraitSet, writes: true },
  PortraitGet: { handle: portraitGet, writes: false }
} as const satisfies Record<string, Handled>
