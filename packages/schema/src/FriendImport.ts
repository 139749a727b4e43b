/**
 * `v4/sns/friend_import`: import one-way friends in bulk (≤ 1000 items per request), with their data.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Api from "./Api.js"
import { ResultItems } from "./BatchResult.js"
import { AddSource, AddWording, CustomTag, CustomValue, Remark, UnixSeconds, UserId } from "./Fields.js"
import { snsWrite } from "./internal/errors.js"
import { fromAccount, groupNameList } from "./internal/fields.js"
import { optional, required } from "./internal/wire.js"
import * as Limits from "./Limits.js"
import * as TimError from "./TimError.js"

/**
 * A custom friend field: a console-configured `Tag_SNS_Custom_*` tag and its value.
 *
 * @since 0.1.0
 */
export const CustomItem = Schema.Struct({
  tag: required("Tag", CustomTag),
  value: required("Value", CustomValue)
})

/** @since 0.1.0 */
export type CustomItem = typeof CustomItem.Type

/**
 * One friend to import. Unlike friend_add, `GroupName` is a list of names.
 *
 * @since 0.1.0
 */
export const Item = Schema.Struct({
  toAccount: required("To_Account", UserId),
  remark: optional("Remark", Remark),
  remarkTime: optional("RemarkTime", UnixSeconds),
  groupNames: optional("GroupName", groupNameList),
  addSource: required("AddSource", AddSource),
  addWording: optional("AddWording", AddWording),
  addTime: optional("AddTime", UnixSeconds),
  customItems: optional("CustomItem", Schema.Array(CustomItem))
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
  )
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
  command: "friend_import",
  Request,
  Response,
  errors: [...snsWrite, TimError.FriendLimitReached, TimError.FriendListLimitReached]
})

/**
 * The codes friend_import documents.
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
