import { Duration, Either } from "effect"
import * as Region from "../Region.js"

type Result<A> = Either.Either<A, readonly [string, string]>

const isLoopback = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname)

/** The base URL (no trailing slash) from `region` or `endpoint`. */
export const baseUrl = (region: unknown, endpoint: unknown): Result<string> => {
  if (region !== undefined && endpoint !== undefined) {
    return Either.left(["endpoint", "give either region or endpoint, not both"])
  }
  if (endpoint !== undefined) {
    if (typeof endpoint !== "string") return Either.left(["endpoint", "must be a URL string"])
    let url: URL
    try {
      url = new URL(endpoint)
    } catch {
      return Either.left(["endpoint", `${JSON.stringify(endpoint)} is not a valid URL`])
    }
    if (url.username !== "" || url.password !== "") {
      return Either.left(["endpoint", "must not contain credentials"])
    }
    if (url.search !== "" || url.hash !== "") {
      return Either.left(["endpoint", "must not contain a query or a fragment"])
    }
    if (url.protocol === "http:" && !isLoopback(url.hostname)) {
      return Either.left([
        "endpoint",
        `plain http:// is allowed only for loopback hosts (127.0.0.0/8, localhost, ::1), got ${url.hostname}; use https://`
      ])
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      return Either.left(["endpoint", `must be an https:// URL, got ${url.protocol}`])
    }
    return Either.right(`${url.origin}${url.pathname.replace(/\/+$/, "")}`)
  }
  const chosen = region ?? Region.defaultRegion
  return Region.isRegion(chosen)
    ? Either.right(Region.baseUrl(chosen))
    : Either.left(["region", `must be one of ${Region.regions.join(", ")}, got ${JSON.stringify(chosen)}`])
}

/** The rate limit: a positive integer, or `Infinity`. */
export const rateLimit = (value: unknown, fallback: number): Result<number> => {
  const limit = value ?? fallback
  return limit === Number.POSITIVE_INFINITY || (Number.isSafeInteger(limit) && (limit as number) > 0)
    ? Either.right(limit as number)
    : Either.left(["rateLimit", `must be a positive integer or Infinity, got ${String(limit)}`])
}

/** The milliseconds of a finite duration, `undefined` for anything else. */
export const finiteMillis = (value: unknown): number | undefined => {
  const duration = Duration.decodeUnknown(value)
  return duration._tag === "Some" && Duration.isFinite(duration.value) ? Duration.toMillis(duration.value) : undefined
}

/** A positive finite duration, in milliseconds. */
export const timeoutMillis = (name: string, value: unknown, fallback: Duration.DurationInput): Result<number> => {
  const millis = finiteMillis(value ?? fallback)
  return millis !== undefined && millis > 0
    ? Either.right(millis)
    : Either.left([name, `must be a positive finite duration, got ${String(value)}`])
}

/** A positive safe integer (a byte count, say). */
export const positiveInteger = (name: string, value: unknown, fallback: number): Result<number> => {
  const n = value ?? fallback
  return Number.isSafeInteger(n) && (n as number) > 0
    ? Either.right(n as number)
    : Either.left([name, `must be a positive integer, got ${String(value)}`])
}
