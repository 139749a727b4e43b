/**
 * Add and check friends on Tencent Cloud Chat, with the client configured from the environment
 * (`TimClient.layerConfig`): TIM_SDKAPPID, TIM_SECRET_KEY, TIM_IDENTIFIER (default `administrator`), TIM_REGION
 * (default `china`) or TIM_ENDPOINT, and optionally TIM_RATE_LIMIT and TIM_TIMEOUT.
 *
 * Run: TIM_SDKAPPID=1400000000 TIM_SECRET_KEY=… TIM_REGION=singapore \
 *        pnpm exec tsx --conditions=@effect-tim/source examples/tencent.ts
 *
 * It imports three accounts `example_*` into your app. Without the configuration it stops before sending anything,
 * with a typed ConfigError naming the missing variable (exit code 1). `emulator.ts` runs the same program locally.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Friends } from "@effect-tim/friends"
import { TimClient } from "@effect-tim/transport"
import { Console, Effect, Layer } from "effect"
import { addAndCheck } from "./lib/addAndCheck.js"

const TimLive = Friends.layer().pipe(
  Layer.provideMerge(TimClient.layerConfig()),
  Layer.provide(NodeHttpClient.layerUndici) // or FetchHttpClient.layer from @effect/platform
)

const failed = (what: string) => (error: { readonly message: string }) =>
  Effect.zipRight(
    Console.error(`${what}: ${error.message}`),
    Effect.sync(() => {
      process.exitCode = 1
    })
  )

addAndCheck.pipe(
  Effect.provide(TimLive),
  Effect.asVoid,
  Effect.catchTags({
    // building the layer
    ConfigError: failed("missing or invalid configuration (set TIM_SDKAPPID, TIM_SECRET_KEY, TIM_REGION)"),
    OptionsError: failed("invalid client option"),
    UserSigError: failed("invalid credentials"),
    // the calls (a typed error per documented code; see errors.ts)
    TransportError: failed("Tencent could not be reached")
  }),
  Effect.catchAll(failed("the call failed")),
  NodeRuntime.runMain
)
