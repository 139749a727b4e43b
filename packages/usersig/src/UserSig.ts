/**
 * Sign, verify and decode Tencent Cloud Chat UserSigs (TLSSigAPIv2, HMAC-SHA256). Signing is byte-identical to
 * the official Node signer `tls-sig-api-v2`; time comes from Effect's `Clock`, so `TestClock` drives it.
 *
 * @since 0.1.0
 */
import type * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import * as internal from "./internal/userSig.js"
import { UserSigError } from "./UserSigError.js"

/**
 * What {@link sign} needs: the app, its secret key, the user and the validity in seconds.
 *
 * @since 0.1.0
 */
export interface SignOptions {
  /** The app's SDKAppID, a positive integer. */
  readonly sdkAppId: number
  /** The app's secret key from the console (used as UTF-8 bytes). */
  readonly secretKey: Redacted.Redacted<string>
  /** The UserID: 1–32 bytes of `A-Z a-z 0-9 _ -`. */
  readonly identifier: string
  /** Validity in seconds, a positive integer (86400 = one day). */
  readonly expireSeconds: number
  /** Optional user buffer (TRTC PrivateMapKey); hashed and carried as `TLS.userbuf`. */
  readonly userBuf?: Uint8Array | undefined
}

/**
 * What {@link verify} needs: the expected app, key and user, and the UserSig to check.
 *
 * @since 0.1.0
 */
export interface VerifyOptions {
  /** The SDKAppID the sig must be for. */
  readonly sdkAppId: number
  /** The app's secret key. */
  readonly secretKey: Redacted.Redacted<string>
  /** The UserID the sig must be for (compared as is, any characters). */
  readonly identifier: string
  /** The UserSig to verify. */
  readonly userSig: string
  /** The user buffer the sig must carry; when absent, the sig must carry none. */
  readonly userBuf?: Uint8Array | undefined
}

/**
 * What a UserSig says about itself. Times are Unix seconds; the sig is valid up to and including `expiresAt`.
 *
 * @since 0.1.0
 */
export interface Claims {
  /** The UserID (`TLS.identifier`). */
  readonly identifier: string
  /** The SDKAppID (`TLS.sdkappid`). */
  readonly sdkAppId: number
  /** When it was signed (`TLS.time`). */
  readonly issuedAt: number
  /** Validity in seconds (`TLS.expire`). */
  readonly expireSeconds: number
  /** `issuedAt + expireSeconds`: the last second at which it is valid. */
  readonly expiresAt: number
  /** The user buffer (`TLS.userbuf`), when the sig carries one. */
  readonly userBuf?: Uint8Array | undefined
}

/** The `Clock`'s current Unix time in whole seconds, as `TLS.time` and expiries count it. */
const unixSeconds = (clock: Clock.Clock): number => Math.floor(clock.unsafeCurrentTimeMillis() / 1000)

/**
 * Sign a UserSig valid for `expireSeconds` from now (the `Clock`'s current second). The result is the plain
 * UserSig string, byte-identical to `new Api(sdkAppId, key).genSig(identifier, expireSeconds, userBuf)` of the
 * official `tls-sig-api-v2` in the same second. Invalid options fail with a {@link UserSigError}.
 *
 * @since 0.1.0
 */
export const sign = (options: SignOptions): Effect.Effect<string, UserSigError> =>
  Effect.clockWith((clock) => {
    const result = internal.signAt(options, unixSeconds(clock))
    return typeof result === "string" ? Effect.succeed(result) : Effect.fail(result)
  })

/**
 * Verify a UserSig for an app, key and user at the `Clock`'s current second and return its claims. Accepts any
 * valid zlib stream (Tencent's Go signer writes stored blocks). Fails with a {@link UserSigError} whose reason is,
 * in checking order: `Malformed`, `SdkAppIdMismatch`, `IdentifierMismatch`, `Expired` (after
 * `issuedAt + expireSeconds`), `UserBufMismatch`, `SignatureMismatch` (constant-time comparison).
 *
 * @since 0.1.0
 */
export const verify = (options: VerifyOptions): Effect.Effect<Claims, UserSigError> =>
  Effect.clockWith((clock) => {
    const result = internal.verifyAt(options, unixSeconds(clock))
    return result instanceof UserSigError ? Effect.fail(result) : Effect.succeed(result)
  })

/**
 * Check the claims of a sig verified earlier (a cache of verified sigs, say) for one more use: the identifier it is
 * for, and its expiry at `now` (Unix seconds). The same checks, reasons and messages as {@link verify}'s
 * `IdentifierMismatch` and `Expired`; `undefined` when the sig may be used.
 *
 * @since 0.1.0
 */
export const checkClaims = (
  claims: Claims,
  expected: { readonly identifier: string; readonly now: number }
): UserSigError | undefined => internal.checkClaims(claims, expected.identifier, expected.now)

/**
 * Read a UserSig's claims without verifying its signature or expiry, for diagnostics. Fails only as `Malformed`.
 *
 * @since 0.1.0
 */
export const decode = (userSig: string): Effect.Effect<Claims, UserSigError> =>
  Effect.suspend(() => {
    const doc = internal.decodeDocument(userSig)
    return doc instanceof UserSigError ? Effect.fail(doc) : Effect.succeed(doc.claims)
  })
