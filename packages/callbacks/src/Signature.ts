/**
 * Callback authentication. When the app has configured a callback token (console, or REST
 * `set_callback_token`), Tencent adds two URL parameters to every callback: `RequestTime` (Unix seconds) and
 * `Sign`, the lowercase hex SHA-256 of the token followed by `RequestTime` as decimal text.
 *
 * Source: the "Security Considerations" section of Tencent's Third-Party Callback Overview (1047/34354; 269/32431 in
 * Chinese). That section could not be read in full while this was written; the algorithm above is the one several
 * independent receivers implement against it, and the 60-second window is the one they use. The signature covers
 * the token and the time only, not the body: inside the window a captured request can be replayed. A receiver can
 * also refuse a second request with the same `Sign` and body ({@link ReplayGuard}, opt-in: genuine identical
 * callbacks in one second look the same).
 *
 * @since 0.1.0
 */
import { createHash, timingSafeEqual } from "node:crypto"
import { Callback } from "@effect-tim/schema"
import { CallbackToken } from "@effect-tim/usersig"
import { Either, type Redacted } from "effect"
import { BadSignature, type CallbackError, Malformed, Stale, WrongApp } from "./CallbackError.js"

/**
 * The `Sign` of a request made at `requestTime` (Unix seconds): `CallbackToken.sign` of `@effect-tim/usersig`, the
 * one implementation the emulator signs with too.
 *
 * @since 0.1.0
 */
export const sign: (token: Redacted.Redacted<string>, requestTime: number) => string = CallbackToken.sign

/**
 * The URL parameters that make a signed callback request: `SdkAppid`, `CallbackCommand`, `contenttype`,
 * `ClientIP`, `OptPlatform`, and `Sign` and `RequestTime` when there is a token.
 *
 * @since 0.1.0
 */
export const queryParams = (options: {
  readonly sdkAppId: number
  readonly command: string
  readonly token?: Redacted.Redacted<string> | undefined
  readonly nowSeconds: number
  readonly clientIp?: string | undefined
  readonly optPlatform?: string | undefined
}): URLSearchParams => {
  const params = new URLSearchParams({
    [Callback.QueryParams.sdkAppId]: String(options.sdkAppId),
    [Callback.QueryParams.command]: options.command,
    [Callback.QueryParams.contentType]: "json",
    [Callback.QueryParams.clientIp]: options.clientIp ?? "127.0.0.1",
    [Callback.QueryParams.optPlatform]: options.optPlatform ?? "RESTAPI"
  })
  if (options.token !== undefined) {
    params.set(Callback.QueryParams.requestTime, String(options.nowSeconds))
    params.set(Callback.QueryParams.sign, sign(options.token, options.nowSeconds))
  }
  return params
}

/**
 * What the receiver checks: its SDKAppID, its token (none: no signature check) and the window.
 *
 * @since 0.1.0
 */
export interface VerifyOptions {
  readonly sdkAppId: number
  readonly token?: Redacted.Redacted<string> | undefined
  /** Seconds either side of now a `RequestTime` may be (default 60). */
  readonly windowSeconds?: number | undefined
}

/**
 * The default freshness window, in seconds.
 *
 * @since 0.1.0
 */
export const defaultWindowSeconds = 60

/**
 * The verified URL parameters.
 *
 * @since 0.1.0
 */
export interface Verified {
  readonly sdkAppId: number
  /** The `CallbackCommand` parameter, if present. */
  readonly command: string | undefined
  readonly clientIp: string | undefined
  readonly optPlatform: string | undefined
  /** Unix seconds, when signed. */
  readonly requestTime: number | undefined
  /** The `Sign`, when signed (for replay detection). */
  readonly sign: string | undefined
}

const hex64 = /^[0-9a-fA-F]{64}$/
const digits = /^[0-9]{1,12}$/

const clip = (s: string) => (s.length > 32 ? `${s.slice(0, 32)}…` : s)

/**
 * Checks a request's URL parameters: the app (`SdkAppid`), then, with a token, the signature (compared in
 * constant time) and the freshness of `RequestTime`.
 *
 * @since 0.1.0
 */
export const verify = (
  params: URLSearchParams,
  options: VerifyOptions,
  nowSeconds: number
): Either.Either<Verified, CallbackError> => {
  const app = params.get(Callback.QueryParams.sdkAppId)
  if (app === null || app !== String(options.sdkAppId)) {
    return Either.left(new WrongApp({ received: app === null ? undefined : clip(app) }))
  }
  const base = {
    sdkAppId: options.sdkAppId,
    command: params.get(Callback.QueryParams.command) ?? undefined,
    clientIp: params.get(Callback.QueryParams.clientIp) ?? undefined,
    optPlatform: params.get(Callback.QueryParams.optPlatform) ?? undefined
  }
  if (options.token === undefined) return Either.right({ ...base, requestTime: undefined, sign: undefined })
  const given = params.get(Callback.QueryParams.sign)
  const time = params.get(Callback.QueryParams.requestTime)
  if (given === null || time === null) return Either.left(new BadSignature({ reason: "Missing" }))
  if (!digits.test(time)) {
    return Either.left(new Malformed({ detail: "the RequestTime parameter is not Unix seconds" }))
  }
  const requestTime = Number(time)
  // Both sides are 32 bytes before the comparison, so its time does not depend on where they differ.
  const expected = Buffer.from(sign(options.token, requestTime), "hex")
  const received = hex64.test(given) ? Buffer.from(given, "hex") : Buffer.alloc(32)
  if (!timingSafeEqual(expected, received) || !hex64.test(given)) {
    return Either.left(new BadSignature({ reason: "Mismatch" }))
  }
  const windowSeconds = options.windowSeconds ?? defaultWindowSeconds
  if (Math.abs(nowSeconds - requestTime) > windowSeconds) {
    return Either.left(new Stale({ requestTime, now: nowSeconds, windowSeconds }))
  }
  return Either.right({ ...base, requestTime, sign: given.toLowerCase() })
}

/**
 * Remembers the signed requests seen inside the window (by `Sign` and a hash of the body) and refuses a second
 * one. Bounded: at most `maxEntries` remembered, the oldest forgotten first.
 *
 * @since 0.1.0
 */
export interface ReplayGuard {
  /** True when this request is new (and remembers it); false when it was already seen. */
  readonly admit: (sign: string, body: Uint8Array, requestTime: number, nowSeconds: number) => boolean
}

/**
 * A replay guard for one receiver.
 *
 * @since 0.1.0
 */
export const makeReplayGuard = (windowSeconds = defaultWindowSeconds, maxEntries = 100_000): ReplayGuard => {
  // Insertion order is expiry order only roughly (requestTime varies); expired entries are dropped from the front.
  const seen = new Map<string, number>()
  return {
    admit: (signature, body, requestTime, nowSeconds) => {
      for (const [key, expires] of seen) {
        if (expires >= nowSeconds && seen.size < maxEntries) break
        seen.delete(key)
      }
      const key = `${signature}:${createHash("sha256").update(body).digest("base64")}`
      if (seen.has(key)) return false
      seen.set(key, requestTime + windowSeconds)
      return true
    }
  }
}
