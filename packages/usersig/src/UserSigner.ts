/**
 * A signer for one app that hands out cached UserSigs per identifier, for REST clients: re-signs only when less
 * than a share of a sig's validity is left, or after `invalidate` (error 70001 "UserSig expired").
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as internal from "./internal/signer.js"
import * as UserSig from "./UserSig.js"
import type { UserSigError } from "./UserSigError.js"

/**
 * Options of a {@link UserSigner}.
 *
 * @since 0.1.0
 */
export interface Options {
  /** The app's SDKAppID. */
  readonly sdkAppId: number
  /** The app's secret key. */
  readonly secretKey: Redacted.Redacted<string>
  /** The app admin account that `sign()` signs for by default. Default `"administrator"`. */
  readonly identifier?: string | undefined
  /** Validity of each sig in seconds. Default 86400 (one day). */
  readonly expireSeconds?: number | undefined
  /** Re-sign once less than this share of a sig's validity is left, in [0, 1). Default 0.1. */
  readonly refreshThreshold?: number | undefined
  /** At most this many identifiers are cached (oldest signed dropped first). Default 10000. */
  readonly capacity?: number | undefined
}

/**
 * Default admin identifier.
 *
 * @since 0.1.0
 */
export const defaultIdentifier = "administrator"

/**
 * Default validity of a sig in seconds: one day.
 *
 * @since 0.1.0
 */
export const defaultExpireSeconds = 86_400

/**
 * Default share of validity left at which a cached sig is refreshed.
 *
 * @since 0.1.0
 */
export const defaultRefreshThreshold = 0.1

/**
 * Default number of identifiers kept in the cache.
 *
 * @since 0.1.0
 */
export const defaultCapacity = 10_000

/**
 * The signer service: signs for one app and caches one sig per identifier.
 *
 * @since 0.1.0
 */
export class UserSigner extends Context.Tag("@effect-tim/usersig/UserSigner")<UserSigner, UserSigner.Service>() {}

/**
 * Types of the {@link UserSigner} service.
 *
 * @since 0.1.0
 */
export declare namespace UserSigner {
  /**
   * What the signer offers.
   *
   * @since 0.1.0
   */
  export interface Service {
    /** The app every sig is for. */
    readonly sdkAppId: number
    /** The configured admin identifier, the default of `sign` and `invalidate`. */
    readonly identifier: string
    /** Validity of each new sig in seconds. */
    readonly expireSeconds: number
    /** A valid sig for `identifier` (default: the admin), from the cache when enough validity is left. */
    readonly sign: (identifier?: string) => Effect.Effect<Redacted.Redacted<string>, UserSigError>
    /** Drop the cached sig of `identifier` (default: the admin), so the next `sign` re-signs. */
    readonly invalidate: (identifier?: string) => Effect.Effect<void>
  }
}

/**
 * Build a signer from options; fails with a {@link UserSigError} naming the first invalid option.
 *
 * @since 0.1.0
 */
export const make = (options: Options): Effect.Effect<UserSigner.Service, UserSigError> =>
  internal.makeWith(
    {
      sdkAppId: options.sdkAppId,
      secretKey: options.secretKey,
      identifier: options.identifier ?? defaultIdentifier,
      expireSeconds: options.expireSeconds ?? defaultExpireSeconds,
      refreshThreshold: options.refreshThreshold ?? defaultRefreshThreshold,
      capacity: options.capacity ?? defaultCapacity
    },
    UserSig.sign
  )

/**
 * A layer with a signer built from plain options.
 *
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<UserSigner, UserSigError> =>
  Layer.effect(UserSigner, make(options))

/**
 * The signer's settings read from configuration: `TIM_SDKAPPID`, `TIM_SECRET_KEY` (redacted), `TIM_IDENTIFIER`
 * (default `administrator`) and `TIM_USERSIG_TTL` in seconds (default 86400).
 *
 * @since 0.1.0
 */
export const config: Config.Config<Options> = Config.all({
  sdkAppId: Config.integer("TIM_SDKAPPID"),
  secretKey: Config.redacted("TIM_SECRET_KEY"),
  identifier: Config.string("TIM_IDENTIFIER").pipe(Config.withDefault(defaultIdentifier)),
  expireSeconds: Config.integer("TIM_USERSIG_TTL").pipe(Config.withDefault(defaultExpireSeconds))
})

/**
 * A layer with a signer configured from the environment (see {@link config}); `overrides` sets the cache knobs.
 *
 * @since 0.1.0
 */
export const layerConfig = (
  overrides?: Pick<Options, "refreshThreshold" | "capacity">
): Layer.Layer<UserSigner, UserSigError | ConfigError.ConfigError> =>
  Layer.effect(
    UserSigner,
    Effect.flatMap(config, (options) => make({ ...options, ...overrides }))
  )

/**
 * A layer with a signer that always hands out the given sig, for tests of code that only needs a UserSig.
 *
 * @since 0.1.0
 */
export const layerStatic = (options: {
  readonly sdkAppId: number
  readonly userSig: Redacted.Redacted<string>
  readonly identifier?: string | undefined
  readonly expireSeconds?: number | undefined
}): Layer.Layer<UserSigner> =>
  Layer.succeed(
    UserSigner,
    UserSigner.of({
      sdkAppId: options.sdkAppId,
      identifier: options.identifier ?? defaultIdentifier,
      expireSeconds: options.expireSeconds ?? defaultExpireSeconds,
      sign: () => Effect.succeed(options.userSig),
      invalidate: () => Effect.void
    })
  )
