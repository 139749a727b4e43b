/**
 * Failures below Tencent's envelope: the request never got a decodable answer.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * Why a call got no decodable answer.
 *
 * @since 0.1.0
 */
export const Reason = Schema.Literal(
  "InvalidRequest", // the request did not encode (client-side validation)
  "Connection", // connection refused, reset or dropped
  "Timeout", // no answer within the per-attempt timeout
  "HttpStatus", // a non-2xx status (502 with an HTML body, say)
  "EmptyBody",
  "InvalidJson",
  "ResponseMismatch", // JSON that does not match the envelope or the API's response schema (nesting too deep included)
  "BodyTooLarge" // an answer longer than the client's `maxBodyBytes`: reading stopped there
)

/**
 * @since 0.1.0
 */
export type Reason = typeof Reason.Type

/**
 * A transport failure, with the API path it concerns. Never contains the UserSig or the secret key: `detail` is
 * scrubbed (see `Redaction.scrub`) before it is set.
 *
 * @since 0.1.0
 */
export class TransportError extends Schema.TaggedError<TransportError>("@effect-tim/transport/TransportError")(
  "TransportError",
  {
    reason: Reason,
    api: Schema.String,
    status: Schema.optional(Schema.Number),
    detail: Schema.String,
    /** What a 429 or 503 answer's `Retry-After` asked for, in milliseconds; the retry waits at least that long. */
    retryAfterMillis: Schema.optional(Schema.Number)
  }
) {
  override get message(): string {
    const status = this.status === undefined ? "" : ` (HTTP ${this.status})`
    return `TransportError ${this.reason}${status} calling ${this.api}: ${this.detail}`
  }
}
