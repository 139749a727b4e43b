/**
 * mulberry32: a tiny seeded PRNG, so that fault injection is reproducible for a given seed and request sequence.
 */

/** A stateful generator of floats in [0, 1). */
export interface Prng {
  readonly next: () => number
}

/** A generator seeded with a 32-bit integer (other numbers are truncated to 32 bits). */
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
