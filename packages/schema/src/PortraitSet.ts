/**
 * `v4/profile/portrait_set`: set an account's profile fields (here: AllowType and nickname).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Api from "./Api.js"
import { AllowType } from "./Enums.js"
import { fromAccount } from "./internal/fields.js"
import { required } from "./internal/wire.js"
import * as TimError from "./TimError.js"

/**
 * A profile field: `Tag_Profile_IM_AllowType` (its enum) or `Tag_Profile_IM_Nick` (at most 64 bytes).
 *
 * @since 0.1.0
 */
export const ProfileItem = Schema.Union(
  Schema.Struct({
    tag: required("Tag", Schema.Literal("Tag_Profile_IM_AllowType")),
    value: required("Value", AllowType)
  }),
  Schema.Struct({
    tag: required("Tag", Schema.Literal("Tag_Profile_IM_Nick")),
    value: required("Value", Schema.String.pipe(Schema.maxLength(64)))
  })
)

/** @since 0.1.0 */
export type ProfileItem = typeof ProfileItem.Type

/**
 * The request body.
 *
 * @since 0.1.0
 */
export const Request = Schema.Struct({
  fromAccount,
  profileItems: required("ProfileItem", Schema.Array(ProfileItem).pipe(Schema.minItems(1)))
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
  service: "profile",
  command: "portrait_set",
  Request,
  Response,
  errors: [TimError.IllegalParameters, TimError.UserNotImported]
})

/**
 * The codes portrait_set can answer (the profile API's own 40xxx codes decode as `UnknownCode`).
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
