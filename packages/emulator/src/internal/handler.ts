/**
 * What every API handler works with: the state, the configuration, the time, the fault state, and small helpers
 * for the envelope-strict / per-item-lenient decoding Tencent's batch APIs call for.
 *
 * A handler is synchronous: it reads and writes the state without ever yielding, so a request's mutation is atomic.
 */

import type { Enums } from "@effect-tim/schema"
import { type Api, Limits as ApiLimits, Fields, TimError } from "@effect-tim/schema"
import type { Schema } from "effect"
import { decoder, Invalid } from "./decode.js"
import type { FaultState } from "./faults.js"
import * as Faults from "./faults.js"
import type { Account, State } from "./state.js"

/** Per-account limits. */
export interface Limits {
  readonly friends: number
  readonly blocked: number
  readonly lists: number
  readonly pending: number
}

/** The behaviour settings of one emulator. */
export interface Config {
  readonly limits: Limits
  readonly customTags: ReadonlySet<string>
  /** The configured custom profile fields (`Tag_Profile_Custom_*`). */
  readonly customProfileTags: ReadonlySet<string>
  readonly defaultAllowType: Enums.AllowType
  readonly friendGetPageSize: number
}

/** What a handler runs against. */
export interface Ctx {
  readonly state: State
  readonly config: Config
  /** Unix seconds. */
  readonly now: number
  readonly faults: FaultState
}

/** A whole-request failure (ActionStatus FAIL). */
export class Failure {
  constructor(
    readonly code: number,
    readonly info: string
  ) {}
}

/** A wire response body. */
export type Wire = Record<string, unknown>

/** A handler: the decoded JSON body (an object) in, a wire body or a failure out. */
export type Handler = (body: Record<string, unknown>, ctx: Ctx) => Wire | RawJson | Failure

/**
 * An answer already serialised: the members of the JSON object without the braces (the server appends the
 * envelope). Batch answers are written this way: serialising 100 result objects with `JSON.stringify` cost more
 * than writing them directly.
 */
export class RawJson {
  constructor(readonly members: string) {}
}

const plain = /^[A-Za-z0-9_\-.: ]*$/

/** A JSON string literal, skipping the escaping pass for plain strings (UserIDs, codes' infos). */
export const quote = (s: string): string => (s === "" ? '""' : plain.test(s) ? `"${s}"` : JSON.stringify(s))

/** An API's handler and whether it writes: the entry of the route table, one per API of `Apis.all`. */
export interface Handled {
  readonly handle: Handler
  /** Whether the API writes: the server then marks the state changed (for saving) after every answer but a failure. */
  readonly writes: boolean
}

/** An API and its handler. */
export interface Route extends Handled {
  readonly api: Api.Any
}

/** The 30001 failure of an sns request. */
export const invalid = (info: string): Failure => new Failure(TimError.InvalidParameters.code, info)

/** The whole-request 30003, with the sentence of Tencent's error-code table (trtc.io/document/34348). */
const fromNotFound = new Failure(TimError.AccountNotFound.code, "The requested UserID does not exist.")

/** The whole-request 60015, with the sentence of Tencent's error-code table. */
export const notString = new Failure(
  TimError.AccountNotString.code,
  "The type of the UserID in the request packet is incorrect. Ensure that the UserID is in string format."
)

/** `From_Account` must name an imported account (else 30003 for the whole request). */
const fromAccount = (ctx: Ctx, userId: string): Account | Failure => ctx.state.accounts.get(userId) ?? fromNotFound

/** `From_Account` that is present but not a string answers 60015, like the real service. */
export const accountNotString = (body: Record<string, unknown>): Failure | undefined => {
  const value = body.From_Account
  return value !== undefined && typeof value !== "string" ? notString : undefined
}

/**
 * The raw item array of a batch request: an array of 1 to `max` entries, else a whole-request failure with
 * `code` (the items themselves are decoded one by one afterwards).
 */
export const itemArray = (
  body: Record<string, unknown>,
  key: string,
  max: number,
  code: number = TimError.InvalidParameters.code
): ReadonlyArray<unknown> | Failure => {
  const value = body[key]
  if (!Array.isArray(value)) return new Failure(code, `${key}: expected an array`)
  if (value.length === 0) return new Failure(code, `${key}: expected at least 1 item`)
  if (value.length > max) return new Failure(code, `${key}: at most ${max} items per request (got ${value.length})`)
  return value
}

/**
 * A `To_Account`-style array of UserIDs: each entry must be a string (else 60015 for the whole request); entries
 * that are strings but not valid UserIDs are reported per item by the caller.
 */
const accountArray = (body: Record<string, unknown>, key: string, max: number): ReadonlyArray<string> | Failure => {
  const items = itemArray(body, key, max)
  if (items instanceof Failure) return items
  for (let i = 0; i < items.length; i++) {
    if (typeof items[i] !== "string") return notString
  }
  return items as ReadonlyArray<string>
}

/** The request's `To_Account` array (at most `max` of them), or why it is not one: for {@link forEachTarget}. */
export const toAccounts = (
  body: Record<string, unknown>,
  max: number = ApiLimits.maxItemsPerRequest
): ReadonlyArray<string> | Failure => accountArray(body, "To_Account", max)

/** Why a string is not a UserID, or undefined when it is one. */
export const userIdProblem = (s: string): string | undefined =>
  Fields.isUserId(s)
    ? undefined
    : `a UserID must be 1 to ${ApiLimits.maxUserIdBytes} characters of A-Z a-z 0-9 _ - (got ${JSON.stringify(s.length > 64 ? `${s.slice(0, 64)}…` : s)})`

/** The `To_Account` of a raw item, for echoing it in a per-item failure. */
const rawToAccount = (raw: unknown): string => {
  if (typeof raw !== "object" || raw === null) return ""
  const value = (raw as Record<string, unknown>).To_Account
  return typeof value === "string" ? value : ""
}

/** Serialises one result item; `extra` is what the item's outcome carried (e.g. a relation). */
export type ItemWriter = (toAccount: string, code: number, info: string, extra: string | undefined) => string

/** `{To_Account, ResultCode, ResultInfo}`. */
export const resultItem: ItemWriter = (toAccount, code, info) =>
  `{"To_Account":${quote(toAccount)},"ResultCode":${code},"ResultInfo":${quote(info)}}`

/** Collects serialised result items and `Fail_Account` (the targets whose item did not answer 0). */
export class Results {
  private readonly parts: Array<string> = []
  readonly failed: Array<string> = []
  constructor(private readonly write: ItemWriter = resultItem) {}
  push(toAccount: string, resultCode: number, resultInfo = "", extra?: string): void {
    this.parts.push(this.write(toAccount, resultCode, resultInfo, extra))
    if (resultCode !== 0) this.failed.push(toAccount)
  }
  /** `"<key>":[...]`, then `"Fail_Account":[...]` only when an item failed. */
  members(key = "ResultItem"): string {
    const items = `"${key}":[${this.parts.join(",")}]`
    return this.failed.length === 0 ? items : `${items},"Fail_Account":[${this.failed.map(quote).join(",")}]`
  }
  /** The whole answer. */
  answer(key = "ResultItem"): RawJson {
    return new RawJson(this.members(key))
  }
}

/** A batch answer: the results, or the whole-request failure. */
export const answered = (results: Results | Failure): RawJson | Failure =>
  results instanceof Failure ? results : results.answer()

/**
 * An account's value of a profile tag, if it has one: AllowType always (the account's effective setting), every
 * other field only once it was set (by portrait_set, or account_import's Nick and FaceUrl).
 */
export const profileTag = (
  account: Account,
  tag: string
): { readonly Tag: string; readonly Value: string | number } | undefined => {
  switch (tag) {
    case "Tag_Profile_IM_Nick":
      return account.nick === undefined ? undefined : { Tag: tag, Value: account.nick }
    case "Tag_Profile_IM_AllowType":
      return { Tag: tag, Value: account.allowType }
    default: {
      const value = account.profile.get(tag)
      return value === undefined ? undefined : { Tag: tag, Value: value }
    }
  }
}

/** `{ Fail_Account }` only when an item failed. */
export const failAccount = (failed: ReadonlyArray<string>): { readonly Fail_Account?: ReadonlyArray<string> } =>
  failed.length > 0 ? { Fail_Account: failed } : {}

const injectedInternalError: Outcome = [TimError.ServerInternalError.code, "Err_SNS_Emulator_Injected_Internal_Error"]
const injectedTimeout: Outcome = [TimError.ServerTimeout.code, "Err_SNS_Emulator_Injected_Timeout"]

/** The outcome of an injected fault for the next item (30006 or 30007), if one fires. */
export const itemFault = (ctx: Ctx): Outcome | undefined => {
  const fault = Faults.itemFault(ctx.faults)
  return fault === undefined
    ? undefined
    : fault === TimError.ServerInternalError
      ? injectedInternalError
      : injectedTimeout
}

/**
 * What stops an item naming `userId` before its handler runs: an invalid UserID (`invalidCode`, 30001 for the sns
 * APIs), else an injected fault, which is only rolled for valid UserIDs.
 */
export const itemGuard = (
  ctx: Ctx,
  userId: string,
  invalidCode: number = TimError.InvalidParameters.code
): Outcome | undefined => {
  const problem = userIdProblem(userId)
  return problem !== undefined ? [invalidCode, problem] : itemFault(ctx)
}

/** The custom tags that are not configured, among raw `{Tag}` entries: the first one, for an `Invalid field` failure. */
export const unknownTag = (entries: unknown, allowed: (tag: string) => boolean): string | undefined => {
  if (!Array.isArray(entries)) return undefined
  for (const entry of entries) {
    const tag = typeof entry === "string" ? entry : typeof entry === "object" && entry !== null ? entry.Tag : undefined
    if (typeof tag === "string" && !allowed(tag)) return tag
  }
  return undefined
}

/** The whole-request failure for a tag that is not configured (the wording of the real service). */
export const invalidField = (tag: string): Failure =>
  invalid(
    `Invalid field: ${tag.length > 64 ? `${tag.slice(0, 64)}…` : tag}. You may not configure custom fields in the console or use the wrong fields`
  )

/** An item's code and info, and optionally what its serialised item carries (e.g. a relation). */
export type Outcome = readonly [code: number, info: string, extra?: string]

/**
 * A two-way check (friend_check, black_list_check): the outcome from whether A has B and B has A, out of four
 * prebuilt outcomes so that checking 1000 targets allocates none, and the writer of its items (a failed item carries
 * the `none` relation).
 */
export const relationCheck = <R extends string>(relations: {
  readonly none: R
  readonly aWithB: R
  readonly bWithA: R
  readonly bothWay: R
}): { readonly outcome: (forward: boolean, backward: boolean) => Outcome; readonly write: ItemWriter } => {
  const none: Outcome = [0, "", relations.none]
  const aWithB: Outcome = [0, "", relations.aWithB]
  const bWithA: Outcome = [0, "", relations.bWithA]
  const bothWay: Outcome = [0, "", relations.bothWay]
  // What follows the account in a successful item, one string per relation: an item is then two concatenations
  // instead of eight (a check of 1000 targets builds 1000 items).
  const okTails = new Map(
    [relations.none, relations.aWithB, relations.bWithA, relations.bothWay].map(
      (r) => [r as string, `","Relation":"${r}","ResultCode":0,"ResultInfo":""}`] as const
    )
  )
  return {
    outcome: (forward, backward) => (forward ? (backward ? bothWay : aWithB) : backward ? bWithA : none),
    write: (toAccount, code, info, relation) => {
      const tail = code === 0 && info === "" ? okTails.get(relation ?? relations.none) : undefined
      return tail !== undefined && plain.test(toAccount)
        ? `{"To_Account":"${toAccount}${tail}`
        : `{"To_Account":${quote(toAccount)},"Relation":"${relation ?? relations.none}","ResultCode":${code},"ResultInfo":${quote(info)}}`
    }
  }
}

/**
 * An sns handler: the request decoded with the schema package's schema (30001 naming the problem; 60015 when
 * `From_Account` is not a string), and `From_Account` looked up (30003 when it has not been imported).
 */
export const sns = <A extends { readonly fromAccount: string }, I>(
  schema: Schema.Schema<A, I, never>,
  handle: (request: A, from: Account, body: Record<string, unknown>, ctx: Ctx) => Wire | RawJson | Failure
): Handler => {
  const decode = decoder(schema)
  return (body, ctx) => {
    const request = decode(body)
    if (request instanceof Invalid) return accountNotString(body) ?? invalid(request.message)
    const from = fromAccount(ctx, request.fromAccount)
    return from instanceof Failure ? from : handle(request, from, body, ctx)
  }
}

/**
 * Runs `each` over `To_Account` (from {@link toAccounts}, which failed as a whole request when it is a Failure): an invalid UserID gets its own 30001, an injected fault its
 * 30006/30007 (and `each` is not run), the rest `each`'s outcome.
 */
export const forEachTarget = (
  ctx: Ctx,
  targets: ReadonlyArray<string> | Failure,
  each: (toAccount: string) => Outcome,
  write?: ItemWriter
): Results | Failure => {
  if (targets instanceof Failure) return targets
  const results = new Results(write)
  for (const toAccount of targets) {
    const outcome = itemGuard(ctx, toAccount) ?? each(toAccount)
    results.push(toAccount, outcome[0], outcome[1], outcome[2])
  }
  return results
}

/** The per-item 30003 for a target that has not been imported, worded as the real service (`Err_SNS_<api>_…`). */
export const notImported = (api: string): Outcome => [TimError.AccountNotFound.code, `Err_SNS_${api}_Account_Not_Exist`]

/**
 * {@link forEachTarget} over targets that must be imported accounts: an unknown one answers 30003
 * `Err_SNS_<api>_Account_Not_Exist` and `each` is not run for it.
 */
export const forEachPeer = (
  ctx: Ctx,
  targets: ReadonlyArray<string> | Failure,
  api: string,
  each: (to: Account) => Outcome,
  write?: ItemWriter
): Results | Failure => {
  const missing = notImported(api)
  return forEachTarget(
    ctx,
    targets,
    (toAccount) => {
      const to = ctx.state.accounts.get(toAccount)
      return to === undefined ? missing : each(to)
    },
    write
  )
}

/**
 * One page of a paged answer: up to `size` entries of `map` from `startIndex`, in insertion order, mapped with `f`,
 * whether it is the last, and the index the next page starts at (0 after the last).
 */
export const page = <K, V, B>(
  map: ReadonlyMap<K, V>,
  startIndex: number,
  size: number,
  f: (key: K, value: V) => B
): { readonly items: Array<B>; readonly last: boolean; readonly next: number } => {
  const start = Math.min(startIndex, map.size)
  const end = Math.min(start + size, map.size)
  const items: Array<B> = []
  let index = 0
  for (const [key, value] of map) {
    if (index >= end) break
    if (index++ >= start) items.push(f(key, value))
  }
  const last = end >= map.size
  return { items, last, next: last ? 0 : end }
}

/**
 * Runs `apply` over the item objects under `key` (1 to `max` of them, else a whole-request 30001): each item is
 * decoded on its own with `decode` (a {@link decoder} built once per route), so an invalid one gets its own 30001 naming the problem; an injected fault answers
 * 30006/30007 for an item without applying it.
 */
export const forEachItem = <A extends { readonly toAccount: string }>(
  ctx: Ctx,
  body: Record<string, unknown>,
  key: string,
  max: number,
  decode: (input: unknown) => A | Invalid,
  apply: (item: A) => Outcome
): Results | Failure => {
  const raw = itemArray(body, key, max)
  if (raw instanceof Failure) return raw
  const results = new Results()
  for (const entry of raw) {
    const item = decode(entry)
    if (item instanceof Invalid) {
      results.push(rawToAccount(entry), TimError.InvalidParameters.code, item.message)
      continue
    }
    const [code, info] = itemFault(ctx) ?? apply(item)
    results.push(item.toAccount, code, info)
  }
  return results
}
