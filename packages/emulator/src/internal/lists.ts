/**
 * The friend list APIs: group_add, group_delete, group_get (spec §4.13–§4.15). Adding an existing list name is
 * not an error (the name is kept, members are still added), and deleting a missing name is ignored, so that a
 * retried request is idempotent.
 */
import { GroupAdd, GroupDelete, GroupGet, TimError } from "@effect-tim/schema"
import { onlyYes, wire } from "./decode.js"
import { Failure, forEachPeer, type Handled, type Handler, RawJson, sns, toAccounts } from "./handler.js"
import { bumpStandard, ensureLists } from "./state.js"

const encodeAdd = wire(GroupAdd.Response)

const groupAdd = sns(GroupAdd.Request.omit("toAccounts"), (env, from, body, ctx) => {
  const names = [...new Set(env.groupNames)]
  // A malformed `To_Account` fails the whole request before anything changes.
  const targets = body.To_Account === undefined ? undefined : toAccounts(body)
  if (targets instanceof Failure) return targets
  if (!ensureLists(from, names, ctx.config.limits.lists)) {
    return new Failure(TimError.FriendListLimitReached.code, "Err_SNS_GroupAdd_Group_Num_Exceed_Threshold")
  }
  if (targets === undefined) return encodeAdd({ CurrentSequence: from.seq.group })
  const results = forEachPeer(ctx, targets, "GroupAdd", (to) => {
    const friend = from.friends.get(to.userId)
    if (friend === undefined) return [TimError.ListMemberNotFriend.code, "Err_SNS_GroupAdd_ToTinyId_Not_Friend"]
    for (const name of names) if (!friend.groups.includes(name)) friend.groups.push(name)
    bumpStandard(from)
    return [0, ""]
  })
  if (results instanceof Failure) return results
  from.seq.group++
  return new RawJson(`${results.members()},"CurrentSequence":${from.seq.group}`)
})

const encodeDelete = wire(GroupDelete.Response)

const groupDelete = sns(GroupDelete.Request, (request, from) => {
  const names = new Set(request.groupNames)
  const kept = from.lists.filter((name) => !names.has(name))
  if (kept.length !== from.lists.length) {
    from.lists.splice(0, from.lists.length, ...kept)
    for (const friend of from.friends.values()) {
      if (friend.groups.some((name) => names.has(name))) friend.groups = friend.groups.filter((n) => !names.has(n))
    }
    bumpStandard(from)
  }
  from.seq.group++
  return encodeDelete({ CurrentSequence: from.seq.group })
})

const encodeGet = wire(GroupGet.Response)

const groupGetDecoded = sns(GroupGet.Request, (request, from, _body, _ctx) => {
  const wanted =
    request.groupNames === undefined || request.groupNames.length === 0
      ? from.lists
      : from.lists.filter((name) => request.groupNames!.includes(name))
  const withMembers = request.needFriend === "Need_Friend_Type_Yes"
  const members = new Map<string, Array<string>>(wanted.map((name) => [name, []]))
  for (const [toAccount, friend] of from.friends) {
    for (const name of friend.groups) members.get(name)?.push(toAccount)
  }
  const lists = wanted.map((groupName) => {
    const accounts = members.get(groupName)!
    return withMembers
      ? { GroupName: groupName, FriendNumber: accounts.length, To_Account: accounts }
      : { GroupName: groupName, FriendNumber: accounts.length }
  })
  return encodeGet({ ResultItem: lists, CurrentSequence: from.seq.group })
})

/** group_get; a `NeedFriend` other than `Need_Friend_Type_Yes` counts as absent (no members). */
const groupGet: Handler = (body, ctx) => groupGetDecoded(onlyYes(body, "NeedFriend", "Need_Friend_Type_Yes"), ctx)

/** The friend list routes. */
export const routes = {
  GroupAdd: { handle: groupAdd, writes: true },
  GroupDelete: { handle: groupDelete, writes: true },
  GroupGet: { handle: groupGet, writes: false }
} as const satisfies Record<string, Handled>
