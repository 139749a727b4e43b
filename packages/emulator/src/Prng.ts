/**
 * mulberry32: a tiny seeded PRNG. The emulator's fault injection draws from it (so a seed and a request sequence
 * always fail the same requests), and demos and tests use it to plan reproducible data.
 *
 * @since 0.1.0
 */

/**
 * A stateful generator of floats in [0, 1).
 *
 * @since 0.1.0
 */
export interface Prng {
  /** The next float in [0, 1). */
  readonly next: () => number
}

/**
 * A generator seeded with a 32-bit integer (other numbers are truncated to 32 bits); the same seed gives the same
 * sequence on every platform.
 *
 * @since 0.1.0
 */
export const make = (seed: number): Prng => {
  let a = seed >>> 0
  return {
    next: () => {
      a = (a + 0x6d2b79f5) >>> 0
      let t = a
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
  }
}
