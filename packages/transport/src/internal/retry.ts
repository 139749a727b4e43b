import { Duration, Either } from "effect"
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
