/**
 * `v4/sns/friend_add`: add friends in bulk (≤ 1000 items per request).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Api from "./Api.js"
import { ResultItems } from "./BatchResult.js"
import { AddType, ForceAddFlags } from "./Enums.js"
import { AddSource, AddWording, GroupName, Remark, UserId } from "./Fields.js"
import { snsWrite } from "./internal/errors.js"
import { fromAccount } from "./internal/fields.js"
import { optional, required } from "./internal/wire.js"
import * as Limits from "./Limits.js"
import * as TimError from "./TimError.js"

/**
 * One friend to add. `GroupName` is a single list name here (friend_import takes several).
 *
 * @since 0.1.0
 */
export const Item = Schema.Struct({
  toAccount: required("To_Account", UserId),
  remark: optional("Remark", Remark),
  groupName: optional("GroupName", GroupName),
  addSource: required("AddSource", AddSource),
  addWording: optional("AddWording", AddWording)
})

/** @since 0.1.0 */
export type Item = typeof Item.Type

/**
 * The request body.
 *
 * @since 0.1.0
 */
export const Request = Schema.Struct({
  fromAccount,
  items: required(
    "AddFriendItem",
    Schema.Array(Item).pipe(Schema.minItems(1), Schema.maxItems(Limits.maxItemsPerRequest))
  ),
  addType: optional("AddType", AddType),
  forceAddFlags: optional("ForceAddFlags", ForceAddFlags)
})

/** @since 0.1.0 */
export type Request = typeof Request.Type

/**
 * The response body (without the envelope).
 *
 * @since 0.1.0
 */
export const Response = ResultItems

/** @since 0.1.0 */
export type Response = typeof Response.Type

/**
 * The descriptor.
 *
 * @since 0.1.0
 */
export const api = Api.make({
  service: "sns",
  command: "friend_add",
  Request,
  Response,
  errors: [
    ...snsWrite,
    TimError.SensitiveContent,
    TimError.FriendRequestForbidden,
    TimError.FriendLimitReached,
    TimError.FriendListLimitReached,
    TimError.PendingLimitReached,
    TimError.PeerFriendLimitReached,
    TimError.TargetInBlocklist,
    TimError.AddDenied,
    TimError.BlockedByTarget,
    TimError.PendingConfirmation,
    TimError.FriendRequestsThrottled
  ]
})

/**
 * The codes friend_add documents.
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
