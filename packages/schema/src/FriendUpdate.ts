/**
 * `v4/sns/friend_update`: update friends' remark, lists and custom fields in bulk (≤ 1000 items per request).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Api from "./Api.js"
import { ResultItems } from "./BatchResult.js"
import { Remark, UserId } from "./Fields.js"
import { CustomItem } from "./FriendImport.js"
import { snsWrite } from "./internal/errors.js"
import { fromAccount, groupNameList } from "./internal/fields.js"
import { required } from "./internal/wire.js"
import * as Limits from "./Limits.js"
import * as TimError from "./TimError.js"

/**
 * One field to update: `Tag_SNS_IM_Remark` (a string), `Tag_SNS_IM_Group` (the full list of list names) or a
 * configured `Tag_SNS_Custom_*` field. No other field can be updated.
 *
 * @since 0.1.0
 */
export const SnsItem = Schema.Union(
  Schema.Struct({ tag: required("Tag", Schema.Literal("Tag_SNS_IM_Remark")), value: required("Value", Remark) }),
  Schema.Struct({
    tag: required("Tag", Schema.Literal("Tag_SNS_IM_Group")),
    value: required("Value", groupNameList)
  }),
  CustomItem
)

/** @since 0.1.0 */
export type SnsItem = typeof SnsItem.Type

/**
 * The fields to update for one friend.
 *
 * @since 0.1.0
 */
export const Item = Schema.Struct({
  toAccount: required("To_Account", UserId),
  snsItems: required("SnsItem", Schema.Array(SnsItem).pipe(Schema.minItems(1)))
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
  items: required("UpdateItem", Schema.Array(Item).pipe(Schema.minItems(1), Schema.maxItems(Limits.maxItemsPerRequest)))
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
  command: "friend_update",
  Request,
  Response,
  errors: [...snsWrite, TimError.FriendListLimitReached]
})

/**
 * The codes friend_update can answer (its page has no table: the global sns table stands in, spec §4.3).
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
