/**
 * `v4/sns/group_get`: an account's friend lists, with their sizes and optionally their members.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Api from "./Api.js"
import { NeedFriend } from "./Enums.js"
import { snsRead } from "./internal/errors.js"
import { fromAccount, groupNameList, listOr, numberOr } from "./internal/fields.js"
import { optional, required } from "./internal/wire.js"

/**
 * The request body: all lists when `GroupName` is absent.
 *
 * @since 0.1.0
 */
export const Request = Schema.Struct({
  fromAccount,
  needFriend: optional("NeedFriend", NeedFriend),
  groupNames: optional("GroupName", groupNameList)
})

/** @since 0.1.0 */
export type Request = typeof Request.Type

/**
 * One list: its name, size and (with `NeedFriend`) its members.
 *
 * @since 0.1.0
 */
export const ListItem = Schema.Struct({
  groupName: required("GroupName", Schema.String),
  friendNumber: numberOr("FriendNumber"),
  toAccounts: optional("To_Account", Schema.Array(Schema.String))
})

/** @since 0.1.0 */
export type ListItem = typeof ListItem.Type

/**
 * The response body (without the envelope).
 *
 * @since 0.1.0
 */
export const Response = Schema.Struct({
  lists: listOr("ResultItem", ListItem),
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
  command: "group_get",
  Request,
  Response,
  errors: [...snsRead]
})

/**
 * The codes group_get can answer.
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
