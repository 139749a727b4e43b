/**
 * `v4/sns/friend_get_list`: friend and profile data of given friends (≤ 100 accounts per request).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Api from "./Api.js"
import { failAccount } from "./BatchResult.js"
import { TagValue } from "./Fields.js"
import { snsRead } from "./internal/errors.js"
import { fromAccount, listOr, targetResult, toAccounts } from "./internal/fields.js"
import { required } from "./internal/wire.js"
import * as Limits from "./Limits.js"
import * as TimError from "./TimError.js"

/**
 * The request body: the friends and the tags to return (`Tag_Profile_IM_*`, `Tag_Profile_Custom_*`,
 * `Tag_SNS_IM_*`, `Tag_SNS_Custom_*`).
 *
 * @since 0.1.0
 */
export const Request = Schema.Struct({
  fromAccount,
  toAccounts: toAccounts(Limits.maxFriendGetListAccounts),
  tagList: required(
    "TagList",
    Schema.Array(Schema.String.pipe(Schema.pattern(/^Tag_(Profile|SNS)_(IM|Custom)_[A-Za-z0-9_]+$/))).pipe(
      Schema.minItems(1)
    )
  )
})

/** @since 0.1.0 */
export type Request = typeof Request.Type

/**
 * One friend's data, or the reason it could not be read.
 *
 * @since 0.1.0
 */
export const InfoItem = targetResult({ snsProfileItems: listOr("SnsProfileItem", TagValue) })

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
  command: "friend_get_list",
  Request,
  Response,
  errors: [...snsRead, TimError.NotFriend]
})

/**
 * The codes friend_get_list can answer (its table was not retrievable; global sns table).
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
