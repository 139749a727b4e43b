/**
 * Why a callback request was refused before any handler saw it. Each is answered with Tencent's envelope
 * (`ActionStatus: FAIL`, `ErrorCode: 1`, the tag and a short reason in `ErrorInfo`): never a stack, never the token.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * The `SdkAppid` URL parameter is missing or names another app.
 *
 * @since 0.1.0
 */
export class WrongApp extends Schema.TaggedError<WrongApp>()("WrongApp", {
  /** What the request carried (at most 32 characters of it), or undefined when it carried none. */
  received: Schema.UndefinedOr(Schema.String)
}) {
  override get message(): string {
    return this.received === undefined
      ? "the SdkAppid parameter is missing"
      : `the SdkAppid parameter ${JSON.stringify(this.received)} is not this app's`
  }
}

/**
 * The app has a callback token and the request's `Sign` is missing or does not match.
 *
 * @since 0.1.0
 */
export class BadSignature extends Schema.TaggedError<BadSignature>()("BadSignature", {
  reason: Schema.Literal("Missing", "Mismatch")
}) {
  override get message(): string {
    return this.reason === "Missing"
      ? "the Sign or RequestTime parameter is missing (the app has a callback token)"
      : "the Sign parameter does not match the callback token and RequestTime"
  }
}

/**
 * The signed `RequestTime` is outside the freshness window (an old request replayed, or a skewed clock).
 *
 * @since 0.1.0
 */
export class Stale extends Schema.TaggedError<Stale>()("Stale", {
  /** The request's time, Unix seconds. */
  requestTime: Schema.Number,
  /** The receiver's time, Unix seconds. */
  now: Schema.Number,
  /** The window, seconds either side of now. */
  windowSeconds: Schema.Number
}) {
  override get message(): string {
    return `RequestTime ${this.requestTime} is ${Math.abs(this.now - this.requestTime)} s from now, more than the ${this.windowSeconds} s allowed`
  }
}

/**
 * The same signed request (same `Sign`, same body) was already received inside the freshness window.
 *
 * @since 0.1.0
 */
export class Replayed extends Schema.TaggedError<Replayed>()("Replayed", {}) {
  override get message(): string {
    return "this signed request was already received"
  }
}

/**
 * The request cannot be read as a callback: not a POST, a body that is not a JSON object, a body that does not
 * match its command's schema, or URL and body naming different commands.
 *
 * @since 0.1.0
 */
export class Malformed extends Schema.TaggedError<Malformed>()("Malformed", {
  detail: Schema.String
}) {
  override get message(): string {
    return this.detail
  }
}

/**
 * The body is larger than the configured limit.
 *
 * @since 0.1.0
 */
export class TooLarge extends Schema.TaggedError<TooLarge>()("TooLarge", {
  maxBytes: Schema.Number
}) {
  override get message(): string {
    return `the body is larger than ${this.maxBytes} bytes`
  }
}

/**
 * Any refusal.
 *
 * @since 0.1.0
 */
export type CallbackError = WrongApp | BadSignature | Stale | Replayed | Malformed | TooLarge
