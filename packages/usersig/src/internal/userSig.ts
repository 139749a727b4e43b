/**
 * Implementation of `UserSig`: input checks, signing at a given second, decoding and verifying documents.
 *
 * @internal
 */
import type * as Redacted from "effect/Redacted"
import type { Claims, SignOptions, VerifyOptions } from "../UserSig.js"
import { UserSigError } from "../UserSigError.js"
import * as codec from "./codec.js"

/** A `UserSigError` with its reason and message. @internal */
export const fail = (reason: UserSigError["reason"], message: string): UserSigError =>
  new UserSigError({ reason, message })

const identifierPattern = /^[A-Za-z0-9_-]{1,32}$/

/** The error for an sdkAppId that is not a positive integer, if it is not. @internal */
export const checkSdkAppId = (sdkAppId: number): UserSigError | undefined =>
  Number.isSafeInteger(sdkAppId) && sdkAppId > 0
    ? undefined
    : fail("InvalidSdkAppId", `sdkAppId must be a positive integer, got ${String(sdkAppId)}`)

/** The error for an empty (or non-Redacted) secret key, if it is. @internal */
export const checkSecretKey = (secretKey: Redacted.Redacted<string>): UserSigError | undefined =>
  codec.isNonEmptyKey(secretKey) ? undefined : fail("InvalidSecretKey", "secretKey must be a non-empty string")

/** The error for an identifier `sign` refuses (empty, over 32 bytes, outside `A-Z a-z 0-9 _ -`). @internal */
export const checkIdentifier = (identifier: string): UserSigError | undefined => {
  if (typeof identifier === "string" && identifierPattern.test(identifier)) return undefined
  if (typeof identifier !== "string" || identifier.length === 0) {
    return fail("InvalidIdentifier", "identifier must not be empty")
  }
  const bytes = Buffer.byteLength(identifier, "utf8")
  return bytes > 32
    ? fail("InvalidIdentifier", `identifier must be at most 32 bytes (UTF-8), got ${bytes}`)
    : fail("InvalidIdentifier", `identifier ${JSON.stringify(identifier)} may only contain A-Z a-z 0-9 _ -`)
}

/** The error for an expiry that is not a positive integer, if it is not. @internal */
export const checkExpire = (expireSeconds: number): UserSigError | undefined =>
  Number.isSafeInteger(expireSeconds) && expireSeconds > 0
    ? undefined
    : fail("InvalidExpire", `expireSeconds must be a positive integer, got ${String(expireSeconds)}`)

/** The error for the first of app, key, identifier and expiry that `sign` refuses, if one is. @internal */
export const checkSignOptions = (
  options: Pick<SignOptions, "sdkAppId" | "secretKey" | "identifier" | "expireSeconds">
): UserSigError | undefined =>
  checkSdkAppId(options.sdkAppId) ??
  checkSecretKey(options.secretKey) ??
  checkIdentifier(options.identifier) ??
  checkExpire(options.expireSeconds)

/**
 * Sign at a given Unix time in seconds, after validating the options. Pure; `sign` reads the clock and calls it.
 *
 * @internal
 */
export const signAt = (options: SignOptions, time: number): string | UserSigError => {
  const invalid = checkSignOptions(options)
  if (invalid !== undefined) return invalid
  const userBuf = options.userBuf
  const fields: codec.SigFields = {
    identifier: options.identifier,
    sdkAppId: options.sdkAppId,
    time,
    expire: options.expireSeconds,
    userBuf:
      userBuf === undefined
        ? undefined
        : Buffer.from(userBuf.buffer, userBuf.byteOffset, userBuf.byteLength).toString("base64")
  }
  const json = codec.document(fields, codec.hmac(options.secretKey, fields).toString("base64"))
  return codec.escape(codec.deflate(Buffer.from(json, "latin1")).toString("base64"))
}

/** A decoded document before any check against expectations. @internal */
export interface Document {
  readonly claims: Claims
  readonly fields: codec.SigFields
  readonly sig: Buffer
}

const malformed = (message: string) => fail("Malformed", `malformed UserSig: ${message}`)

const isInteger = (u: unknown): u is number => typeof u === "number" && Number.isSafeInteger(u)

/** Decode a UserSig into its document, without checking anything but its shape. @internal */
export const decodeDocument = (userSig: string): Document | UserSigError => {
  if (typeof userSig !== "string") return malformed("not a string")
  const compressed = codec.decodeEscaped(userSig)
  if (compressed === undefined) return malformed("not base64 in the UserSig alphabet")
  let json: string
  try {
    json = codec.inflate(compressed).toString("utf8")
  } catch {
    return malformed("not a zlib stream")
  }
  let doc: unknown
  try {
    doc = JSON.parse(json)
  } catch {
    return malformed("not JSON")
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return malformed("not a JSON object")
  const d = doc as Record<string, unknown>
  const identifier = d["TLS.identifier"]
  const sdkAppId = d["TLS.sdkappid"]
  const time = d["TLS.time"]
  const expire = d["TLS.expire"]
  const sigField = d["TLS.sig"]
  const userBufField = d["TLS.userbuf"]
  if (typeof identifier !== "string") return malformed("TLS.identifier is missing or not a string")
  if (!isInteger(sdkAppId)) return malformed("TLS.sdkappid is missing or not an integer")
  if (!isInteger(time)) return malformed("TLS.time is missing or not an integer")
  if (!isInteger(expire)) return malformed("TLS.expire is missing or not an integer")
  if (typeof sigField !== "string") return malformed("TLS.sig is missing or not a string")
  const sig = codec.decodeStandard(sigField)
  if (sig === undefined) return malformed("TLS.sig is not base64")
  let userBuf: Buffer | undefined
  if (userBufField !== undefined) {
    if (typeof userBufField !== "string") return malformed("TLS.userbuf is not a string")
    userBuf = codec.decodeStandard(userBufField)
    if (userBuf === undefined) return malformed("TLS.userbuf is not base64")
  }
  const claims: Claims = { identifier, sdkAppId, issuedAt: time, expireSeconds: expire, expiresAt: time + expire }
  return {
    claims: userBuf === undefined ? claims : { ...claims, userBuf },
    fields: { identifier, sdkAppId, time, expire, userBuf: userBufField as string | undefined },
    sig
  }
}

/**
 * The checks of a sig's identifier and expiry at `now` (Unix seconds), as `verifyAt` makes them.
 *
 * @internal
 */
export const checkClaims = (claims: Claims, identifier: string, now: number): UserSigError | undefined => {
  if (claims.identifier !== identifier) {
    return fail(
      "IdentifierMismatch",
      `UserSig is for identifier ${JSON.stringify(claims.identifier)}, expected ${JSON.stringify(identifier)}`
    )
  }
  if (now > claims.expiresAt) {
    return fail("Expired", `UserSig expired at ${claims.expiresAt} (Unix seconds), now is ${now}`)
  }
  return undefined
}

/**
 * Check a decoded document against expectations at a given Unix time in seconds, in the order of Tencent's Go
 * verifier: sdkAppId, identifier, expiry, userBuf, signature.
 *
 * @internal
 */
export const verifyAt = (options: VerifyOptions, now: number): Claims | UserSigError => {
  const invalid = checkSdkAppId(options.sdkAppId) ?? checkSecretKey(options.secretKey)
  if (invalid !== undefined) return invalid
  const doc = decodeDocument(options.userSig)
  if (doc instanceof UserSigError) return doc
  const { claims, fields } = doc
  if (claims.sdkAppId !== options.sdkAppId) {
    return fail("SdkAppIdMismatch", `UserSig is for sdkAppId ${claims.sdkAppId}, expected ${options.sdkAppId}`)
  }
  const unusable = checkClaims(claims, options.identifier, now)
  if (unusable !== undefined) return unusable
  const expectedBuf = options.userBuf
  if (expectedBuf === undefined) {
    if (claims.userBuf !== undefined) return fail("UserBufMismatch", "UserSig carries a userBuf, none was expected")
  } else if (claims.userBuf === undefined) {
    return fail("UserBufMismatch", "UserSig carries no userBuf, one was expected")
  } else if (!codec.equalBytes(claims.userBuf, expectedBuf)) {
    return fail("UserBufMismatch", "UserSig carries a different userBuf")
  }
  if (!codec.equalBytes(codec.hmac(options.secretKey, fields), doc.sig)) {
    return fail("SignatureMismatch", "UserSig signature does not match (wrong secret key or tampered content)")
  }
  return claims
}
