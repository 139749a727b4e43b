/**
 * The connection options every API command accepts (defined once, put on each leaf command so they can follow
 * the command's name in any order), and the layer they select: a remote app, or the embedded emulator.
 */
import * as path from "node:path"
import { Options } from "@effect/cli"
import { FileSystem, HttpClient } from "@effect/platform"
import type { PlatformError } from "@effect/platform/Error"
import type { Emulator, EmulatorError } from "@effect-tim/emulator"
import { Friends } from "@effect-tim/friends"
import type { RedisLimiterError } from "@effect-tim/redis"
import { type OptionsError, Region, TimClient } from "@effect-tim/transport"
import { type UserSigError, UserSigner } from "@effect-tim/usersig"
import { Config, Console, Duration, Effect, Layer, Option, Redacted } from "effect"
import { UsageError } from "./errors.js"
import * as Lazy from "./lazy.js"

/**
 * The embedded emulator's app, used when no connection is configured: the emulator's built-in test app
 * (`Emulator.testDefaults`), the one default secret shared with `tim emulator` and the emulator's test kit.
 */
export const embedded = {
  // Emulator.testDefaults' values, written out so that start-up does not load the emulator (test/Startup.test.ts
  // checks that they agree).
  sdkAppId: 1400000000,
  secretKey: Redacted.make("effect-tim-test-secret"),
  identifier: UserSigner.defaultIdentifier,
  stateFile: ".tim/emulator.json"
} as const

const text = (name: string, placeholder: string, env: string, description: string) =>
  Options.text(name).pipe(
    Options.withPseudoName(placeholder),
    Options.withDescription(description),
    Options.withFallbackConfig(Config.string(env)),
    Options.optional
  )

/** Options that select the app and shape the output; shared by every API command (help shows each variable). */
export const options = {
  endpoint: text("endpoint", "URL", "TIM_ENDPOINT", "base URL of the REST API, e.g. http://127.0.0.1:5000"),
  region: text("region", "NAME", "TIM_REGION", "Tencent region name, e.g. singapore (instead of --endpoint)"),
  sdkAppId: Options.integer("sdkappid").pipe(
    Options.withDescription("the app's SDKAppID"),
    Options.withFallbackConfig(Config.integer("TIM_SDKAPPID")),
    Options.optional
  ),
  identifier: text("identifier", "ID", "TIM_IDENTIFIER", "the App admin identifier (default administrator)"),
  secretKey: Options.redacted("secret-key").pipe(
    Options.withDescription("the app's secret key; prefer the variable (a command line is visible to other users)"),
    Options.withFallbackConfig(Config.redacted("TIM_SECRET_KEY")),
    Options.optional
  ),
  json: Options.boolean("json").pipe(Options.withDescription("print one JSON object on stdout")),
  rateLimit: Options.integer("rate-limit").pipe(
    Options.withDescription(`calls per second per API (default ${TimClient.defaultRateLimit}; 0 = unlimited)`),
    Options.withDefault(TimClient.defaultRateLimit)
  ),
  retrySeconds: Options.float("retry-seconds").pipe(
    Options.withPseudoName("S"),
    Options.withDescription(
      `how long one call may keep being retried, in seconds (default ${Duration.toSeconds(TimClient.defaultRetryPolicy.maxElapsed)}; 0 = no retries)`
    ),
    Options.withFallbackConfig(Config.number("TIM_RETRY_SECONDS")),
    Options.optional
  ),
  concurrency: Options.integer("concurrency").pipe(
    Options.withDescription(`accounts (or file chunks) processed concurrently (default ${Friends.defaultConcurrency})`),
    Options.withDefault(Friends.defaultConcurrency)
  ),
  redis: Options.redacted("redis").pipe(
    Options.withDescription(
      "share the app's rate limit with other processes through Redis, e.g. redis://host:6379 (or TIM_REDIS_URL)"
    ),
    Options.withFallbackConfig(Config.redacted("TIM_REDIS_URL")),
    Options.optional
  )
}

/** The parsed connection options. */
export interface Connection {
  readonly endpoint: Option.Option<string>
  readonly region: Option.Option<string>
  readonly sdkAppId: Option.Option<number>
  readonly identifier: Option.Option<string>
  readonly secretKey: Option.Option<Redacted.Redacted<string>>
  readonly json: boolean
  readonly rateLimit: number
  readonly retrySeconds: Option.Option<number>
  readonly concurrency: number
  readonly redis: Option.Option<Redacted.Redacted<string>>
}

/** Where the commands go. */
export type Target =
  | { readonly _tag: "Embedded" }
  | {
      readonly _tag: "Remote"
      readonly sdkAppId: number
      readonly secretKey: Redacted.Redacted<string>
      readonly identifier: string
      readonly endpoint: string | undefined
      readonly region: Region.Region | undefined
    }

/** Picks the target: the embedded emulator when nothing is set, otherwise a complete remote configuration. */
export const target = (c: Connection): Effect.Effect<Target, UsageError> => {
  if (c.rateLimit < 0) return Effect.fail(new UsageError({ message: "--rate-limit must be 0 (unlimited) or more" }))
  if (Option.isSome(c.retrySeconds) && !(c.retrySeconds.value >= 0 && Number.isFinite(c.retrySeconds.value))) {
    return Effect.fail(
      new UsageError({ message: "--retry-seconds (TIM_RETRY_SECONDS) must be 0 (no retries) or more" })
    )
  }
  if (c.concurrency < 1) return Effect.fail(new UsageError({ message: "--concurrency must be at least 1" }))
  if (Option.isSome(c.redis) && c.rateLimit === 0) {
    return Effect.fail(new UsageError({ message: "--redis (TIM_REDIS_URL) shares a rate limit: give one, not 0" }))
  }
  const any = [c.endpoint, c.region, c.sdkAppId, c.identifier, c.secretKey].some((o: Option.Option<unknown>) =>
    Option.isSome(o)
  )
  if (!any) return Effect.succeed({ _tag: "Embedded" })
  if (Option.isSome(c.endpoint) && Option.isSome(c.region)) {
    return Effect.fail(new UsageError({ message: "give --endpoint (TIM_ENDPOINT) or --region (TIM_REGION), not both" }))
  }
  if (Option.isSome(c.region) && !Region.isRegion(c.region.value)) {
    return Effect.fail(
      new UsageError({
        message: `unknown region ${JSON.stringify(c.region.value)} (known: ${Region.regions.join(", ")})`
      })
    )
  }
  if (Option.isNone(c.sdkAppId) || Option.isNone(c.secretKey)) {
    const missing = [
      Option.isNone(c.sdkAppId) ? "--sdkappid (TIM_SDKAPPID)" : undefined,
      Option.isNone(c.secretKey) ? "--secret-key (TIM_SECRET_KEY)" : undefined
    ].filter((s) => s !== undefined)
    return Effect.fail(
      new UsageError({
        message: `a connection is partly configured: missing ${missing.join(" and ")} (set none of them to use the embedded emulator)`
      })
    )
  }
  return Effect.succeed({
    _tag: "Remote",
    sdkAppId: c.sdkAppId.value,
    secretKey: c.secretKey.value,
    identifier: Option.getOrElse(c.identifier, () => UserSigner.defaultIdentifier),
    endpoint: Option.getOrUndefined(c.endpoint),
    region: Option.getOrUndefined(Option.filter(c.region, Region.isRegion))
  })
}

/**
 * What a target is, as a journal records it: the endpoint or region, the app and the admin, or the embedded
 * emulator's state file (never the secret key).
 */
export const describeTarget = (t: Target): Record<string, unknown> =>
  t._tag === "Embedded"
    ? { embedded: path.resolve(embedded.stateFile) }
    : {
        ...(t.endpoint !== undefined ? { endpoint: t.endpoint } : { region: t.region }),
        sdkAppId: t.sdkAppId,
        identifier: t.identifier
      }

/** Counts the HTTP requests sent through the client (the demo's calls/s). */
export class CallCounter {
  calls = 0
}

/** The HTTP client `tim` uses, counting requests into `counter` when given. */
export const httpLayer = (counter?: CallCounter): Layer.Layer<HttpClient.HttpClient> => {
  const undici = Layer.unwrapEffect(Effect.map(Lazy.nodeHttpClient, (m) => m.layerUndici))
  return counter === undefined
    ? undici
    : Layer.effect(
        HttpClient.HttpClient,
        Effect.map(
          HttpClient.HttpClient,
          HttpClient.tapRequest(() =>
            Effect.sync(() => {
              counter.calls++
            })
          )
        )
      ).pipe(Layer.provide(undici))
}

const clientRateLimit = (perSecond: number) => (perSecond === 0 ? Number.POSITIVE_INFINITY : perSecond)

/** The client's retry policy for `--retry-seconds`: the default when not given, none for 0, else that budget. */
export const retryPolicy = (seconds: Option.Option<number>): Partial<TimClient.RetryPolicy> | false | undefined =>
  Option.match(seconds, {
    onNone: () => undefined,
    onSome: (s) => (s === 0 ? false : { maxElapsed: Duration.millis(Math.round(s * 1000)) })
  })

/** The client layer for a remote target, or for an emulator at `baseUrl`. */
export const clientLayer = (
  options: {
    readonly sdkAppId: number
    readonly secretKey: Redacted.Redacted<string>
    readonly identifier: string
    readonly endpoint?: string | undefined
    readonly region?: Region.Region | undefined
    readonly rateLimit: number
    readonly retry?: Partial<TimClient.RetryPolicy> | false | undefined
  },
  counter?: CallCounter
): Layer.Layer<TimClient.TimClient, OptionsError.OptionsError | UserSigError.UserSigError> =>
  TimClient.layer({
    sdkAppId: options.sdkAppId,
    secretKey: options.secretKey,
    identifier: options.identifier,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.region !== undefined ? { region: options.region } : {}),
    rateLimit: clientRateLimit(options.rateLimit),
    ...(options.retry !== undefined ? { retry: options.retry } : {})
  }).pipe(Layer.provide(httpLayer(counter)))

/**
 * With `--redis`, the client's rate limit shared through Redis (`@effect-tim/redis`, loaded only then): the client
 * takes the `CallLimiter` it finds while it is built.
 */
const sharedLimit = <E, R>(
  client: Layer.Layer<TimClient.TimClient, E, R>,
  redis: Option.Option<Redacted.Redacted<string>>
): Layer.Layer<TimClient.TimClient, E | RedisLimiterError.RedisLimiterError, R> =>
  Option.match(redis, {
    onNone: () => client,
    onSome: (url) =>
      Layer.provide(
        client,
        Layer.unwrapEffect(Effect.map(Lazy.redis, ({ RedisLimiter }) => RedisLimiter.layer({ url })))
      )
  })

/**
 * The emulator's test kit (`TestKit.layer`, loaded only now) as `tim` runs it: an emulator of the built-in test app
 * on a free loopback port and a client signed as its admin, with `rateLimit` the client's (0 = unlimited) and the
 * HTTP requests counted into `counter` when given. The same layer users test their own code with.
 */
export const embeddedKit = (
  options: {
    readonly emulator: Partial<Emulator.Options>
    readonly rateLimit: number
    readonly retry?: Partial<TimClient.RetryPolicy> | false | undefined
  },
  counter?: CallCounter
): Layer.Layer<
  Emulator.Emulator | TimClient.TimClient,
  EmulatorError.EmulatorError | OptionsError.OptionsError | UserSigError.UserSigError
> =>
  Layer.unwrapEffect(
    Effect.map(Lazy.emulator, ({ TestKit }) =>
      TestKit.layer({
        emulator: options.emulator,
        client: {
          rateLimit: clientRateLimit(options.rateLimit),
          ...(options.retry !== undefined ? { retry: options.retry } : {})
        },
        httpClient: httpLayer(counter)
      })
    )
  )

/** How long a `tim` run waits for another one using the embedded state file (it says so on stderr after 1 s). */
const embeddedLockWait = "10 minutes"

/**
 * The embedded emulator with its state file in `./.tim/` (said once on stderr) and a client of it; `rateLimit`
 * applies to both (0 = unlimited), `retry` to the client.
 */
export const embeddedLayer = ({
  rateLimit,
  retry
}: {
  readonly rateLimit: number
  readonly retry?: Partial<TimClient.RetryPolicy> | false | undefined
}): Layer.Layer<
  Emulator.Emulator | TimClient.TimClient,
  EmulatorError.EmulatorError | PlatformError | OptionsError.OptionsError | UserSigError.UserSigError,
  FileSystem.FileSystem
> =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      yield* fs.makeDirectory(".tim", { recursive: true })
      yield* Console.error(
        `tim: no connection configured: using the embedded emulator (state in ./${embedded.stateFile}); set TIM_ENDPOINT or TIM_REGION, TIM_SDKAPPID and TIM_SECRET_KEY for a real app`
      )
      // Parallel `tim` runs take turns on the state file (each waits for the lock) instead of losing writes.
      return embeddedKit({
        emulator: { stateFile: embedded.stateFile, stateFileLockWait: embeddedLockWait, rateLimit },
        rateLimit,
        retry
      })
    })
  )

/** Why a connection could not be set up. */
export type ConnectionError =
  | UsageError
  | EmulatorError.EmulatorError
  | PlatformError
  | OptionsError.OptionsError
  | UserSigError.UserSigError
  | RedisLimiterError.RedisLimiterError

/** `TimClient` and `Friends` for the chosen target. */
export const layer = (
  c: Connection
): Layer.Layer<Friends.Friends | TimClient.TimClient, ConnectionError, FileSystem.FileSystem> =>
  Layer.unwrapEffect(
    Effect.map(target(c), (t) => {
      const retry = retryPolicy(c.retrySeconds)
      const client: Layer.Layer<TimClient.TimClient, ConnectionError, FileSystem.FileSystem> =
        t._tag === "Remote"
          ? sharedLimit(clientLayer({ ...t, rateLimit: c.rateLimit, retry }), c.redis)
          : embeddedLayer({ rateLimit: c.rateLimit, retry })
      return Friends.layer({ concurrency: c.concurrency }).pipe(Layer.provideMerge(client))
    })
  )

/** Runs a handler against the configured target, with `Friends` and `TimClient` provided. */
export const withConnection =
  (c: Connection) =>
  <A, E, R>(
    effect: Effect.Effect<A, E, R>
  ): Effect.Effect<A, E | ConnectionError, Exclude<R, Friends.Friends | TimClient.TimClient> | FileSystem.FileSystem> =>
    Effect.provide(effect, layer(c))
