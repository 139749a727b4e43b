/**
 * Test your own code against the emulator: one layer starts an emulator on a free loopback port and provides a
 * `TimClient` (from `@effect-tim/transport`) signed for its app and pointed at it; {@link seed} creates accounts
 * and sets their AllowType in one call.
 *
 * `Friends` is not provided here (`@effect-tim/friends` builds on this package's tests, so it cannot be a
 * dependency); add it on top: `Friends.layer().pipe(Layer.provideMerge(TestKit.layer()))`.
 *
 * @since 0.1.0
 */
import type { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import type { OptionsError } from "@effect-tim/transport"
import { TimClient } from "@effect-tim/transport"
import type { UserSigError } from "@effect-tim/usersig"
import { Effect, Layer } from "effect"
import * as Emulator from "./Emulator.js"
import type { EmulatorError } from "./EmulatorError.js"

/**
 * What to start: emulator options over `Emulator.layerTest`'s (the test app, port 0, no frequency limit), client
 * options over the kit's (the emulator's app and first admin, its URL, no client-side limit), and the
 * `HttpClient` layer (default undici, `NodeHttpClient.layerUndici`).
 *
 * Every emulator option applies, e.g. `stateFile` with `stateFileLockWait` (the state outlives the kit, and a
 * second kit on the same file waits for the first one's lock), `rateLimit`, `admin: false` or `faults`; the `tim`
 * CLI's embedded emulator and `tim demo` are this layer with such options, a client `rateLimit` and an HTTP client
 * that counts requests.
 *
 * @since 0.1.0
 */
export interface Options {
  readonly emulator?: Partial<Emulator.Options> | undefined
  readonly client?: Partial<TimClient.Options> | undefined
  readonly httpClient?: Layer.Layer<HttpClient.HttpClient> | undefined
}

/**
 * An emulator on 127.0.0.1 (a free port) and a `TimClient` for it. Both are in the output, so a test can seed,
 * inject faults or read the state next to the code under test. The emulator stops when the layer's scope closes.
 *
 * @since 0.1.0
 */
export const layer = (
  options: Options = {}
): Layer.Layer<
  Emulator.Emulator | TimClient.TimClient,
  EmulatorError | OptionsError.OptionsError | UserSigError.UserSigError
> => {
  const app = { ...Emulator.testDefaults, ...options.emulator }
  const client = Layer.unwrapEffect(
    Effect.map(Emulator.Emulator, (emulator) =>
      TimClient.layer({
        sdkAppId: app.sdkAppId,
        secretKey: app.secretKey,
        identifier: app.admins[0],
        endpoint: emulator.baseUrl,
        rateLimit: Number.POSITIVE_INFINITY,
        ...options.client
      })
    )
  ).pipe(Layer.provide(options.httpClient ?? NodeHttpClient.layerUndici))
  return client.pipe(Layer.provideMerge(Emulator.layerTest(options.emulator)))
}

/**
 * Creates accounts in the emulator of the context, without API calls: UserIDs (with `allowType`, default the
 * emulator's `defaultAllowType`) or `{ userId, allowType?, nick? }`. Existing accounts keep their relations.
 *
 * @since 0.1.0
 */
export const seed = (input: Emulator.Seed): Effect.Effect<void, EmulatorError, Emulator.Emulator> =>
  Effect.flatMap(Emulator.Emulator, (emulator) => emulator.seed(input))
