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

/**
 * The default burst: 2% of the limit (at least 1). Calls are otherwise paced evenly, one every `window / limit`:
 * a server counts a call when it gets to it, and a burst of N calls queued behind each other reaches it spread out,
 * so a full burst followed a window later by the next one can look like more than N calls in its window.
 *
 * @since 0.1.0
 */
export const defaultBurst = (limit: number): number => Math.max(1, Math.floor(limit / 50))

interface Slots {
  readonly times: Float64Array
  next: number
  /** The theoretical arrival time of the next call (GCRA). */
  tat: number
  /** Milliseconds between two paced calls, and calls let through at once: both follow from the limit. */
  readonly interval: number
  readonly burst: number
}

/**
 * An in-memory limiter driven by Effect's `Clock` (so `TestClock` drives it in tests), O(1) per call. Two rules:
 * - a sliding window: each key keeps the grant times of its last `limit` calls in a ring, and the next call may start
 *   no earlier than `window` after the call `limit` places before it, so no window ever holds more than `limit`;
 * - pacing (GCRA): calls are spaced `window / limit` apart, with a burst of `burst` calls allowed at once.
 *
 * @since 0.1.0
 */
export const makeMemory = (options?: {
  readonly windowMillis?: number | undefined
  /** Calls let through at once before pacing applies (default `defaultBurst(limit)`; `Infinity`: window only). */
  readonly burst?: number | undefined
}): CallLimiter.Service => {
  const windowMillis = options?.windowMillis ?? defaultWindowMillis
  const byKey = new Map<string, Slots>()
  return CallLimiter.of({
    acquire: (key, limit) =>
      Effect.clockWith((clock) => {
        const now = clock.unsafeCurrentTimeMillis()
        let slots = byKey.get(key)
        if (slots === undefined || slots.times.length !== limit) {
          slots = {
            times: new Float64Array(limit).fill(Number.NEGATIVE_INFINITY),
            next: 0,
            tat: now,
            interval: windowMillis / limit,
            burst: Math.min(limit, options?.burst ?? defaultBurst(limit))
          }
          byKey.set(key, slots)
        }
        const { burst, interval } = slots
        const oldest = slots.times[slots.next] as number
        const at = Math.max(now, oldest + windowMillis, slots.tat - (burst - 1) * interval)
        slots.tat = Math.max(slots.tat, at) + interval
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
export const layerMemory = (options?: Parameters<typeof makeMemory>[0]): Layer.Layer<CallLimiter> =>
  Layer.sync(CallLimiter, () => makeMemory(options))
