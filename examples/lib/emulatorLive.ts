/**
 * The layer the emulator examples share: the emulator's test kit (`TestKit.layer`: an emulator on 127.0.0.1 at a
 * free port with the test app, and a `TimClient` signed for that app at its URL) and `Friends` over that client.
 * All three are in the output, so a program can use the emulator (`snapshot`, `setFaults`) next to the service.
 */
import { type EmulatorError, TestKit } from "@effect-tim/emulator"
import { Friends } from "@effect-tim/friends"
import type { OptionsError } from "@effect-tim/transport"
import type { UserSigError } from "@effect-tim/usersig"
import { Layer } from "effect"

export const emulatorLive = (
  options: TestKit.Options = {}
): Layer.Layer<
  Layer.Layer.Success<ReturnType<typeof TestKit.layer>> | Friends.Friends,
  EmulatorError.EmulatorError | OptionsError.OptionsError | UserSigError.UserSigError
> => Friends.layer().pipe(Layer.provideMerge(TestKit.layer(options)))
