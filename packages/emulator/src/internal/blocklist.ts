/**
 * The blocklist APIs: black_list_add, black_list_delete, black_list_get, black_list_check (spec §4.9–§4.12).
 * Blocking removes the friendship in both directions and any pending request between the two accounts.
 */
import { BlocklistAdd, BlocklistCheck, BlocklistDelete, BlocklistGet, TimError } from "@effect-tim/schema"
import { wire } from "./decode.js"
import {
  answered,
  Failure,
  forEachPeer,
  forEachTarget,
  type Handled,
  notImported,
  page,
  relationCheck,
  sns,
  toAccounts
} from "./handler.js"
import { removeFriend } from "./state.js"

const invalidCode = TimError.InvalidParameters.code

const blocklistAdd = sns(BlocklistAdd.Request.omit("toAccounts"), (_env, from, body, ctx) => {
  const results = forEachPeer(ctx, toAccounts(body), "BlackListAdd", (to) => {
    const toAccount = to.userId
    if (to === from) return [invalidCode, "Err_SNS_BlackListAdd_Cannot_Block_Self"]
    if (from.blocked.has(toAccount)) return [invalidCode, "Err_SNS_BlackListAdd_Already_Exist"]
    if (from.blocked.size >= ctx.config.limits.blocked) {
      return [TimError.BlocklistLimitReached.code, "Err_SNS_BlackListAdd_BlackList_Num_Exceed_Threshold"]
    }
    from.blocked.set(toAccount, ctx.now)
    from.seq.block++
    removeFriend(from, toAccount)
    removeFriend(to, from.userId)
    from.pendingOut.delete(toAccount)
    to.pendingOut.delete(from.userId)
    return [0, ""]
  })
  return answered(results)
})

const blocklistDelete = sns(BlocklistDelete.Request.omit("toAccounts"), (_env, from, body, ctx) => {
  const results = forEachTarget(ctx, toAccounts(body), (toAccount) => {
    if (!from.blocked.delete(toAccount)) {
      return ctx.state.accounts.has(toAccount)
        ? [invalidCode, "Err_SNS_BlackListDelete_Not_Exist"]
        : notImported("BlackListDelete")
    }
    from.seq.block++
    return [0, ""]
  })
  return answered(results)
})

const encodeGet = wire(BlocklistGet.Response)

const blocklistGet = sns(BlocklistGet.Request, (request, from, _body, _ctx) => {
  const { items, next } = page(
    from.blocked,
    request.startIndex,
    request.maxLimited,
    (toAccount, addBlackTimeStamp) => ({
      To_Account: toAccount,
      AddBlackTimeStamp: addBlackTimeStamp
    })
  )
  return encodeGet({
    BlackListItem: items,
    StartIndex: next,
    CurruentSequence: from.seq.block
  })
})

const blockRelation = relationCheck<BlocklistCheck.CheckItem["relation"]>({
  none: "BlackCheckResult_Type_NO",
  aWithB: "BlackCheckResult_Type_AWithB",
  bWithA: "BlackCheckResult_Type_BWithA",
  bothWay: "BlackCheckResult_Type_BothWay"
})

const blocklistCheck = sns(BlocklistCheck.Request.omit("toAccounts"), (env, from, body, ctx) => {
  const both = env.checkType === "BlackCheckResult_Type_Both"
  const results = forEachPeer(
    ctx,
    toAccounts(body),
    "BlackListCheck",
    (to) => blockRelation.outcome(from.blocked.has(to.userId), both && to.blocked.has(from.userId)),
    blockRelation.write
  )
  return results instanceof Failure ? results : results.answer("BlackListCheckItem")
})

/** The blocklist routes. */
export const routes = {
  BlocklistAdd: { handle: blocklistAdd, writes: true },
  BlocklistDelete: { handle: blocklistDelete, writes: true },
  BlocklistGet: { handle: blocklistGet, writes: false },
  BlocklistCheck: { handle: blocklistCheck, writes: false }
} as const satisfies Record<string, Handled>
