/**
 * `v4/im_open_login_svc/account_import`: import one account (idempotent).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Api from "./Api.js"
import { ProfileString, UserId } from "./Fields.js"
import { optional, required } from "./internal/wire.js"
import * as TimError from "./TimError.js"

/**
 * The request body.
 *
 * @since 0.1.0
 */
export const Request = Schema.Struct({
  userId: required("UserID", UserId),
  nick: optional("Nick", ProfileString()),
  faceUrl: optional("FaceUrl", ProfileString())
})

/** @since 0.1.0 */
export type Request = typeof Request.Type

/**
 * The response body: the envelope only.
 *
 * @since 0.1.0
 */
export const Response = Schema.Struct({})

/** @since 0.1.0 */
export type Response = typeof Response.Type

/**
 * The descriptor.
 *
 * @since 0.1.0
 */
export const api = Api.make({
  service: "im_open_login_svc",
  command: "account_import",
  Request,
  Response,
  errors: [TimError.IllegalParameters, TimError.AccountLimitReached, TimError.AccountReimportForbidden]
})

/**
 * The codes account_import can answer.
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
