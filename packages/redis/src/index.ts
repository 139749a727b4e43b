/**
 * @since 0.1.0
 */

/**
 * Transport's `CallLimiter` backed by Redis: one app's calls-per-second budget shared by any number of processes.
 *
 * @since 0.1.0
 */
export * as RedisLimiter from "./RedisLimiter.js"

/**
 * The error of building the Redis limiter.
 *
 * @since 0.1.0
 */
export * as RedisLimiterError from "./RedisLimiterError.js"
