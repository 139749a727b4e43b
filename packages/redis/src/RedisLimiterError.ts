/**
 * The one error of this package: the shared limiter could not be built. It names the server by host and port only,
 * never with the password a Redis URL may carry.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * Why the limiter could not start: `InvalidOptions` (an option is out of range or the URL is not a Redis URL) or
 * `Unavailable` (Redis did not answer within the connect timeout, refused the connection or refused the script).
 * Once started, the limiter never fails: it falls back to a local limiter (see `RedisLimiter.Options`).
 *
 * @since 0.1.0
 */
export const Reason = Schema.Literal("InvalidOptions", "Unavailable")

/**
 * The reason type of a {@link RedisLimiterError}.
 *
 * @since 0.1.0
 */
export type Reason = typeof Reason.Type

/**
 * Building the Redis limiter failed. Handle it with `Effect.catchTag("RedisLimiterError", ...)` and branch on `reason`.
 *
 * @since 0.1.0
 */
export class RedisLimiterError extends Schema.TaggedError<RedisLimiterError>("@effect-tim/redis/RedisLimiterError")(
  "RedisLimiterError",
  { reason: Reason, message: Schema.String }
) {}
