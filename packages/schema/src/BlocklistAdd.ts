/**
 * `v4/sns/black_list_add`: block accounts in bulk (≤ 1000 per request). Blocking removes the friendship both ways.
 *
 * @since 0.1.0
 */
import * as Api from "./Api.js"
import { ResultItems } from "./BatchResult.js"
import { snsWrite } from "./internal/errors.js"
import { accountsRequest } from "./internal/fields.js"
import * as TimError from "./TimError.js"

/**
 * The request body.
 *
 * @since 0.1.0
 */
export const Request = accountsRequest

/** @since 0.1.0 */
export type Request = typeof Request.Type

/**
 * The response body (without the envelope). Re-blocking answers 30001 `Err_SNS_BlackListAdd_Already_Exist`.
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
  command: "black_list_add",
  Request,
  Response,
  errors: [...snsWrite, TimError.BlocklistLimitReached]
})

/**
 * The codes black_list_add can answer.
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
