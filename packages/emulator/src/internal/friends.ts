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
import { decoder, onlyYes, wire } from "./decode.js"
import {
  answered,
  type Ctx,
  Failure,
  forEachItem,
  forEachPeer,
  type Handled,
  type Handler,
  type ItemWriter,
  invalidField,
  notImported,
  type Outcome,
  page,
  profileTag,
  quote,
  relationCheck,
  sns,
  toAccounts,
  unknownTag,
  type Wire
} from "./handler.js"
import { type Account, bumpCustom, bumpStandard, ensureLists, type Friend, removeFriend } from "./state.js"

const code = {
  invalid: TimError.InvalidParameters.code,
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

const done: Outcome = [0, ""]

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

const decodeAddItem = decoder(FriendAdd.Item)

const friendAddDecoded = sns(FriendAdd.Request.omit("items"), (env, from, body, ctx) => {
  const single = env.addType === "Add_Type_Single"
  const force = env.forceAddFlags === 1
  const results = forEachItem(ctx, body, "AddFriendItem", Limits.maxItemsPerRequest, decodeAddItem, (item) =>
    addOne(ctx, from, item, single, force)
  )
  return answered(results)
})

/** friend_add; a `ForceAddFlags` other than 1 counts as absent (no force-add). */
const friendAdd: Handler = (body, ctx) => friendAddDecoded(onlyYes(body, "ForceAddFlags", 1), ctx)

// ---------------------------------------------------------------------------------------------------------------
// friend_import
// ---------------------------------------------------------------------------------------------------------------

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

/** The first tag under `field` of the raw items that `allowed` refuses (for a whole-request `Invalid field`). */
const firstUnknownTag = (items: unknown, field: string, allowed: (tag: string) => boolean): string | undefined => {
  if (!Array.isArray(items)) return undefined
  for (const entry of items) {
    const tag = unknownTag((entry as Record<string, unknown> | null)?.[field], allowed)
    if (tag !== undefined) return tag
  }
  return undefined
}

const decodeImportItem = decoder(FriendImport.Item)

const friendImport = sns(FriendImport.Request.omit("items"), (_env, from, body, ctx) => {
  const customTags = ctx.config.customTags
  const tag = firstUnknownTag(body.AddFriendItem, "CustomItem", (t) => customTags.has(t))
  if (tag !== undefined) return invalidField(tag)
  const results = forEachItem(ctx, body, "AddFriendItem", Limits.maxItemsPerRequest, decodeImportItem, (item) =>
    importOne(ctx, from, item)
  )
  return answered(results)
})

// ---------------------------------------------------------------------------------------------------------------
// friend_update
// ---------------------------------------------------------------------------------------------------------------

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

const decodeUpdateItem = decoder(FriendUpdate.Item)

const friendUpdate = sns(FriendUpdate.Request.omit("items"), (_env, from, body, ctx) => {
  const customTags = ctx.config.customTags
  const tag = firstUnknownTag(
    body.UpdateItem,
    "SnsItem",
    (t) => t === "Tag_SNS_IM_Remark" || t === "Tag_SNS_IM_Group" || customTags.has(t)
  )
  if (tag !== undefined) return invalidField(tag)
  const results = forEachItem(ctx, body, "UpdateItem", Limits.maxItemsPerRequest, decodeUpdateItem, (item) =>
    updateOne(ctx, from, item)
  )
  return answered(results)
})

// ---------------------------------------------------------------------------------------------------------------
// friend_delete, friend_delete_all
// ---------------------------------------------------------------------------------------------------------------

const friendDelete = sns(FriendDelete.Request.omit("toAccounts"), (env, from, body, ctx) => {
  const both = env.deleteType !== "Delete_Type_Single" // §8: the emulator's default is Delete_Type_Both
  const results = forEachPeer(ctx, toAccounts(body), "FriendDelete", (to) => {
    if (!removeFriend(from, to.userId)) return [code.notFriend, "Err_SNS_FriendDelete_Not_Friend"]
    if (both) removeFriend(to, from.userId)
    return done
  })
  return answered(results)
})

const encodeDeleteAll = wire(FriendDeleteAll.Response)

const friendDeleteAll = sns(FriendDeleteAll.Request, (request, from, _body, ctx) => {
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
  return encodeDeleteAll({})
})

// ---------------------------------------------------------------------------------------------------------------
// friend_check
// ---------------------------------------------------------------------------------------------------------------

const friendRelation = relationCheck<FriendCheck.InfoItem["relation"]>({
  none: "CheckResult_Type_NoRelation",
  aWithB: "CheckResult_Type_AWithB",
  bWithA: "CheckResult_Type_BWithA",
  bothWay: "CheckResult_Type_BothWay"
})

const friendCheck = sns(FriendCheck.Request.omit("toAccounts"), (env, from, body, ctx) => {
  const both = env.checkType === "CheckResult_Type_Both"
  const results = forEachPeer(
    ctx,
    toAccounts(body),
    "FriendCheck",
    (to) => friendRelation.outcome(from.friends.has(to.userId), both && to.friends.has(from.userId)),
    friendRelation.write
  )
  return results instanceof Failure ? results : results.answer("InfoItem")
})

// ---------------------------------------------------------------------------------------------------------------
// friend_get, friend_get_list
// ---------------------------------------------------------------------------------------------------------------

type TagValue = { readonly Tag: string; readonly Value: string | number | ReadonlyArray<string> }

/** A friend's value of a standard or custom SNS tag, or undefined when it has none (empty strings are none). */
const snsTag = (friend: Friend, tag: string): TagValue | undefined => {
  switch (tag) {
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

/** The standard friend tags, in the order friend_get answers them. */
const standardTagOrder = [
  "Tag_SNS_IM_AddSource",
  "Tag_SNS_IM_AddWording",
  "Tag_SNS_IM_Remark",
  "Tag_SNS_IM_Group",
  "Tag_SNS_IM_AddTime"
] as const

const standardFriendTags: ReadonlySet<string> = new Set(standardTagOrder)

const standardTags = (friend: Friend): Array<TagValue> => {
  const out: Array<TagValue> = []
  for (const tag of standardTagOrder) {
    const item = snsTag(friend, tag)
    if (item !== undefined) out.push(item)
  }
  return out
}

const encodeGet = wire(FriendGet.Response)

const friendGet = sns(FriendGet.Request, (request, from, _body, ctx) => {
  const withStandard = request.standardSequence !== from.seq.standard
  const withCustom = request.customSequence !== from.seq.custom
  const { items, last, next } = page(
    from.friends,
    request.startIndex,
    ctx.config.friendGetPageSize,
    (toAccount, friend): Wire => {
      const valueItems = withStandard ? standardTags(friend) : []
      if (withCustom) for (const [tag, value] of friend.custom) valueItems.push({ Tag: tag, Value: value })
      return { To_Account: toAccount, ValueItem: valueItems }
    }
  )
  return encodeGet({
    UserDataItem: items,
    StandardSequence: from.seq.standard,
    CustomSequence: from.seq.custom,
    FriendNum: from.friends.size,
    CompleteFlag: last ? 1 : 0,
    NextStartIndex: next
  })
})

/** A friend_get_list tag: the peer's profile (Nick, AllowType), else the friend's SNS data. */
const friendTag = (to: Account, friend: Friend, tag: string): TagValue | undefined =>
  profileTag(to, tag) ?? snsTag(friend, tag)

/** `{To_Account, SnsProfileItem, ResultCode, ResultInfo}`; `extra` is the serialised `SnsProfileItem` array. */
const getListItem: ItemWriter = (toAccount, code, info, profile) =>
  `{"To_Account":${quote(toAccount)},"SnsProfileItem":${profile ?? "[]"},"ResultCode":${code},"ResultInfo":${quote(info)}}`

const friendGetList = sns(FriendGetList.Request.omit("toAccounts"), (env, from, body, ctx) => {
  const customTags = ctx.config.customTags
  const unknown = unknownTag(
    env.tagList,
    (t) =>
      t.startsWith("Tag_Profile_") ||
      standardFriendTags.has(t) ||
      (t.startsWith("Tag_SNS_Custom_") && customTags.has(t))
  )
  if (unknown !== undefined) return invalidField(unknown)
  const results = forEachPeer(
    ctx,
    toAccounts(body, Limits.maxFriendGetListAccounts),
    "FriendGetList",
    (to): Outcome => {
      const friend = from.friends.get(to.userId)
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
})

/** The friend routes. */
export const routes = {
  FriendAdd: { handle: friendAdd, writes: true },
  FriendImport: { handle: friendImport, writes: true },
  FriendUpdate: { handle: friendUpdate, writes: true },
  FriendDelete: { handle: friendDelete, writes: true },
  FriendDeleteAll: { handle: friendDeleteAll, writes: true },
  FriendCheck: { handle: friendCheck, writes: false },
  FriendGet: { handle: friendGet, writes: false },
  FriendGetList: { handle: friendGetList, writes: false }
} as const satisfies Record<string, Handled>
