/**
 * `tim emulator`: the emulator as a foreground server. It prints its base URL as the first line, then the app to
 * use (SDKAppID, admin, and where the secret key comes from: the key itself only when it is the built-in default).
 */
import { Command, Options } from "@effect/cli"
import { Limits } from "@effect-tim/schema"
import { Config, Console, Deferred, Effect, Equal, Exit, Option, Record, Redacted } from "effect"
import { embedded } from "./connection.js"
import type { Subcommand } from "./errors.js"
import * as Lazy from "./lazy.js"
import * as Signals from "./signals.js"

const share = (name: string, what: string) =>
  Options.float(name).pipe(
    Options.withPseudoName("SHARE"),
    Options.withDescription(`share of ${what}, 0 to 1 (default 0)`),
    Options.optional
  )

/** Where the secret key came from, as `tim emulator` says it (never the key, unless it is the built-in default). */
export const secretSource = (
  flagOrEnv: Option.Option<Redacted.Redacted<string>>,
  env: Option.Option<Redacted.Redacted<string>>
): string => {
  if (Option.isNone(flagOrEnv)) {
    return `the built-in default ${Redacted.value(embedded.secretKey)} (local use only; set TIM_SECRET_KEY for another)`
  }
  // Redacted compares by value: the key need not be unwrapped to say where it came from.
  const fromEnv = Option.isSome(env) && Equal.equals(env.value, flagOrEnv.value)
  return fromEnv ? "from TIM_SECRET_KEY" : "from --secret-key"
}

/** Where a server of `tim` listens: `--host` and `--port` (`tim emulator`, `tim callback listen`). */
export const listenOptions = {
  host: Options.text("host").pipe(
    Options.withPseudoName("HOST"),
    Options.withDescription("address to listen on (default 127.0.0.1)"),
    Options.withDefault("127.0.0.1")
  ),
  port: Options.integer("port").pipe(
    Options.withDescription("port to listen on (default 0: any free port)"),
    Options.withDefault(0)
  )
}

/** `tim emulator`. */
export const command: Subcommand<"emulator"> = Command.make(
  "emulator",
  {
    ...listenOptions,
    sdkAppId: Options.integer("sdkappid").pipe(
      Options.withDescription(`the app's SDKAppID (default ${embedded.sdkAppId})`),
      Options.withFallbackConfig(Config.integer("TIM_SDKAPPID")),
      Options.withDefault(embedded.sdkAppId)
    ),
    secretKey: Options.redacted("secret-key").pipe(
      Options.withDescription("the app's secret key; prefer the variable (default: the built-in test key)"),
      Options.withFallbackConfig(Config.redacted("TIM_SECRET_KEY")),
      Options.optional
    ),
    admins: Options.text("admin").pipe(
      Options.withPseudoName("ID"),
      Options.withDescription(`an App admin identifier; repeat for several (default ${embedded.identifier})`),
      Options.repeated
    ),
    state: Options.text("state").pipe(
      Options.withPseudoName("FILE"),
      Options.withDescription("state file: loaded at start, every write saved before its answer (default: in memory)"),
      Options.optional
    ),
    rateLimit: Options.integer("rate-limit").pipe(
      Options.withDescription(
        `calls per second per API before 60007 (default ${Limits.defaultCallsPerSecond}; 0 = unlimited)`
      ),
      Options.withDefault(Limits.defaultCallsPerSecond)
    ),
    itemError: share("item-error", "batch items failing with a retryable code"),
    requestError: share("request-error", "requests failing with a retryable code"),
    http502: share("http502", "requests answered with HTTP 502"),
    drop: share("drop", "connections dropped without an answer"),
    latency: Options.integer("latency").pipe(
      Options.withPseudoName("MS"),
      Options.withDescription("added latency in milliseconds (default 0)"),
      Options.optional
    ),
    seed: Options.integer("seed").pipe(Options.withDescription("seed of the fault generator"), Options.optional),
    noAdmin: Options.boolean("no-admin").pipe(
      Options.withDescription("turn off the admin routes /_emulator/* (state, reset, faults, stats)")
    ),
    callbackUrl: Options.text("callback-url").pipe(
      Options.withPseudoName("URL"),
      Options.withDescription("send the app's callbacks here after each write (default: none)"),
      Options.optional
    ),
    callbackToken: Options.redacted("callback-token").pipe(
      Options.withPseudoName("TOKEN"),
      Options.withDescription("sign the callbacks with this token"),
      Options.withFallbackConfig(Config.redacted("TIM_CALLBACK_TOKEN")),
      Options.optional
    )
  },
  (o) =>
    // The emulator validates its options and faults (shares 0 to 1, latency, rate limit) and says what is wrong.
    Effect.scoped(
      Effect.gen(function* () {
        const admins = o.admins.length > 0 ? o.admins : [embedded.identifier]
        const { Emulator } = yield* Lazy.emulator
        const emulator = yield* Emulator.make({
          host: o.host,
          port: o.port,
          sdkAppId: o.sdkAppId,
          secretKey: Option.getOrElse(o.secretKey, () => embedded.secretKey),
          admins,
          rateLimit: o.rateLimit,
          admin: !o.noAdmin,
          faults: Record.getSomes({
            itemError: o.itemError,
            requestError: o.requestError,
            http502: o.http502,
            drop: o.drop,
            latencyMs: o.latency,
            seed: o.seed
          }),
          ...(Option.isSome(o.state) ? { stateFile: o.state.value } : {}),
          ...(Option.isSome(o.callbackUrl)
            ? { callbackUrl: o.callbackUrl.value, callbackToken: Option.getOrUndefined(o.callbackToken) }
            : {})
        })
        const env = yield* Config.option(Config.redacted("TIM_SECRET_KEY")).pipe(
          Effect.orElseSucceed(() => Option.none())
        )
        yield* Console.log(
          [
            emulator.baseUrl,
            `sdkappid: ${o.sdkAppId}`,
            `admin: ${admins.join(", ")}`,
            `secret key: ${secretSource(o.secretKey, env)}`
          ].join("\n")
        )
        // Serves until SIGINT or SIGTERM; the scope then closes the server and saves the state.
        const stopped = yield* Deferred.make<void>()
        yield* Signals.graceful(() => Deferred.unsafeDone(stopped, Exit.void))
        yield* Deferred.await(stopped)
      })
    )
).pipe(
  Command.withDescription(
    "run the emulator in the foreground: prints its base URL first, stops on SIGINT/SIGTERM and saves its state"
  )
)
