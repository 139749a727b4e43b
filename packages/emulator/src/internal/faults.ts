/**
 * Fault injection: the current settings and a seeded PRNG that decides, request by request, which faults fire.
 * Shares of 0 never fire and shares of 1 always fire without drawing, so those settings are deterministic.
 */
import { TimError } from "@effect-tim/schema"
import * as Prng from "../Prng.js"
import type { Faults } from "./model.js"

/** The mutable fault state of one emulator. */
export interface FaultState {
  current: Faults
  prng: Prng.Prng
}

/** Fault state for the given settings. */
export const make = (faults: Faults): FaultState => ({ current: faults, prng: Prng.make(faults.seed) })

/** Applies a partial update; a new seed restarts the PRNG. */
export const update = (state: FaultState, patch: Partial<Faults>): void => {
  state.current = { ...state.current, ...patch }
  if (patch.seed !== undefined) state.prng = Prng.make(patch.seed)
}

/** Whether a fault with the given share fires now. */
export const roll = (state: FaultState, share: number): boolean =>
  share <= 0 ? false : share >= 1 ? true : state.prng.next() < share

/** The retryable server error to answer with: 30006 or 30007, picked by the PRNG. */
export const serverError = (state: FaultState): typeof TimError.ServerInternalError | typeof TimError.ServerTimeout =>
  state.prng.next() < 0.5 ? TimError.ServerInternalError : TimError.ServerTimeout

/** The per-item fault for the next item: an error class, or undefined when the item is processed normally. */
export const itemFault = (
  state: FaultState
): typeof TimError.ServerInternalError | typeof TimError.ServerTimeout | undefined =>
  roll(state, state.current.itemError) ? serverError(state) : undefined
