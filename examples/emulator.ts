/**
 * The program of `tencent.ts`, unchanged, against an in-process emulator: a real HTTP server on 127.0.0.1 that
 * answers like Tencent (auth, limits, error codes). Only the layer differs: `lib/emulatorLive.ts` puts the
 * emulator, a `TimClient` at its URL and `Friends` together.
 *
 * Run: pnpm exec tsx --conditions=@effect-tim/source examples/emulator.ts
 *
 * In a test, the emulator's test kit is the same layer without `Friends` (`TestKit.layer()` from
 * `@effect-tim/emulator`; add `Friends.layer()` on top as `lib/emulatorLive.ts` does) and shares one emulator
 * across a suite with @effect/vitest:
 *
 *   it.layer(EmulatorLive)("friends", (it) => {
 *     it.effect("adds and checks", () =>
 *       Effect.gen(function* () {
 *         const checked = yield* addAndCheck
 *         assert.deepStrictEqual(Friends.countOutcomes(checked), { CheckResult_Type_BothWay: 2 })
 *       }))
 *   })
 */
import { NodeRuntime } from "@effect/platform-node"
import { Emulator } from "@effect-tim/emulator"
import { Console, Effect } from "effect"
import { addAndCheck } from "./lib/addAndCheck.js"
import { emulatorLive } from "./lib/emulatorLive.js"

// AllowAny: adds take effect at once instead of waiting for the peer's confirmation
const EmulatorLive = emulatorLive({ emulator: { defaultAllowType: "AllowType_Type_AllowAny" } })

Effect.gen(function* () {
  const emulator = yield* Emulator.Emulator
  yield* Console.log(`emulator at ${emulator.baseUrl}`)
  yield* addAndCheck
  const state = yield* emulator.snapshot
  yield* Console.log(`the emulator now holds ${state.friendships.length} directed friendships`)
}).pipe(Effect.provide(EmulatorLive), NodeRuntime.runMain)
