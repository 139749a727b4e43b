/**
 * The program of `tencent.ts`, unchanged, against an in-process emulator: a real HTTP server on 127.0.0.1 that
 * answers like Tencent (auth, limits, error codes). Only the layer differs.
 *
 * Run: pnpm exec tsx --conditions=@effect-tim/source examples/emulator.ts
 *
 * In a test (a file under packages/<pkg>/test), copy `EmulatorLive` and share one emulator across a suite with
 * @effect/vitest:
 *
 *   it.layer(EmulatorLive)("friends", (it) => {
 *     it.effect("adds and checks", () =>
 *       Effect.gen(function* () {
 *         const checked = yield* addAndCheck
 *         assert.deepStrictEqual(Friends.countOutcomes(checked), { CheckResult_Type_BothWay: 2 })
 *       }))
 *   })
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Emulator } from "@effect-tim/emulator"
import { Friends } from "@effect-tim/friends"
import { TimClient } from "@effect-tim/transport"
import { Console, Effect, Layer } from "effect"
import { addAndCheck } from "./lib/addAndCheck.js"

/** Friends over a client signed for the emulator's test app, at the emulator's URL; the emulator is included. */
const EmulatorLive = Friends.layer().pipe(
  Layer.provideMerge(
    Layer.unwrapEffect(
      Effect.map(Emulator.Emulator, (emulator) =>
        TimClient.layer({
          sdkAppId: Emulator.testDefaults.sdkAppId,
          secretKey: Emulator.testDefaults.secretKey,
          endpoint: emulator.baseUrl
        })
      )
    )
  ),
  Layer.provide(NodeHttpClient.layerUndici),
  // AllowAny: adds take effect at once instead of waiting for the peer's confirmation
  Layer.provideMerge(Emulator.layerTest({ defaultAllowType: "AllowType_Type_AllowAny" }))
)

Effect.gen(function* () {
  const emulator = yield* Emulator.Emulator
  yield* Console.log(`emulator at ${emulator.baseUrl}`)
  yield* addAndCheck
  const state = yield* emulator.snapshot
  yield* Console.log(`the emulator now holds ${state.friendships.length} directed friendships`)
}).pipe(Effect.provide(EmulatorLive), NodeRuntime.runMain)
