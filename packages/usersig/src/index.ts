/**
 * Sign, verify and decode UserSigs (`UserSig`), with a cached signer service (`UserSigner`); the callback token's
 * `Sign` (`CallbackToken`).
 *
 * @since 0.1.0
 */

/**
 * The app's callback token: the `Sign` of a callback request and the non-empty rule.
 *
 * @since 0.2.0
 */
export * as CallbackToken from "./CallbackToken.js"

/**
 * Sign, verify and decode Tencent Cloud Chat UserSigs (TLSSigAPIv2).
 *
 * @since 0.1.0
 */
export * as UserSig from "./UserSig.js"

/**
 * The error of this package, with a `reason`.
 *
 * @since 0.1.0
 */
export * as UserSigError from "./UserSigError.js"

/**
 * A cached signer for one app, as an Effect service.
 *
 * @since 0.1.0
 */
export * as UserSigner from "./UserSigner.js"
