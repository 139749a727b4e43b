import { TimError } from "@effect-tim/schema"
import { Duration, Effect, Either, Random, Schedule, ScheduleDecision, ScheduleInterval } from "effect"
import type { RetryPolicy } from "../TimClient.js"
import { finiteMillis } from "./options.js"

/** A retry policy in milliseconds, validated. */
export interface Resolved {
  readonly maxAttempts: number
  readonly baseMillis: number
  readonly factor: number
  readonly maxElapsedMillis: number
  readonly backoffBaseMillis: number
}

export const defaults: RetryPolicy = {
  maxAttempts: 5,
  baseDelay: Duration.millis(100),
  factor: 2,
  maxElapsed: Duration.seconds(10),
  backoffBaseDelay: Duration.seconds(1)
}

const millisOf = (name: string, input: Duration.DurationInput): Either.Either<number, readonly [string, string]> => {
  const millis = finiteMillis(input)
  return millis === undefined
    ? Either.left([name, `must be a finite duration, got ${String(input)}`])
    : Either.right(millis)
}

/** Merges `layers` over the defaults and checks every field; the left side is `[option, reason]`. */
export const resolve = (
  ...layers: ReadonlyArray<Partial<RetryPolicy> | undefined>
): Either.Either<Resolved, readonly [string, string]> => {
  let merged: RetryPolicy = defaults
  for (const layer of layers) if (layer !== undefined) merged = { ...merged, ...layer }
  const { factor, maxAttempts } = merged
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    return Either.left(["retry.maxAttempts", `must be an integer ≥ 1, got ${String(maxAttempts)}`])
  }
  if (typeof factor !== "number" || !Number.isFinite(factor) || factor < 1) {
    return Either.left(["retry.factor", `must be a finite number ≥ 1, got ${String(factor)}`])
  }
  return Either.all([
    millisOf("retry.baseDelay", merged.baseDelay),
    millisOf("retry.maxElapsed", merged.maxElapsed),
    millisOf("retry.backoffBaseDelay", merged.backoffBaseDelay)
  ]).pipe(
    Either.map(([baseMillis, maxElapsedMillis, backoffBaseMillis]) => ({
      maxAttempts,
      factor,
      baseMillis,
      maxElapsedMillis,
      backoffBaseMillis
    }))
  )
}

/** {@link defaults}, resolved. */
export const resolvedDefaults: Resolved = Either.getOrThrow(resolve())

/** Exponential backoff with full jitter: a uniform delay in [0, base × factor^retry), `random` in [0, 1). */
export const jitteredDelay = (baseMillis: number, factor: number, retry: number, random: number): number =>
  Math.floor(baseMillis * factor ** retry * random)

/** What the engine needs of a failure: whether it calls for the longer base, and the least delay it asks for. */
export interface Demand {
  readonly backoff: boolean
  readonly minDelayMillis: number
}

const none: Demand = { backoff: false, minDelayMillis: 0 }

const ofCode = (code: number): Demand => ({
  backoff: TimError.retryClassOf(code) === "backoff",
  minDelayMillis: TimError.minRetryDelayOf(code)
})

/**
 * The demand of a schedule input: a code, a `TimError` (anything with a numeric `code`), a `TransportError` (its
 * `Retry-After`; a 429 calls for the longer base), or an array of those (the most demanding of each).
 */
export const demandOf = (input: unknown): Demand => {
  if (typeof input === "number") return ofCode(input)
  if (Array.isArray(input)) {
    let backoff = false
    let minDelayMillis = 0
    for (const item of input) {
      const d = demandOf(item)
      backoff ||= d.backoff
      minDelayMillis = Math.max(minDelayMillis, d.minDelayMillis)
    }
    return { backoff, minDelayMillis }
  }
  if (typeof input === "object" && input !== null) {
    const e = input as { readonly _tag?: unknown; readonly code?: unknown; readonly status?: unknown }
    if (e._tag === "TransportError") {
      const retryAfter = (input as { readonly retryAfterMillis?: unknown }).retryAfterMillis
      return {
        backoff: e.status === 429,
        minDelayMillis: typeof retryAfter === "number" && retryAfter > 0 ? retryAfter : 0
      }
    }
    if (typeof e.code === "number") return ofCode(e.code)
  }
  return none
}

interface State {
  readonly startMillis: number | undefined
  readonly retries: number
}

/**
 * The one retry engine, for request-level and per-item retries alike. Each step takes the failure (see
 * {@link demandOf}) and answers the number of retries so far, or stops:
 * - at most `maxAttempts - 1` retries;
 * - the delay is exponential from `baseMillis` (`backoffBaseMillis` after a frequency-limit code or a 429) with full
 *   jitter, and at least the code's minimum delay or the answer's `Retry-After`;
 * - no retry whose delay would end past `maxElapsedMillis` after `startMillis` (default: the first step).
 */
export const schedule = (policy: Resolved, startMillis?: number): Schedule.Schedule<number, unknown> =>
  Schedule.makeWithState<State, unknown, number>({ startMillis, retries: 0 }, (now, input, state) => {
    if (state.retries + 1 >= policy.maxAttempts) return Effect.succeed([state, state.retries, ScheduleDecision.done])
    return Effect.map(Random.next, (random) => {
      const start = state.startMillis ?? now
      const demand = demandOf(input)
      const base = demand.backoff ? policy.backoffBaseMillis : policy.baseMillis
      const delay = Math.max(jitteredDelay(base, policy.factor, state.retries, random), demand.minDelayMillis)
      if (now - start + delay > policy.maxElapsedMillis) {
        return [state, state.retries, ScheduleDecision.done] as const
      }
      const next: State = { startMillis: start, retries: state.retries + 1 }
      return [next, next.retries, ScheduleDecision.continueWith(ScheduleInterval.after(now + delay))] as const
    })
  })
