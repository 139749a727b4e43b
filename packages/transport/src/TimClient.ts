/**
 * The REST client core: one generic, typed call for every Tencent Cloud Chat API.
 *
 * @since 0.1.0
 */
import { HttpClient } from "@effect/platform"
import { type Api, Limits, type TimError } from "@effect-tim/schema"
import { type UserSigError, UserSigner } from "@effect-tim/usersig"
import type { ConfigError, Redacted, Schedule } from "effect"
import { Config, Context, Duration, Effect, Either, FiberRef, Layer, Option } from "effect"
import { dual } from "effect/Function"
import * as CallLimiter from "./CallLimiter.js"
import * as internal from "./internal/client.js"
import * as options from "./internal/options.js"
import * as retry from "./internal/retry.js"
import { OptionsError } from "./OptionsError.js"
import * as Region from "./Region.js"
import type { TransportError } from "./TransportError.js"

/**
 * What a call can fail with: the codes the API documents, the public REST codes, undocumented codes, and
 * transport failures.
 *
 * @since 0.1.0
 */
export type CallError<A extends Api.Any> = Api.ErrorOf<A> | TimError.PublicError | TimError.UnknownCode | TransportError

/**
 * The retry policy for request-level retries (and, in `friends`, per-item retries).
 *
 * @since 0.1.0
 */
export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). 1 disables retries. */
  readonly maxAttempts: number
  /** The first backoff delay (default 100 ms); each next one is `factor` times longer, with full jitter. */
  readonly baseDelay: Duration.DurationInput
  /** Growth factor of the delay (default 2). */
  readonly factor: number
  /** The time budget of all retries together (default 10 s). */
  readonly maxElapsed: Duration.DurationInput
  /** The first delay after a frequency-limit code (60007, 60011, 60018, 60019, 30540, 31707, 72010; default 1 s). */
  readonly backoffBaseDelay: Duration.DurationInput
}

/**
 * @since 0.1.0
 */
export declare namespace TimClient {
  /**
   * @since 0.1.0
   */
  export interface Service {
    /** The app this client talks to. */
    readonly sdkAppId: number
    /** The admin identifier the calls are made as. */
    readonly identifier: string
    /** The base URL, e.g. `https://adminapisgp.im.qcloud.com` (never contains credentials). */
    readonly baseUrl: string
    /** Sends one request with signing, envelope decoding, retry, rate limiting, timeout and a span. */
    readonly call: <A extends Api.Any>(
      api: A,
      request: Api.RequestOf<A>
    ) => Effect.Effect<Api.ResponseOf<A>, CallError<A>>
    /** The retry policy in force for the current fiber (the client's, or the one set with `withRetry`). */
    readonly retryPolicy: Effect.Effect<RetryPolicy | undefined>
    /**
     * Scrubs server-provided text with this client's secrets (the sigs it sent, the secret key): every run of 16+
     * characters of them is removed, then the text is shortened to `maxLength` (see `Redaction.scrub`). The client
     * already scrubs what it returns (ErrorInfo, each item's ResultInfo, error details); use it for any other
     * server text you show.
     */
    readonly scrub: (text: string, maxLength?: number) => string
  }
}

/**
 * The client service.
 *
 * @since 0.1.0
 */
export class TimClient extends Context.Tag("@effect-tim/transport/TimClient")<TimClient, TimClient.Service>() {}

/**
 * The default retry policy: 5 attempts, 100 ms base delay, factor 2, 10 s in all, 1 s after frequency-limit codes.
 *
 * @since 0.1.0
 */
export const defaultRetryPolicy: RetryPolicy = retry.defaults

/**
 * The default rate limit: 200 calls per second per API command (Tencent's documented limit).
 *
 * @since 0.1.0
 */
export const defaultRateLimit: number = Limits.defaultCallsPerSecond

/**
 * The default per-attempt timeout: 5 seconds (Tencent's backend answers within 3 s).
 *
 * @since 0.1.0
 */
export const defaultTimeout: Duration.Duration = Duration.seconds(5)

/**
 * The default body size limit: 16 MiB, far above the largest legal answer (1 000 items of a few hundred bytes).
 *
 * @since 0.1.0
 */
export const defaultMaxBodyBytes: number = 16 * 1024 * 1024

/**
 * How the client reaches Tencent and how it behaves; the credentials come from a {@link UserSigner}.
 *
 * @since 0.1.0
 */
export interface ClientOptions {
  /** The data center (default `china`). Give either `region` or `endpoint`. */
  readonly region?: Region.Region | undefined
  /** A base URL overriding the region's domain: `https://...`, or `http://` for loopback hosts (the emulator). */
  readonly endpoint?: string | undefined
  /** The retry policy (merged over {@link defaultRetryPolicy}), or `false` for no retries. */
  readonly retry?: Partial<RetryPolicy> | false | undefined
  /** Calls per second per API command (default 200); `Infinity` for no client-side limit. */
  readonly rateLimit?: number | undefined
  /** The timeout of each attempt (default 5 s). */
  readonly timeout?: Duration.DurationInput | undefined
  /** The longest answer body read, in bytes (default 16 MiB); past it the call fails with `BodyTooLarge`. */
  readonly maxBodyBytes?: number | undefined
  /**
   * More secrets to scrub from server text besides the sigs the client sends (`layer` and `layerConfig` add the
   * secret key themselves).
   */
  readonly secrets?: ReadonlyArray<Redacted.Redacted<string>> | undefined
}

/**
 * Client options plus the app's credentials, for {@link layer}.
 *
 * @since 0.1.0
 */
export interface Options extends ClientOptions, UserSigner.Options {}

const invalid = ([option, detail]: readonly [string, string]) => new OptionsError({ option, detail })

/**
 * Builds the client with the {@link UserSigner} and `HttpClient` in context; uses the {@link CallLimiter.CallLimiter}
 * in context if there is one, otherwise a fresh memory limiter. Fails with {@link OptionsError} on invalid options.
 *
 * @since 0.1.0
 */
export const make = (
  clientOptions: ClientOptions = {}
): Effect.Effect<TimClient.Service, OptionsError, UserSigner.UserSigner | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const retryInput = clientOptions.retry === false ? undefined : clientOptions.retry
    const settings = yield* Either.all({
      baseUrl: options.baseUrl(clientOptions.region, clientOptions.endpoint),
      retry: clientOptions.retry === false ? Either.right(undefined) : retry.resolve(retryInput),
      rateLimit: options.rateLimit(clientOptions.rateLimit, defaultRateLimit),
      timeoutMillis: options.timeoutMillis("timeout", clientOptions.timeout, defaultTimeout),
      maxBodyBytes: options.positiveInteger("maxBodyBytes", clientOptions.maxBodyBytes, defaultMaxBodyBytes)
    }).pipe(Either.mapLeft(invalid))
    const signer = yield* UserSigner.UserSigner
    const http = yield* HttpClient.HttpClient
    const limiter = Option.getOrElse(yield* Effect.serviceOption(CallLimiter.CallLimiter), () =>
      CallLimiter.makeMemory()
    )
    const { call, resolvePolicy, scrub } = internal.makeCall(
      {
        ...settings,
        secrets: clientOptions.secrets ?? [],
        region: clientOptions.endpoint === undefined ? (clientOptions.region ?? Region.defaultRegion) : undefined,
        retryInput
      },
      signer,
      http,
      limiter
    )
    return TimClient.of({
      sdkAppId: signer.sdkAppId,
      identifier: signer.identifier,
      baseUrl: settings.baseUrl,
      call,
      scrub,
      retryPolicy: Effect.map(FiberRef.get(internal.currentRetry), (override) => {
        const resolved = resolvePolicy(override)
        return Either.isRight(resolved) && resolved.right !== undefined ? toPolicy(resolved.right) : undefined
      })
    })
  })

const toPolicy = (resolved: retry.Resolved): RetryPolicy => ({
  maxAttempts: resolved.maxAttempts,
  baseDelay: Duration.millis(resolved.baseMillis),
  factor: resolved.factor,
  maxElapsed: Duration.millis(resolved.maxElapsedMillis),
  backoffBaseDelay: Duration.millis(resolved.backoffBaseMillis)
})

/**
 * Runs `effect` with another retry policy for its calls (merged over the client's), or none (`false`).
 *
 * @since 0.1.0
 */
export const withRetry: {
  (policy: Partial<RetryPolicy> | false): <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(effect: Effect.Effect<A, E, R>, policy: Partial<RetryPolicy> | false): Effect.Effect<A, E, R>
} = dual(2, <A, E, R>(effect: Effect.Effect<A, E, R>, policy: Partial<RetryPolicy> | false) =>
  Effect.locally(effect, internal.currentRetry, policy)
)

/**
 * Runs `effect` with another per-attempt timeout for its calls.
 *
 * @since 0.1.0
 */
export const withTimeout: {
  (timeout: Duration.DurationInput): <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(effect: Effect.Effect<A, E, R>, timeout: Duration.DurationInput): Effect.Effect<A, E, R>
} = dual(2, <A, E, R>(effect: Effect.Effect<A, E, R>, timeout: Duration.DurationInput) =>
  Effect.locally(effect, internal.currentTimeout, Duration.decode(timeout))
)

/**
 * The one retry engine as a `Schedule`, the one the client retries requests with, for retrying individual items the
 * same way. Its input is the failure: a code, a `TimError`, a `TransportError` or an array of those (the most
 * demanding wins); its output is the number of retries so far. It stops after `maxAttempts - 1` retries, and refuses
 * any retry whose delay would end past `maxElapsed` (counted from `startMillis`, by default from its first step).
 * Each delay is exponential from `baseDelay` (from `backoffBaseDelay` after a frequency-limit code or a 429) with
 * full jitter, and never shorter than the code's minimum delay or the answer's `Retry-After`.
 *
 * @since 0.1.0
 */
export const retrySchedule = (
  policy?: Partial<RetryPolicy>,
  startMillis?: number
): Schedule.Schedule<number, unknown> =>
  retry.schedule(
    Either.getOrElse(retry.resolve(policy), () => retry.resolvedDefaults),
    startMillis
  )

/**
 * A layer with a client that signs with the {@link UserSigner} in context.
 *
 * @since 0.1.0
 */
export const layerWithSigner = (
  clientOptions: ClientOptions = {}
): Layer.Layer<TimClient, OptionsError, UserSigner.UserSigner | HttpClient.HttpClient> =>
  Layer.effect(TimClient, make(clientOptions))

/**
 * A layer with a client for one app, its signer built from the same options. Fails with {@link OptionsError} or
 * `UserSigError` (invalid SDKAppID, secret key or identifier); needs an `HttpClient`.
 *
 * @since 0.1.0
 */
export const layer = (
  opts: Options
): Layer.Layer<TimClient, OptionsError | UserSigError.UserSigError, HttpClient.HttpClient> =>
  layerWithSigner({ ...opts, secrets: [...(opts.secrets ?? []), opts.secretKey] }).pipe(
    Layer.provide(UserSigner.layer(opts))
  )

/**
 * The client options read from configuration: `TIM_REGION` or `TIM_ENDPOINT`, `TIM_RATE_LIMIT` (calls per second
 * per API, `Infinity` for none) and `TIM_TIMEOUT` (a duration such as `5 seconds`), all optional; `TIM_SECRET_KEY`,
 * when set, is added to the secrets scrubbed from server text.
 *
 * @since 0.1.0
 */
export const config: Config.Config<ClientOptions> = Config.all({
  region: Config.option(Config.string("TIM_REGION")),
  endpoint: Config.option(Config.string("TIM_ENDPOINT")),
  rateLimit: Config.option(Config.number("TIM_RATE_LIMIT")),
  timeout: Config.option(Config.duration("TIM_TIMEOUT")),
  secretKey: Config.option(Config.redacted("TIM_SECRET_KEY"))
}).pipe(
  Config.map(
    (o): ClientOptions => ({
      region: Option.getOrUndefined(o.region) as Region.Region | undefined,
      endpoint: Option.getOrUndefined(o.endpoint),
      rateLimit: Option.getOrUndefined(o.rateLimit),
      timeout: Option.getOrUndefined(o.timeout),
      secrets: Option.toArray(o.secretKey)
    })
  )
)

/**
 * A layer with a client configured from the environment: the signer from `UserSigner.layerConfig()`
 * (`TIM_SDKAPPID`, `TIM_SECRET_KEY`, `TIM_IDENTIFIER` default `administrator`, `TIM_USERSIG_TTL`) and the client
 * from {@link config}; `overrides` win over the environment.
 *
 * @since 0.1.0
 */
export const layerConfig = (
  overrides: ClientOptions = {}
): Layer.Layer<TimClient, OptionsError | UserSigError.UserSigError | ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(
    TimClient,
    Effect.flatMap(config, (fromEnv) => make(mergeOptions(fromEnv, overrides)))
  ).pipe(Layer.provide(UserSigner.layerConfig()))

const mergeOptions = (base: ClientOptions, overrides: ClientOptions): ClientOptions => {
  const merged: { -readonly [K in keyof ClientOptions]: ClientOptions[K] } = { ...base }
  for (const [key, value] of Object.entries(overrides) as Array<[keyof ClientOptions, never]>) {
    if (value !== undefined) merged[key] = value
  }
  // An explicit region or endpoint replaces the other one from the environment.
  if (overrides.region !== undefined && overrides.endpoint === undefined) merged.endpoint = undefined
  if (overrides.endpoint !== undefined && overrides.region === undefined) merged.region = undefined
  // Secrets add up: the key from the environment stays scrubbed whatever else is given.
  merged.secrets = [...(base.secrets ?? []), ...(overrides.secrets ?? [])]
  return merged
}
