/**
 * The friend APIs: friend_add, friend_import, friend_update, friend_delete, friend_delete_all, friend_check,
 * friend_get, friend_get_list (spec §4.1–§4.8, §5, §8).
 */
import {
  FriendAdd,
  FriendCheck,
  FriendDelete,
  FriendDeleteAll,
  FriendGet,
  FriendGetList,
  FriendImport,
  FriendUpdate,
  Limits,
  TimError
} from "@effect-tim/schema"
import { decoder, Invalid, wire } from "./decode.js"

type WireItem = Record<string, unknown>

import {
  accountArray,
  accountNotString,
  type Ctx,
  Failure,
  faultInfo,
  fromAccount,
  type Handler,
  type ItemWriter,
  invalid,
  invalidField,
  itemArray,
  itemFault,
  quote,
  Results,
  type Route,
  rawToAccount,
  unknownTag,
  userIdProblem
} from "./handler.js"
import { type Account, bumpCustom, bumpStandard, ensureLists, type Friend, removeFriend, touch } from "./state.js"

const code = {
  ok: 0,
  invalid: TimError.InvalidParameters.code,
  notFound: TimError.AccountNotFound.code,
  friendLimit: TimError.FriendLimitReached.code,
  peerFriendLimit: TimError.PeerFriendLimitReached.code,
  listLimit: TimError.FriendListLimitReached.code,
  pendingLimit: TimError.PendingLimitReached.code,
  inBlocklist: TimError.TargetInBlocklist.code,
  blockedByTarget: TimError.BlockedByTarget.code,
  denied: TimError.AddDenied.code,
  pending: TimError.PendingConfirmation.code,
  notFriend: TimError.NotFriend.code
} as const

/** An item's code and info, and optionally what its serialised item carries (e.g. a relation). */
type Outcome = readonly [code: number, info: string, extra?: string]
const done: Outcome = [0, ""]

const notImported = (api: string): Outcome => [code.notFound, `Err_SNS_${api}_Account_Not_Exist`]

const newFriend = (
  addSource: string,
  addWording: string | undefined,
  addTime: number,
  remark: string | undefined,
  groups: Array<string>
): Friend => ({ remark, groups, addSource, addWording, addTime, custom: new Map() })

const link = (owner: Account, to: string, friend: Friend): void => {
  owner.friends.set(to, friend)
  bumpStandard(owner)
}

// ---------------------------------------------------------------------------------------------------------------
// friend_add
// ---------------------------------------------------------------------------------------------------------------

const addEnvelope = decoder(FriendAdd.Request.omit("items"))
const addItem = decoder(FriendAdd.Item)

const addOne = (ctx: Ctx, from: Account, item: FriendAdd.Item, single: boolean, force: boolean): Outcome => {
  const { limits } = ctx.config
  const to = ctx.state.accounts.get(item.toAccount)
  if (to === undefined) return notImported("FriendAdd")
  if (to === from) return [code.invalid, "Err_SNS_FriendAdd_Cannot_Add_Self"]
  if (from.blocked.has(to.userId)) return [code.inBlocklist, "Err_SNS_FriendAdd_Peer_In_Your_BlackList"]
  if (to.blocked.has(from.userId)) return [code.blockedByTarget, "Err_SNS_FriendAdd_You_In_Peer_BlackList"]
  const forward = from.friends.has(to.userId)
  const backward = to.friends.has(from.userId)
  if (forward && (single || backward)) return [code.invalid, "Err_SNS_FriendAdd_Friend_Exist"]
  if (!forward && from.friends.size >= limits.friends) {
    return [code.friendLimit, "Err_SNS_FriendAdd_My_Friend_Num_Exceed_Threshold"]
  }
  const groups = item.groupName === undefined ? [] : [item.groupName]
  if (single) {
    if (!ensureLists(from, groups, limits.lists))
      return [code.listLimit, "Err_SNS_FriendAdd_Group_Num_Exceed_Threshold"]
    link(from, to.userId, newFriend(item.addSource, item.addWording, ctx.now, item.remark, groups))
    return done
  }
  // Two-way: the peer's AllowType decides, unless forced or the peer already asked us.
  const peerAsked = to.pendingOut.has(from.userId)
  if (!force && !peerAsked) {
    if (to.allowType === "AllowType_Type_DenyAny") return [code.denied, "Err_SNS_FriendAdd_Peer_Deny_Any"]
    if (to.allowType === "AllowType_Type_NeedConfirm") {
      if (!from.pendingOut.has(to.userId) && from.pendingOut.size >= limits.pending) {
        return [code.pendingLimit, "Err_SNS_FriendAdd_Pending_Num_Exceed_Threshold"]
      }
      from.pendingOut.set(to.userId, { addSource: item.addSource, addWording: item.addWording, createdAt: ctx.now })
      return [code.pending, "Err_SNS_FriendAdd_Need_Confirm"]
    }
  }
  if (!backward && to.friends.size >= limits.friends) {
    return [code.peerFriendLimit, "Err_SNS_FriendAdd_Peer_Friend_Num_Exceed_Threshold"]
  }
  if (!forward && !ensureLists(from, groups, limits.lists)) {
    return [code.listLimit, "Err_SNS_FriendAdd_Group_Num_Exceed_Threshold"]
  }
  if (!forward) link(from, to.userId, newFriend(item.addSource, item.addWording, ctx.now, item.remark, groups))
  if (!backward) link(to, from.userId, newFriend(item.addSource, item.addWording, ctx.now, undefined, []))
  from.pendingOut.delete(to.userId)
  to.pendingOut.delete(from.userId)
  return done
}

const friendAdd: Handler = (body, ctx) => {
  const env = addEnvelope(body)
  if (env instanceof Invalid) return accountNotString(body, "From_Account") ?? invalid(env.message)
  const from = fromAccount(ctx, env.fromAccount)
  if (from instanceof Failure) return from
  const raw = itemArray(body, "AddFriendItem", Limits.maxItemsPerRequest)
  if (raw === undefined || raw instanceof Failure) return raw ?? invalid("AddFriendItem is missing")
  const single = env.addType === "Add_Type_Single"
  const force = env.forceAddFlags === 1
  const results = new Results()
  for (const entry of raw) {
    const item = addItem(entry)
    if (item instanceof Invalid) {
      results.push(rawToAccount(entry), code.invalid, item.message)
      continue
    }
    const fault = itemFault(ctx)
    if (fault !== undefined) {
      results.push(item.toAccount, fault.code, faultInfo(fault))
      continue
    }
    const [resultCode, info] = addOne(ctx, from, item, single, force)
    results.push(item.toAccount, resultCode, info)
  }
  touch(ctx.state)
  return results.answer()
}

// ---------------------------------------------------------------------------------------------------------------
// friend_import
// ---------------------------------------------------------------------------------------------------------------

const importEnvelope = decoder(FriendImport.Request.omit("items"))
const importItem = decoder(FriendImport.Item)

const importOne = (ctx: Ctx, from: Account, item: FriendImport.Item): Outcome => {
  const to = ctx.state.accounts.get(item.toAccount)
  if (to === undefined) return notImported("FriendImport")
  if (to === from) return [code.invalid, "Err_SNS_FriendImport_Cannot_Add_Self"]
  const existing = from.friends.get(to.userId)
  if (existing === undefined && from.friends.size >= ctx.config.limits.friends) {
    return [code.friendLimit, "Err_SNS_FriendImport_My_Friend_Num_Exceed_Threshold"]
  }
  const groups = item.groupNames === undefined ? (existing?.groups ?? []) : [...new Set(item.groupNames)]
  if (!ensureLists(from, groups, ctx.config.limits.lists)) {
    return [code.listLimit, "Err_SNS_FriendImport_Group_Num_Exceed_Threshold"]
  }
  const friend: Friend = existing ?? newFriend(item.addSource, undefined, ctx.now, undefined, [])
  friend.addSource = item.addSource
  friend.groups = groups
  if (item.remark !== undefined) friend.remark = item.remark
  if (item.addWording !== undefined) friend.addWording = item.addWording
  friend.addTime = item.addTime ?? (existing === undefined ? ctx.now : friend.addTime)
  if (item.customItems !== undefined && item.customItems.length > 0) {
    for (const custom of item.customItems) friend.custom.set(custom.tag, custom.value)
    bumpCustom(from)
  }
  link(from, to.userId, friend)
  return done
}

const friendImport: Handler = (body, ctx) => {
  const env = importEnvelope(body)
  if (env instanceof Invalid) return accountNotString(body, "From_Account") ?? invalid(env.message)
  const from = fromAccount(ctx, env.fromAccount)
  if (from instanceof Failure) return from
  const raw = itemArray(body, "AddFriendItem", Limits.maxItemsPerRequest)
  if (raw === undefined || raw instanceof Failure) return raw ?? invalid("AddFriendItem is missing")
  const customTags = ctx.config.customTags
  for (const entry of raw) {
    const tag = unknownTag((entry as { CustomItem?: unknown } | null)?.CustomItem, (t) => customTags.has(t))
    if (tag !== undefined) return invalidField(tag)
  }
  const results = new Results()
  for (const entry of raw) {
    const item = importItem(entry)
    if (item instanceof Invalid) {
      results.push(rawToAccount(entry), code.invalid, item.message)
      continue
    }
    const fault = itemFault(ctx)
    if (fault !== undefined) {
      results.push(item.toAccount, fault.code, faultInfo(fault))
      continue
    }
    const [resultCode, info] = importOne(ctx, from, item)
    results.push(item.toAccount, resultCode, info)
  }
  touch(ctx.state)
  return results.answer()
}

// ---------------------------------------------------------------------------------------------------------------
// friend_update
// ---------------------------------------------------------------------------------------------------------------

const updateEnvelope = decoder(FriendUpdate.Request.omit("items"))
const updateItem = decoder(FriendUpdate.Item)

const updateOne = (ctx: Ctx, from: Account, item: FriendUpdate.Item): Outcome => {
  if (!ctx.state.accounts.has(item.toAccount)) return notImported("FriendUpdate")
  const friend = from.friends.get(item.toAccount)
  if (friend === undefined) return [code.invalid, "Err_SNS_FriendUpdate_Not_Friend"]
  let groups: Array<string> | undefined
  for (const sns of item.snsItems) {
    if (sns.tag === "Tag_SNS_IM_Group") groups = [...new Set(sns.value as ReadonlyArray<string>)]
  }
  if (groups !== undefined && !ensureLists(from, groups, ctx.config.limits.lists)) {
    return [code.listLimit, "Err_SNS_FriendUpdate_Group_Num_Exceed_Threshold"]
  }
  let custom = false
  for (const sns of item.snsItems) {
    if (sns.tag === "Tag_SNS_IM_Remark") friend.remark = sns.value as string
    else if (sns.tag === "Tag_SNS_IM_Group") friend.groups = groups!
    else {
      friend.custom.set(sns.tag, sns.value as string | number)
      custom = true
    }
  }
  bumpStandard(from)
  if (custom) bumpCustom(from)
  return done
}

const friendUpdate: Handler = (body, ctx) => {
  const env = updateEnvelope(body)
  if (env instanceof Invalid) return accountNotString(body, "From_Account") ?? invalid(env.message)
  const from = fromAccount(ctx, env.fromAccount)
  if (from instanceof Failure) return from
  const raw = itemArray(body, "UpdateItem", Limits.maxItemsPerRequest)
  if (raw === undefined || raw instanceof Failure) return raw ?? invalid("UpdateItem is missing")
  const customTags = ctx.config.customTags
  for (const entry of raw) {
    const tag = unknownTag(
      (entry as { SnsItem?: unknown } | null)?.SnsItem,
      (t) => t === "Tag_SNS_IM_Remark" || t === "Tag_SNS_IM_Group" || customTags.has(t)
    )
    if (tag !== undefined) return invalidField(tag)
  }
  const results = new Results()
  for (const entry of raw) {
    const item = updateItem(entry)
    if (item instanceof Invalid) {
      results.push(rawToAccount(entry), code.invalid, item.message)
      continue
    }
    const fault = itemFault(ctx)
    if (fault !== undefined) {
      results.push(item.toAccount, fault.code, faultInfo(fault))
      continue
    }
    const [resultCode, info] = updateOne(ctx, from, item)
    results.push(item.toAccount, resultCode, info)
  }
  touch(ctx.state)
  return results.answer()
}

// ---------------------------------------------------------------------------------------------------------------
// friend_delete, friend_delete_all
// ---------------------------------------------------------------------------------------------------------------

const deleteEnvelope = decoder(FriendDelete.Request.omit("toAccounts"))

/** Runs `each` over a validated `To_Account` array, reporting invalid UserIDs and injected faults per item. */
export const forEachTarget = (
  ctx: Ctx,
  body: Record<string, unknown>,
  max: number,
  each: (toAccount: string) => Outcome,
  write?: ItemWriter
): Results | Failure => {
  const targets = accountArray(body, "To_Account", max)
  if (targets === undefined || targets instanceof Failure) return targets ?? invalid("To_Account is missing")
  const results = new Results(write)
  for (const toAccount of targets) {
    const problem = userIdProblem(toAccount)
    let outcome: Outcome
    if (problem !== undefined) outcome = [code.invalid, problem]
    else {
      const fault = itemFault(ctx)
      outcome = fault !== undefined ? [fault.code, faultInfo(fault)] : each(toAccount)
    }
    results.push(toAccount, outcome[0], outcome[1], outcome[2])
  }
  return results
}

const friendDelete: Handler = (body, ctx) => {
  const env = deleteEnvelope(body)
  if (env instanceof Invalid) return accountNotString(body, "From_Account") ?? invalid(env.message)
  const from = fromAccount(ctx, env.fromAccount)
  if (from instanceof Failure) return from
  const both = env.deleteType !== "Delete_Type_Single" // §8: the emulator's default is Delete_Type_Both
  const results = forEachTarget(ctx, body, Limits.maxItemsPerRequest, (toAccount) => {
    const to = ctx.state.accounts.get(toAccount)
    if (to === undefined) return notImported("FriendDelete")
    if (!removeFriend(from, toAccount)) return [code.notFriend, "Err_SNS_FriendDelete_Not_Friend"]
    if (both) removeFriend(to, from.userId)
    return done
  })
  if (results instanceof Failure) return results
  touch(ctx.state)
  return results.answer()
}

const deleteAllRequest = decoder(FriendDeleteAll.Request)
const encodeDeleteAll = wire(FriendDeleteAll.Response)

const friendDeleteAll: Handler = (body, ctx) => {
  const request = deleteAllRequest(body)
  if (request instanceof Invalid) return accountNotString(body, "From_Account") ?? invalid(request.message)
  const from = fromAccount(ctx, request.fromAccount)
  if (from instanceof Failure) return from
  if (request.deleteType === "Delete_Type_Both") {
    for (const toAccount of from.friends.keys()) {
      const to = ctx.state.accounts.get(toAccount)
      if (to !== undefined) removeFriend(to, from.userId)
    }
  }
  if (from.friends.size > 0) {
    let custom = false
    for (const friend of from.friends.values()) if (friend.custom.size > 0) custom = true
    from.friends.clear()
    bumpStandard(from)
    if (custom) bumpCustom(from)
  }
  touch(ctx.state)
  return encodeDeleteAll({})
}

// ---------------------------------------------------------------------------------------------------------------
// friend_check
// ---------------------------------------------------------------------------------------------------------------

const checkEnvelope = decoder(FriendCheck.Request.omit("toAccounts"))

/** `{To_Account, Relation, ResultCode, ResultInfo}`; a failed item says NoRelation, as in Tencent's sample. */
const infoItem: ItemWriter = (toAccount, code, info, relation) =>
  `{"To_Account":${quote(toAccount)},"Relation":"${relation ?? "CheckResult_Type_NoRelation"}","ResultCode":${code},"ResultInfo":${quote(info)}}`

const friendCheck: Handler = (body, ctx) => {
  const env = checkEnvelope(body)
  if (env instanceof Invalid) return accountNotString(body, "From_Account") ?? invalid(env.message)
  const from = fromAccount(ctx, env.fromAccount)
  if (from instanceof Failure) return from
  const both = env.checkType === "CheckResult_Type_Both"
  const results = forEachTarget(
    ctx,
    body,
    Limits.maxItemsPerRequest,
    (toAccount): Outcome => {
      const to = ctx.state.accounts.get(toAccount)
      if (to === undefined) return notImported("FriendCheck")
      const forward = from.friends.has(toAccount)
      const relation: FriendCheck.InfoItem["relation"] = !both
        ? forward
          ? "CheckResult_Type_AWithB"
          : "CheckResult_Type_NoRelation"
        : to.friends.has(from.userId)
          ? forward
            ? "CheckResult_Type_BothWay"
            : "CheckResult_Type_BWithA"
          : forward
            ? "CheckResult_Type_AWithB"
            : "CheckResult_Type_NoRelation"
      return [0, "", relation]
    },
    infoItem
  )
  return results instanceof Failure ? results : results.answer("InfoItem")
}

// ---------------------------------------------------------------------------------------------------------------
// friend_get, friend_get_list
// ---------------------------------------------------------------------------------------------------------------

type TagValue = { readonly Tag: string; readonly Value: string | number | ReadonlyArray<string> }

const standardTags = (friend: Friend): Array<{ Tag: string; Value: string | number | ReadonlyArray<string> }> => {
  const out: Array<{ Tag: string; Value: string | number | ReadonlyArray<string> }> = [
    { Tag: "Tag_SNS_IM_AddSource", Value: friend.addSource }
  ]
  if (friend.addWording !== undefined && friend.addWording !== "") {
    out.push({ Tag: "Tag_SNS_IM_AddWording", Value: friend.addWording })
  }
  if (friend.remark !== undefined && friend.remark !== "") out.push({ Tag: "Tag_SNS_IM_Remark", Value: friend.remark })
  if (friend.groups.length > 0) out.push({ Tag: "Tag_SNS_IM_Group", Value: friend.groups })
  out.push({ Tag: "Tag_SNS_IM_AddTime", Value: friend.addTime })
  return out
}

const getRequest = decoder(FriendGet.Request)
const encodeGet = wire(FriendGet.Response)

const friendGet: Handler = (body, ctx) => {
  const request = getRequest(body)
  if (request instanceof Invalid) return accountNotString(body, "From_Account") ?? invalid(request.message)
  const from = fromAccount(ctx, request.fromAccount)
  if (from instanceof Failure) return from
  const total = from.friends.size
  const start = Math.min(request.startIndex, total)
  const end = Math.min(start + ctx.config.friendGetPageSize, total)
  const withStandard = request.standardSequence !== from.seq.standard
  const withCustom = request.customSequence !== from.seq.custom
  const userDataItems: Array<WireItem> = []
  let index = 0
  for (const [toAccount, friend] of from.friends) {
    if (index >= end) break
    if (index++ < start) continue
    const valueItems = withStandard ? standardTags(friend) : []
    if (withCustom) for (const [tag, value] of friend.custom) valueItems.push({ Tag: tag, Value: value })
    userDataItems.push({ To_Account: toAccount, ValueItem: valueItems })
  }
  const complete = end >= total
  return encodeGet({
    UserDataItem: userDataItems,
    StandardSequence: from.seq.standard,
    CustomSequence: from.seq.custom,
    FriendNum: total,
    CompleteFlag: complete ? 1 : 0,
    NextStartIndex: complete ? 0 : end
  })
}

const getListEnvelope = decoder(FriendGetList.Request.omit("toAccounts"))

const standardFriendTags: ReadonlySet<string> = new Set([
  "Tag_SNS_IM_Group",
  "Tag_SNS_IM_Remark",
  "Tag_SNS_IM_AddSource",
  "Tag_SNS_IM_AddWording",
  "Tag_SNS_IM_AddTime"
])

const friendTag = (to: Account, friend: Friend, tag: string): TagValue | undefined => {
  switch (tag) {
    case "Tag_Profile_IM_Nick":
      return to.nick === undefined ? undefined : { Tag: tag, Value: to.nick }
    case "Tag_Profile_IM_AllowType":
      return { Tag: tag, Value: to.allowType }
    case "Tag_SNS_IM_Group":
      return friend.groups.length === 0 ? undefined : { Tag: tag, Value: friend.groups }
    case "Tag_SNS_IM_Remark":
      return friend.remark === undefined || friend.remark === "" ? undefined : { Tag: tag, Value: friend.remark }
    case "Tag_SNS_IM_AddSource":
      return { Tag: tag, Value: friend.addSource }
    case "Tag_SNS_IM_AddWording":
      return friend.addWording === undefined || friend.addWording === ""
        ? undefined
        : { Tag: tag, Value: friend.addWording }
    case "Tag_SNS_IM_AddTime":
      return { Tag: tag, Value: friend.addTime }
    default: {
      const value = friend.custom.get(tag)
      return value === undefined ? undefined : { Tag: tag, Value: value }
    }
  }
}

/** `{To_Account, SnsProfileItem, ResultCode, ResultInfo}`; `extra` is the serialised `SnsProfileItem` array. */
const getListItem: ItemWriter = (toAccount, code, info, profile) =>
  `{"To_Account":${quote(toAccount)},"SnsProfileItem":${profile ?? "[]"},"ResultCode":${code},"ResultInfo":${quote(info)}}`

const friendGetList: Handler = (body, ctx) => {
  const customTags = ctx.config.customTags
  const unknown = unknownTag(
    body.TagList,
    (t) =>
      t.startsWith("Tag_Profile_") ||
      standardFriendTags.has(t) ||
      (t.startsWith("Tag_SNS_Custom_") && customTags.has(t))
  )
  if (unknown !== undefined) return invalidField(unknown)
  const env = getListEnvelope(body)
  if (env instanceof Invalid) return accountNotString(body, "From_Account") ?? invalid(env.message)
  const from = fromAccount(ctx, env.fromAccount)
  if (from instanceof Failure) return from
  const results = forEachTarget(
    ctx,
    body,
    Limits.maxFriendGetListAccounts,
    (toAccount): Outcome => {
      const to = ctx.state.accounts.get(toAccount)
      if (to === undefined) return notImported("FriendGetList")
      const friend = from.friends.get(toAccount)
      if (friend === undefined) return [code.invalid, "Err_SNS_FriendGetList_Not_Friend"]
      const profile: Array<TagValue> = []
      for (const tag of env.tagList) {
        const item = friendTag(to, friend, tag)
        if (item !== undefined) profile.push(item)
      }
      return [0, "", JSON.stringify(profile)]
    },
    getListItem
  )
  return results instanceof Failure ? results : results.answer("InfoItem")
}

/** The friend routes. */
export const routes: ReadonlyArray<Route> = [
  { api: FriendAdd.api, invalidCode: code.invalid, handle: friendAdd },
  { api: FriendImport.api, invalidCode: code.invalid, handle: friendImport },
  { api: FriendUpdate.api, invalidCode: code.invalid, handle: friendUpdate },
  { api: FriendDelete.api, invalidCode: code.invalid, handle: friendDelete },
  { api: FriendDeleteAll.api, invalidCode: code.invalid, handle: friendDeleteAll },
  { api: FriendCheck.api, invalidCode: code.invalid, handle: friendCheck },
  { api: FriendGet.api, invalidCode: code.invalid, handle: friendGet },
  { api: FriendGetList.api, invalidCode: code.invalid, handle: friendGetList }
]
