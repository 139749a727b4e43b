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
 * The window of the limiters: one second plus a 30 ms guard. A server counts a call when it gets to it, some time
 * after the limiter let it go; two calls `limit` places apart leave a window apart, and the server still sees them a
 * second apart as long as the first is not delayed more than the guard beyond the second. The guard is that margin
 * for delivery jitter (an event-loop stall in the client, a queue in the server); its price is the ceiling of the
 * rate, 1000 / 1030 = 97.1% of the limit.
 *
 * @since 0.1.0
 */
export const defaultWindowMillis = 1030

/**
 * The default burst: 1, whatever the limit: calls are paced evenly, one every `window / limit`. A server counts a
 * call when it gets to it, and calls sent at once reach it one behind the other: the last of a burst is delayed by
 * the handling of the others, which spends the guard (see {@link defaultWindowMillis}) before the network has. Pacing
 * costs a call at most one interval (5 ms at 200 calls/s).
 *
 * @since 0.1.0
 */
export const defaultBurst = (_limit: number): number => 1

/**
 * The extra margin of a key's first `limit` calls in a process: the call `limit` places after each of them keeps
 * this much more than a window after it. The first calls open connections (TCP, TLS) and run cold code on both
 * sides, so they reach the server later than the calls a window after them, on warm connections; that difference
 * must not spend the guard. It costs once per key and process, at most this long.
 *
 * @since 0.2.0
 */
export const defaultColdMillis = 100

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
 * - a sliding window: each key keeps the release times of its last `limit` calls in a ring, and the next call may
 *   start no earlier than `window` after the call `limit` places before it, so no window ever holds more than `limit`.
 *   A release time is when the call's wait actually ended, not when it was due: a call that wakes late (a busy event
 *   loop) pushes the call `limit` places later back by as much, instead of spending the guard;
 * - pacing (GCRA): calls are spaced `window / limit` apart, with a burst of `burst` calls allowed at once.
 *
 * @since 0.1.0
 */
export const makeMemory = (options?: {
  readonly windowMillis?: number | undefined
  /** Calls let through at once before pacing applies (default `defaultBurst(limit)`; `Infinity`: window only). */
  readonly burst?: number | undefined
  /** The extra margin after a key's first `limit` calls (default {@link defaultColdMillis}; since 0.2.0). */
  readonly coldMillis?: number | undefined
}): CallLimiter.Service => {
  const windowMillis = options?.windowMillis ?? defaultWindowMillis
  const coldMillis = options?.coldMillis ?? defaultColdMillis
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
        const { times } = slots
        const slot = slots.next
        const before = times[slot] as number
        // A first-lap slot: one of the key's first `limit` calls, given the cold margin.
        const cold = before === Number.NEGATIVE_INFINITY ? coldMillis : 0
        const at = Math.max(now, before + windowMillis, slots.tat - (burst - 1) * interval)
        slots.tat = Math.max(slots.tat, at) + interval
        times[slot] = at + cold
        slots.next = slot + 1 === limit ? 0 : slot + 1
        if (at <= now) return Effect.void
        // Record when the wait really ended. Later is always safe, should the slot already hold a later call's time.
        return Effect.zipRight(
          Effect.sleep(at - now),
          Effect.sync(() => {
            const woke = clock.unsafeCurrentTimeMillis() + cold
            if (woke > (times[slot] as number)) times[slot] = woke
          })
        )
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
