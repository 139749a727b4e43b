/**
 * The caching signer behind `UserSigner`: one cached sig per identifier, refreshed when less than a share of
 * its validity is left, with concurrent callers sharing one refresh.
 *
 * @internal
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type * as UserSig from "../UserSig.js"
import type { UserSigError } from "../UserSigError.js"
import type { UserSigner } from "../UserSigner.js"
import { checkSignOptions, fail } from "./userSig.js"

/** Resolved signer options. @internal */
export interface SignerOptions {
  readonly sdkAppId: number
  readonly secretKey: Redacted.Redacted<string>
  readonly identifier: string
  readonly expireSeconds: number
  readonly refreshThreshold: number
  readonly capacity: number
}

interface Entry {
  /** Prebuilt success, so the cached path allocates nothing. */
  readonly result: Effect.Effect<Redacted.Redacted<string>>
  /** Reuse while `now <= refreshAt` (epoch ms). */
  readonly refreshAt: number
}

/** Validate the options of a signer, naming the first problem. @internal */
export const validate = (options: SignerOptions): UserSigError | undefined =>
  checkSignOptions(options) ??
  (Number.isFinite(options.refreshThreshold) && options.refreshThreshold >= 0 && options.refreshThreshold < 1
    ? undefined
    : fail("InvalidOptions", `refreshThreshold must be a number in [0, 1), got ${String(options.refreshThreshold)}`)) ??
  (Number.isSafeInteger(options.capacity) && options.capacity > 0
    ? undefined
    : fail("InvalidOptions", `capacity must be a positive integer, got ${String(options.capacity)}`))

/**
 * Build a caching signer over any sign function (the real one is `UserSig.sign`; tests inject a counting one).
 *
 * @internal
 */
export const makeWith = (
  options: SignerOptions,
  signFn: (options: UserSig.SignOptions) => Effect.Effect<string, UserSigError>
): Effect.Effect<UserSigner.Service, UserSigError> =>
  Effect.suspend(() => {
    const invalid = validate(options)
    if (invalid !== undefined) return Effect.fail(invalid)
    const { capacity, expireSeconds, sdkAppId, secretKey } = options
    const admin = options.identifier
    // Re-sign once less than `refreshThreshold` of the validity is left.
    const reuseMs = Math.floor(expireSeconds * (1 - options.refreshThreshold) * 1000)
    const cache = new Map<string, Entry>()
    const inflight = new Map<string, Deferred.Deferred<Redacted.Redacted<string>, UserSigError>>()

    const store = (identifier: string, entry: Entry) => {
      cache.delete(identifier)
      cache.set(identifier, entry)
      if (cache.size > capacity) {
        const oldest = cache.keys().next()
        if (oldest.done !== true) cache.delete(oldest.value)
      }
    }

    const refresh = (identifier: string, now: number): Effect.Effect<Redacted.Redacted<string>, UserSigError> =>
      Effect.fiberIdWith((fiberId) => {
        const pending = inflight.get(identifier)
        if (pending !== undefined) return Deferred.await(pending)
        const deferred = Deferred.unsafeMake<Redacted.Redacted<string>, UserSigError>(fiberId)
        inflight.set(identifier, deferred)
        // Whole seconds, as the sig's TLS.time: the cached expiry is never later than the real one.
        const issuedAtMs = Math.floor(now / 1000) * 1000
        return signFn({ sdkAppId, secretKey, identifier, expireSeconds }).pipe(
          Effect.map((sig) => Redacted.make(sig)),
          Effect.tap((sig) => {
            store(identifier, { result: Effect.succeed(sig), refreshAt: issuedAtMs + reuseMs })
            return Effect.logDebug("UserSigner: signed a UserSig").pipe(
              Effect.annotateLogs({ identifier, expiresAt: issuedAtMs / 1000 + expireSeconds })
            )
          }),
          Effect.onExit((exit) => {
            inflight.delete(identifier)
            return Deferred.done(deferred, exit)
          }),
          Effect.uninterruptible
        )
      })

    const sign = (identifier: string = admin): Effect.Effect<Redacted.Redacted<string>, UserSigError> =>
      Effect.clockWith((clock) => {
        const now = clock.unsafeCurrentTimeMillis()
        const entry = cache.get(identifier)
        return entry !== undefined && now <= entry.refreshAt ? entry.result : refresh(identifier, now)
      })

    const invalidate = (identifier: string = admin): Effect.Effect<void> =>
      Effect.sync(() => {
        cache.delete(identifier)
      })

    return Effect.succeed<UserSigner.Service>({ sdkAppId, identifier: admin, expireSeconds, sign, invalidate })
  })
