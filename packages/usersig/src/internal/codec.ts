/**
 * Wire codec of TLSSigAPIv2 UserSigs: the signed content string, the JSON document, zlib and the
 * `+→*`, `/→-`, `=→_` base64 escaping. Everything here is synchronous and throws nothing on valid input.
 *
 * @internal
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import { deflateSync, inflateSync } from "node:zlib"
import * as Redacted from "effect/Redacted"

/** Fields hashed into `TLS.sig`, as the official signers write them. @internal */
export interface SigFields {
  readonly identifier: string
  readonly sdkAppId: number
  readonly time: number
  readonly expire: number
  /** Standard base64 of the user buffer, when there is one. */
  readonly userBuf: string | undefined
}

/** The content string that is HMAC-SHA256'd: one `TLS.x:value\n` line per field. @internal */
export const content = (f: SigFields): string =>
  `TLS.identifier:${f.identifier}\nTLS.sdkappid:${f.sdkAppId}\nTLS.time:${f.time}\nTLS.expire:${f.expire}\n${
    f.userBuf === undefined ? "" : `TLS.userbuf:${f.userBuf}\n`
  }`

/** Raw 32-byte HMAC-SHA256 of the content. The only place the secret key is unwrapped. @internal */
export const hmac = (key: Redacted.Redacted<string>, f: SigFields): Buffer =>
  createHmac("sha256", Redacted.value(key)).update(content(f)).digest()

/**
 * The JSON document, byte-identical to `JSON.stringify` of the official Node signer's object (same key order:
 * ver, identifier, sdkappid, time, expire, userbuf?, sig). Only valid for identifiers that need no JSON escaping,
 * which `sign` guarantees (`A-Z a-z 0-9 _ -`); base64 never needs escaping.
 *
 * @internal
 */
export const document = (f: SigFields, sig: string): string =>
  `{"TLS.ver":"2.0","TLS.identifier":"${f.identifier}","TLS.sdkappid":${f.sdkAppId},"TLS.time":${f.time},"TLS.expire":${f.expire},${
    f.userBuf === undefined ? "" : `"TLS.userbuf":"${f.userBuf}",`
  }"TLS.sig":"${sig}"}`

/**
 * Largest input for which a 1 KiB deflate window gives the same deflate stream as the default 32 KiB one:
 * `w_size - MIN_LOOKAHEAD` = 1024 - 262. Below it every match distance fits both windows, the window never
 * slides and the hash table (sized by memLevel, unchanged) is the same, so zlib makes the same choices.
 *
 * @internal
 */
export const SMALL_WINDOW_LIMIT = 1024 - 262

// chunkSize 1 KiB: the output of a small input fits one chunk taken from Buffer's pool, instead of a fresh 16 KiB one.
const smallWindow = { windowBits: 10, chunkSize: 1024 } as const

/**
 * zlib-compress with default options (level 6, 32 KiB window), as `zlib.deflateSync` does. Small inputs are
 * deflated with a 1 KiB window, which allocates and clears far less memory per call, and the 2-byte zlib header
 * is then rewritten to the default one (`78 9c`); the deflate data and the adler32 trailer are identical. The output
 * buffer size does not change the stream.
 *
 * @internal
 */
export const deflate = (input: Buffer): Buffer => {
  if (input.length > SMALL_WINDOW_LIMIT) return deflateSync(input)
  const out = deflateSync(input, smallWindow)
  out[0] = 0x78
  out[1] = 0x9c
  return out
}

/** Largest inflated document accepted by `inflate` (a real one is about 200 bytes). @internal */
export const MAX_DOCUMENT_BYTES = 64 * 1024

const inflateOptions = { maxOutputLength: MAX_DOCUMENT_BYTES } as const

/** zlib-inflate any valid zlib stream (any level, stored blocks included); throws on corrupt input. @internal */
export const inflate = (input: Buffer): Buffer => inflateSync(input, inflateOptions)

/** Standard base64 → UserSig alphabet (`+→*`, `/→-`, `=→_`; padding kept). @internal */
export const escape = (b64: string): string => b64.replaceAll("+", "*").replaceAll("/", "-").replaceAll("=", "_")

/** UserSig alphabet → standard base64. @internal */
export const unescape = (sig: string): string => sig.replaceAll("_", "=").replaceAll("-", "/").replaceAll("*", "+")

const escapedBase64 = /^[A-Za-z0-9*-]*_{0,2}$/
const standardBase64 = /^[A-Za-z0-9+/]*={0,2}$/

/** Decode a UserSig's outer base64, strictly (alphabet and length); `undefined` when malformed. @internal */
export const decodeEscaped = (sig: string): Buffer | undefined => {
  if (sig.length === 0 || sig.length % 4 === 1 || !escapedBase64.test(sig)) return undefined
  return Buffer.from(unescape(sig), "base64")
}

/** Decode a standard base64 field (`TLS.sig`, `TLS.userbuf`), strictly; `undefined` when malformed. @internal */
export const decodeStandard = (b64: string): Buffer | undefined => {
  if (b64.length % 4 === 1 || !standardBase64.test(b64)) return undefined
  return Buffer.from(b64, "base64")
}

/** Constant-time comparison of two byte strings (false on different lengths). @internal */
export const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && timingSafeEqual(a, b)

/** Whether a secret key holds a non-empty string (checked without exposing it). @internal */
export const isNonEmptyKey = (key: Redacted.Redacted<string>): boolean => {
  if (!Redacted.isRedacted(key)) return false
  const value: unknown = Redacted.value(key)
  return typeof value === "string" && value.length > 0
}
