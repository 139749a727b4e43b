/**
 * The layer the emulator examples share: an in-process emulator (`Emulator.layerTest`: 127.0.0.1, a free port, the
 * test app), a `TimClient` signed for that app at the emulator's URL, and `Friends` over that client. All three are
 * in the output, so a program can use the emulator (`snapshot`, `setFaults`) next to the service. The HTTP client
 * is left to the caller (`NodeHttpClient.layerUndici`, `FetchHttpClient.layer`).
 */
import type { HttpClient } from "@effect/platform"
import { Emulator, type EmulatorError } from "@effect-tim/emulator"
import { Friends } from "@effect-tim/friends"
import { type OptionsError, TimClient } from "@effect-tim/transport"
import type { UserSigError } from "@effect-tim/usersig"
import { Effect, Layer } from "effect"

export const emulatorLive = (
  options: {
    readonly emulator?: Partial<Emulator.Options> | undefined
    readonly client?: TimClient.ClientOptions | undefined
  } = {}
): Layer.Layer<
  Friends.Friends | TimClient.TimClient | Emulator.Emulator,
  EmulatorError.EmulatorError | OptionsError.OptionsError | UserSigError.UserSigError,
  HttpClient.HttpClient
> =>
  Friends.layer().pipe(
    Layer.provideMerge(
      Layer.unwrapEffect(
        Effect.map(Emulator.Emulator, (emulator) =>
          TimClient.layer({
            sdkAppId: Emulator.testDefaults.sdkAppId,
            secretKey: Emulator.testDefaults.secretKey,
            endpoint: emulator.baseUrl,
            ...options.client
          })
        )
      )
    ),
    Layer.provideMerge(Emulator.layerTest(options.emulator))
  )
