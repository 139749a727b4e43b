/**
 * `v4/sns/friend_get`: pull all of an account's friends, a page at a time.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Api from "./Api.js"
import { TagValue, UnixSeconds } from "./Fields.js"
import { snsRead } from "./internal/errors.js"
import { fromAccount, listOr, numberOr } from "./internal/fields.js"
import { optional, required } from "./internal/wire.js"

/**
 * The request body: `StartIndex` 0 for the first page, then the previous answer's `NextStartIndex`. A sequence
 * equal to the server's means "I already have that data": it is then not returned.
 *
 * @since 0.1.0
 */
export const Request = Schema.Struct({
  fromAccount,
  startIndex: required("StartIndex", UnixSeconds),
  standardSequence: optional("StandardSequence", UnixSeconds),
  customSequence: optional("CustomSequence", UnixSeconds)
})

/** @since 0.1.0 */
export type Request = typeof Request.Type

/**
 * One friend and the fields that have values (`Tag_SNS_IM_*` and `Tag_SNS_Custom_*`).
 *
 * @since 0.1.0
 */
export const UserDataItem = Schema.Struct({
  toAccount: required("To_Account", Schema.String),
  valueItems: listOr("ValueItem", TagValue)
})

/** @since 0.1.0 */
export type UserDataItem = typeof UserDataItem.Type

/**
 * The response body (without the envelope). `CompleteFlag` non-zero means the last page.
 *
 * @since 0.1.0
 */
export const Response = Schema.Struct({
  userDataItems: listOr("UserDataItem", UserDataItem),
  standardSequence: numberOr("StandardSequence"),
  customSequence: numberOr("CustomSequence"),
  friendNum: numberOr("FriendNum"),
  completeFlag: numberOr("CompleteFlag"),
  nextStartIndex: numberOr("NextStartIndex")
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
  command: "friend_get",
  Request,
  Response,
  errors: [...snsRead]
})

/**
 * The codes friend_get can answer (global sns table, spec §4.7).
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
