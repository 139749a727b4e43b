/**
 * `v4/sns/black_list_delete`: unblock accounts in bulk (≤ 1000 per request).
 *
 * @since 0.1.0
 */
import * as Api from "./Api.js"
import { ResultItems } from "./BatchResult.js"
import { snsWrite } from "./internal/errors.js"
import { accountsRequest } from "./internal/fields.js"

/**
 * The request body.
 *
 * @since 0.1.0
 */
export const Request = accountsRequest

/** @since 0.1.0 */
export type Request = typeof Request.Type

/**
 * The response body (without the envelope). Unblocking an account that is not blocked answers 30001.
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
  command: "black_list_delete",
  Request,
  Response,
  errors: [...snsWrite]
})

/**
 * The codes black_list_delete can answer.
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
