/**
 * `v4/sns/friend_delete`: delete friends in bulk (≤ 1000 accounts per request), one-way or both ways.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Api from "./Api.js"
import { ResultItems } from "./BatchResult.js"
import { DeleteType } from "./Enums.js"
import { snsWrite } from "./internal/errors.js"
import { fromAccount, toAccounts } from "./internal/fields.js"
import { optional } from "./internal/wire.js"
import * as Limits from "./Limits.js"
import * as TimError from "./TimError.js"

/**
 * The request body. Tencent does not document the default `DeleteType`: always send it.
 *
 * @since 0.1.0
 */
export const Request = Schema.Struct({
  fromAccount,
  toAccounts: toAccounts(Limits.maxItemsPerRequest),
  deleteType: optional("DeleteType", DeleteType)
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
  command: "friend_delete",
  Request,
  Response,
  errors: [...snsWrite, TimError.NotFriend, TimError.DeleteThrottled]
})

/**
 * The codes friend_delete documents.
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
