/**
 * `v4/im_open_login_svc/multiaccount_import`: import up to 100 accounts.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Api from "./Api.js"
import { UserId } from "./Fields.js"
import { listOr } from "./internal/fields.js"
import { required } from "./internal/wire.js"
import * as Limits from "./Limits.js"
import * as TimError from "./TimError.js"

/**
 * The request body.
 *
 * @since 0.1.0
 */
export const Request = Schema.Struct({
  accounts: required("Accounts", Schema.Array(UserId).pipe(Schema.minItems(1), Schema.maxItems(Limits.maxAccountItems)))
})

/** @since 0.1.0 */
export type Request = typeof Request.Type

/**
 * The response body (without the envelope): the accounts that could not be imported.
 *
 * @since 0.1.0
 */
export const Response = Schema.Struct({
  failAccounts: listOr("FailAccounts", Schema.String)
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
  command: "multiaccount_import",
  Request,
  Response,
  errors: [TimError.IllegalParameters, TimError.AccountLimitReached, TimError.AccountReimportForbidden]
})

/**
 * The codes multiaccount_import can answer.
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
