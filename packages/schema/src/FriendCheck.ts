/**
 * `v4/sns/friend_check`: check friendship in bulk (≤ 1000 accounts per request).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Api from "./Api.js"
import { failAccount } from "./BatchResult.js"
import { FriendCheckType, FriendRelation } from "./Enums.js"
import { snsRead } from "./internal/errors.js"
import { fromAccount, listOr, targetResult, toAccounts } from "./internal/fields.js"
import { required } from "./internal/wire.js"
import * as Limits from "./Limits.js"

/**
 * The request body.
 *
 * @since 0.1.0
 */
export const Request = Schema.Struct({
  fromAccount,
  toAccounts: toAccounts(Limits.maxItemsPerRequest),
  checkType: required("CheckType", FriendCheckType)
})

/** @since 0.1.0 */
export type Request = typeof Request.Type

/**
 * `{To_Account, Relation, ResultCode, ResultInfo}`: a failed item still carries a relation (NoRelation).
 *
 * @since 0.1.0
 */
export const InfoItem = targetResult({ relation: required("Relation", FriendRelation) })

/** @since 0.1.0 */
export type InfoItem = typeof InfoItem.Type

/**
 * The response body (without the envelope).
 *
 * @since 0.1.0
 */
export const Response = Schema.Struct({
  infoItems: listOr("InfoItem", InfoItem),
  failAccount
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
  command: "friend_check",
  Request,
  Response,
  errors: [...snsRead]
})

/**
 * The codes friend_check documents.
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
