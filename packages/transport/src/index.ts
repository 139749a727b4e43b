/**
 * @since 0.1.0
 */

/**
 * A client-side rate limiter per API command, with an in-memory implementation.
 *
 * @since 0.1.0
 */
export * as CallLimiter from "./CallLimiter.js"

/**
 * The error of invalid client options.
 *
 * @since 0.1.0
 */
export * as OptionsError from "./OptionsError.js"
/**
 * Scrubbing secrets (the UserSig, the secret key) out of text a server sent back.
 *
 * @since 0.1.0
 */
export * as Redaction from "./Redaction.js"
/**
 * Data centers and their REST domains.
 *
 * @since 0.1.0
 */
export * as Region from "./Region.js"
/**
 * The REST client: signing, envelope, typed errors, retry, rate limiting, timeouts, tracing.
 *
 * @since 0.1.0
 */
export * as TimClient from "./TimClient.js"
/**
 * Failures below Tencent's envelope.
 *
 * @since 0.1.0
 */
export * as TransportError from "./TransportError.js"
