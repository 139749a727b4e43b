/**
 * `v4/sns/group_add`: create friend lists, optionally putting friends in them.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Api from "./Api.js"
import { failAccount, ResultItem } from "./BatchResult.js"
import { GroupName, UserId } from "./Fields.js"
import { snsWrite } from "./internal/errors.js"
import { fromAccount, listOr } from "./internal/fields.js"
import { optional, required } from "./internal/wire.js"
import * as Limits from "./Limits.js"
import * as TimError from "./TimError.js"

/**
 * The list names of a request: 1 to 32 names of 1 to 30 bytes.
 *
 * @since 0.1.0
 */
export const GroupNames = Schema.Array(GroupName).pipe(Schema.minItems(1), Schema.maxItems(Limits.maxFriendLists))

/**
 * The request body.
 *
 * @since 0.1.0
 */
export const Request = Schema.Struct({
  fromAccount,
  groupNames: required("GroupName", GroupNames),
  toAccounts: optional("To_Account", Schema.Array(UserId).pipe(Schema.maxItems(Limits.maxItemsPerRequest)))
})

/** @since 0.1.0 */
export type Request = typeof Request.Type

/**
 * The response body (without the envelope): per-friend results only when `To_Account` was sent.
 *
 * @since 0.1.0
 */
export const Response = Schema.Struct({
  resultItems: listOr("ResultItem", ResultItem),
  failAccount,
  currentSequence: optional("CurrentSequence", Schema.Number)
})

/** @since 0.1.0 */
export type Response = typeof Response.Type

/**
 * The descriptor.
 *
 * @since 0.1.0
 */
export const api = Api.make({
  service: "sns",
  command: "group_add",
  Request,
  Response,
  errors: [...snsWrite, TimError.FriendListLimitReached, TimError.ListMemberNotFriend]
})

/**
 * The codes group_add can answer.
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
