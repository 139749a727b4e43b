/**
 * `tim emulator`: the emulator as a foreground server.
 */
import { Command, Options } from "@effect/cli"
import { Emulator } from "@effect-tim/emulator"
import { Limits } from "@effect-tim/schema"
import { Config, Option, Record } from "effect"
import { embedded } from "./connection.js"
import type { Subcommand } from "./errors.js"

const share = (name: string, what: string) =>
  Options.float(name).pipe(Options.withDescription(`share of ${what}, 0 to 1 (default 0)`), Options.optional)

/** `tim emulator`. */
export const command: Subcommand<"emulator"> = Command.make(
  "emulator",
  {
    host: Options.text("host").pipe(
      Options.withDescription("address to listen on (default 127.0.0.1)"),
      Options.withDefault("127.0.0.1")
    ),
    port: Options.integer("port").pipe(
      Options.withDescription("port to listen on (default 0: any free port)"),
      Options.withDefault(0)
    ),
    sdkAppId: Options.integer("sdkappid").pipe(
      Options.withDescription(`the app's SDKAppID (or TIM_SDKAPPID; default ${embedded.sdkAppId})`),
      Options.withFallbackConfig(Config.integer("TIM_SDKAPPID")),
      Options.withDefault(embedded.sdkAppId)
    ),
    secretKey: Options.redacted("secret-key").pipe(
      Options.withDescription("the app's secret key; prefer TIM_SECRET_KEY (default: the embedded emulator's key)"),
      Options.withFallbackConfig(Config.redacted("TIM_SECRET_KEY")),
      Options.optional
    ),
    admins: Options.text("admin").pipe(
      Options.withDescription("an App admin identifier; repeat for several (default administrator)"),
      Options.repeated
    ),
    state: Options.text("state").pipe(
      Options.withDescription("state file: loaded at start, saved at exit (default: in memory)"),
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
      Options.withDescription("added latency in milliseconds (default 0)"),
      Options.optional
    ),
    seed: Options.integer("seed").pipe(Options.withDescription("seed of the fault generator"), Options.optional)
  },
  (o) =>
    // The emulator validates its options and faults (shares 0 to 1, latency, rate limit) and says what is wrong.
    Emulator.run({
      host: o.host,
      port: o.port,
      sdkAppId: o.sdkAppId,
      secretKey: Option.getOrElse(o.secretKey, () => embedded.secretKey),
      admins: o.admins.length > 0 ? o.admins : [embedded.identifier],
      rateLimit: o.rateLimit,
      faults: Record.getSomes({
        itemError: o.itemError,
        requestError: o.requestError,
        http502: o.http502,
        drop: o.drop,
        latencyMs: o.latency,
        seed: o.seed
      }),
      ...(Option.isSome(o.state) ? { stateFile: o.state.value } : {})
    })
).pipe(
  Command.withDescription(
    "run the emulator in the foreground: prints its base URL first, stops on SIGINT/SIGTERM and saves its state"
  )
)
