/**
 * `v4/im_open_login_svc/account_check`: whether up to 100 accounts are imported.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Api from "./Api.js"
import { AccountStatus } from "./Enums.js"
import { listOr, userIdItem, userIdResult } from "./internal/fields.js"
import { optional, required } from "./internal/wire.js"
import * as Limits from "./Limits.js"
import * as TimError from "./TimError.js"

/**
 * The request body.
 *
 * @since 0.1.0
 */
export const Request = Schema.Struct({
  checkItems: required(
    "CheckItem",
    Schema.Array(userIdItem).pipe(Schema.minItems(1), Schema.maxItems(Limits.maxAccountItems))
  )
})

/** @since 0.1.0 */
export type Request = typeof Request.Type

/**
 * One account's status.
 *
 * @since 0.1.0
 */
export const ResultItem = Schema.Struct({
  ...userIdResult,
  accountStatus: optional("AccountStatus", AccountStatus)
})

/** @since 0.1.0 */
export type ResultItem = typeof ResultItem.Type

/**
 * The response body (without the envelope).
 *
 * @since 0.1.0
 */
export const Response = Schema.Struct({
  resultItems: listOr("ResultItem", ResultItem)
})

/** @since 0.1.0 */
export type Response = typeof Response.Type

/**
 * The descriptor.
 *
 * @since 0.1.0
 */
export const api = Api.make({
  service: "im_open_login_svc",
  command: "account_check",
  Request,
  Response,
  errors: [TimError.IllegalParameters]
})

/**
 * The codes account_check can answer.
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
