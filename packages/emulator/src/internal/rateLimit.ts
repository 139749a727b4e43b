/**
 * A sliding one-second window per API command: at most `limit` accepted calls in any 1000 ms.
 */

/** Accepts or refuses calls for one key at a given time in milliseconds. */
export interface SlidingWindow {
  /** True when the call is accepted (and counted); refused calls are not counted. */
  readonly tryAcquire: (nowMillis: number) => boolean
}

/** A window of `limit` calls per second; `limit <= 0` accepts everything. */
export const make = (limit: number): SlidingWindow => {
  if (!(limit > 0) || !Number.isFinite(limit)) return { tryAcquire: () => true }
  const size = Math.floor(limit)
  // A ring of the last `size` accepted call times; the oldest is at `next` once full.
  const times = new Float64Array(size)
  let count = 0
  let next = 0
  return {
    tryAcquire: (now) => {
      if (count < size) {
        times[count++] = now
        return true
      }
      if (now - times[next]! < 1000) return false
      times[next] = now
      next = (next + 1) % size
      return true
    }
  }
}
