/**
 * The client-side rate limiter: at most N calls per second per key (the client uses one key per app and API
 * command). Calls over the limit wait for their slot; they never fail. The interface is small so that a store shared
 * between processes can replace the in-memory one.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"

/**
 * @since 0.1.0
 */
export declare namespace CallLimiter {
  /**
   * @since 0.1.0
   */
  export interface Service {
    /**
     * Waits until one more call under `key` keeps it within `limit` calls per window, and reserves that slot.
     * `limit` is a positive integer; callers skip the limiter altogether when unlimited.
     */
    readonly acquire: (key: string, limit: number) => Effect.Effect<void>
  }
}

/**
 * The limiter service. `TimClient` uses the one in its context if there is one, otherwise its own memory limiter.
 *
 * @since 0.1.0
 */
export class CallLimiter extends Context.Tag("@effect-tim/transport/CallLimiter")<CallLimiter, CallLimiter.Service>() {}

/**
 * The window of the memory limiter: one second plus a 2% guard, so that the jitter between sending a call and the
 * server receiving it does not push a server-side sliding one-second window over its limit.
 *
 * @since 0.1.0
 */
export const defaultWindowMillis = 1020

interface Slots {
  readonly times: Float64Array
  next: number
}

/**
 * An in-memory limiter over a sliding window, driven by Effect's `Clock` (so `TestClock` drives it in tests).
 *
 * Each key keeps the grant times of its last `limit` calls in a ring: the next call may start no earlier than
 * `window` after the call `limit` places before it, so no window of that length ever holds more than `limit`
 * starts, and a full burst of `limit` calls goes at once. O(1) per call.
 *
 * @since 0.1.0
 */
export const makeMemory = (options?: { readonly windowMillis?: number | undefined }): CallLimiter.Service => {
  const windowMillis = options?.windowMillis ?? defaultWindowMillis
  const byKey = new Map<string, Slots>()
  return CallLimiter.of({
    acquire: (key, limit) =>
      Effect.clockWith((clock) => {
        const now = clock.unsafeCurrentTimeMillis()
        let slots = byKey.get(key)
        if (slots === undefined || slots.times.length !== limit) {
          slots = { times: new Float64Array(limit).fill(Number.NEGATIVE_INFINITY), next: 0 }
          byKey.set(key, slots)
        }
        const oldest = slots.times[slots.next] as number
        const at = Math.max(now, oldest + windowMillis)
        slots.times[slots.next] = at
        slots.next = slots.next + 1 === limit ? 0 : slots.next + 1
        return at > now ? Effect.sleep(at - now) : Effect.void
      })
  })
}

/**
 * A layer with a fresh memory limiter.
 *
 * @since 0.1.0
 */
export const layerMemory = (options?: { readonly windowMillis?: number | undefined }): Layer.Layer<CallLimiter> =>
  Layer.sync(CallLimiter, () => makeMemory(options))
