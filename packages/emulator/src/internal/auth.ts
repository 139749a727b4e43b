/**
 * The checks every `/v4` request passes before its command runs, in this order: `sdkappid` present (60012) and
 * this app's (60006); `identifier` present (60025) and an app admin (60010); `usersig` present (60025) and valid
 * for this app and identifier (70003, 70014, 70013, 70001, 70009 in the verifier's order); `random` a uint32
 * (60025); `contenttype=json` (60025).
 *
 * Verified UserSigs are cached by their exact string until they expire: a cached sig is still checked for its
 * identifier and expiry on every request, only the inflate and HMAC are skipped.
 */
import { TimError } from "@effect-tim/schema"
import { UserSig, type UserSigError } from "@effect-tim/usersig"
import { Effect, type Redacted } from "effect"

/** A failed check: the error class to answer with and the info. */
export interface Rejection {
  readonly code: number
  readonly info: string
}

const reject = (cls: { readonly code: number }, info: string): Rejection => ({ code: cls.code, info })

/** The UserSig failure reasons mapped to the REST codes (spec §8). */
const codeOfReason = (reason: UserSigError.Reason): number => {
  switch (reason) {
    case "SdkAppIdMismatch":
      return TimError.UserSigSdkAppIdMismatch.code
    case "IdentifierMismatch":
      return TimError.UserSigIdentifierMismatch.code
    case "Expired":
      return TimError.UserSigExpired.code
    case "UserBufMismatch":
    case "SignatureMismatch":
      return TimError.UserSigVerificationFailed.code
    default:
      return TimError.UserSigIllegal.code
  }
}

const uint32 = /^\d{1,10}$/
const maxCacheEntries = 10_000

/** What the auth step needs. */
export interface AuthConfig {
  readonly sdkAppId: number
  readonly secretKey: Redacted.Redacted<string>
  readonly admins: ReadonlySet<string>
}

/** Builds the checker for one emulator (with its own sig cache). */
export const make = (config: AuthConfig) => {
  const cache = new Map<string, UserSig.Claims>()
  const sdkAppIdText = String(config.sdkAppId)

  /** The rejection of a cached (already verified) sig: identifier and expiry are checked on every use. */
  const checkCached = (
    cached: UserSig.Claims,
    identifier: string,
    userSig: string,
    nowSeconds: number
  ): Rejection | undefined => {
    const unusable = UserSig.checkClaims(cached, { identifier, now: nowSeconds })
    if (unusable === undefined) return undefined
    if (unusable.reason === "Expired") cache.delete(userSig)
    return { code: codeOfReason(unusable.reason), info: unusable.message }
  }

  const verifySig = (identifier: string, userSig: string): Effect.Effect<Rejection | undefined> =>
    UserSig.verify({ sdkAppId: config.sdkAppId, secretKey: config.secretKey, identifier, userSig }).pipe(
      Effect.match({
        onFailure: (error): Rejection | undefined => ({ code: codeOfReason(error.reason), info: error.message }),
        onSuccess: (claims) => {
          if (cache.size >= maxCacheEntries) cache.clear()
          cache.set(userSig, claims)
          return undefined
        }
      })
    )

  /**
   * Checks the query string of a request at the given time (Unix seconds): a rejection, or undefined when it
   * passes; an Effect only when the UserSig has to be verified (not cached yet).
   */
  const check = (
    params: URLSearchParams,
    nowSeconds: number
  ): Rejection | undefined | Effect.Effect<Rejection | undefined> => {
    const sdkAppId = params.get("sdkappid")
    if (sdkAppId === null || sdkAppId === "") return reject(TimError.SdkAppIdMissing, "sdkappid is missing")
    if (sdkAppId !== sdkAppIdText) {
      return reject(TimError.InvalidSdkAppId, `sdkappid ${JSON.stringify(sdkAppId.slice(0, 20))} is not this app's`)
    }
    const identifier = params.get("identifier")
    if (identifier === null || identifier === "") {
      return reject(TimError.InvalidUrlParameters, "identifier is missing")
    }
    if (!config.admins.has(identifier)) {
      return reject(TimError.AdminRequired, `identifier ${JSON.stringify(identifier.slice(0, 40))} is not an app admin`)
    }
    const userSig = params.get("usersig")
    if (userSig === null || userSig === "") {
      return reject(TimError.InvalidUrlParameters, "usersig is missing")
    }
    const random = params.get("random")
    const checkRest = (): Rejection | undefined => {
      if (random === null || !uint32.test(random) || Number(random) > 4294967295) {
        return reject(TimError.InvalidUrlParameters, "random must be an unsigned 32-bit integer")
      }
      const contentType = params.get("contenttype")
      if (contentType !== "json") return reject(TimError.InvalidUrlParameters, "contenttype must be json")
      return undefined
    }
    const cached = cache.get(userSig)
    if (cached !== undefined) return checkCached(cached, identifier, userSig, nowSeconds) ?? checkRest()
    return Effect.map(verifySig(identifier, userSig), (rejection) => rejection ?? checkRest())
  }

  return { check }
}
