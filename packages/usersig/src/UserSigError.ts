/**
 * The one error of this package: a `reason` saying what went wrong and a `message` that reads well in a log.
 * Neither ever contains the secret key or a UserSig.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * Why signing, verifying or decoding failed. Input problems: `InvalidSdkAppId`, `InvalidSecretKey`,
 * `InvalidIdentifier`, `InvalidExpire`, `InvalidOptions` (signer settings). Verification failures, in the order they are
 * checked: `Malformed`, `SdkAppIdMismatch`, `IdentifierMismatch`, `Expired`, `UserBufMismatch`, `SignatureMismatch`.
 *
 * @since 0.1.0
 */
export const Reason = Schema.Literal(
  "InvalidSdkAppId",
  "InvalidSecretKey",
  "InvalidIdentifier",
  "InvalidExpire",
  "InvalidOptions",
  "Malformed",
  "SdkAppIdMismatch",
  "IdentifierMismatch",
  "Expired",
  "UserBufMismatch",
  "SignatureMismatch"
)

/**
 * The reason type of a {@link UserSigError}.
 *
 * @since 0.1.0
 */
export type Reason = typeof Reason.Type

/**
 * A UserSig could not be signed, verified or decoded. Handle it with `Effect.catchTag("UserSigError", ...)` and
 * branch on `reason`.
 *
 * @since 0.1.0
 */
export class UserSigError extends Schema.TaggedError<UserSigError>("@effect-tim/usersig/UserSigError")("UserSigError", {
  reason: Reason,
  message: Schema.String
}) {}
