/**
 * `v4/profile/portrait_get`: read profile fields of up to 100 accounts.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Api from "./Api.js"
import { failAccount } from "./BatchResult.js"
import { TagValue } from "./Fields.js"
import { listOr, targetResult, toAccounts } from "./internal/fields.js"
import { required } from "./internal/wire.js"
import * as Limits from "./Limits.js"
import * as TimError from "./TimError.js"

/**
 * The request body.
 *
 * @since 0.1.0
 */
export const Request = Schema.Struct({
  toAccounts: toAccounts(Limits.maxAccountItems),
  tagList: required("TagList", Schema.Array(Schema.String).pipe(Schema.minItems(1)))
})

/** @since 0.1.0 */
export type Request = typeof Request.Type

/**
 * One account's profile fields, or the reason they could not be read.
 *
 * @since 0.1.0
 */
export const UserProfileItem = targetResult({ profileItems: listOr("ProfileItem", TagValue) })

/** @since 0.1.0 */
export type UserProfileItem = typeof UserProfileItem.Type

/**
 * The response body (without the envelope).
 *
 * @since 0.1.0
 */
export const Response = Schema.Struct({
  userProfileItems: listOr("UserProfileItem", UserProfileItem),
  failAccount
})

/** @since 0.1.0 */
export type Response = typeof Response.Type

/**
 * The descriptor, with the codes of the page's table (trtc.io/document/34917).
 *
 * @since 0.1.0
 */
export const api = Api.make({
  service: "profile",
  command: "portrait_get",
  Request,
  Response,
  errors: [
    TimError.ProfileInvalidRequest,
    TimError.ProfileAccountMissing,
    TimError.ProfileAccountNotFound,
    TimError.ProfileAdminRequired,
    TimError.ProfileServerError,
    TimError.ProfileReadForbidden,
    TimError.ProfileTagNotFound
  ]
})

/**
 * The codes portrait_get can answer.
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
