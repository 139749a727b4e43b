/**
 * The Promise API, for code that does not use Effect: `new TimFriends(...)`, `await` its methods, plain results,
 * `TimRequestError` rejections, `dispose()`. Against Tencent you would pass `region` instead of `endpoint`; here an
 * in-process emulator stands in for it (started with a few lines of Effect, as a test would).
 *
 * Run: pnpm exec tsx --conditions=@effect-tim/source examples/promise-api.ts
 */

import { FetchHttpClient } from "@effect/platform"
import { Emulator } from "@effect-tim/emulator"
import { TimFriends, TimRequestError } from "@effect-tim/friends"
import { Fields, MultiAccountImport } from "@effect-tim/schema"
import { TimClient } from "@effect-tim/transport"
import { Effect, Layer, ManagedRuntime, Redacted, Schema } from "effect"

// --- the emulator and three accounts (test set-up) ---------------------------------------------------------------
const emulator = ManagedRuntime.make(Emulator.layerTest({ defaultAllowType: "AllowType_Type_AllowAny" }))
const { baseUrl } = await emulator.runPromise(Emulator.Emulator)
await emulator.runPromise(
  Effect.flatMap(TimClient.TimClient, (client) =>
    client.call(MultiAccountImport.api, {
      accounts: Schema.decodeSync(Schema.Array(Fields.UserId))(["alice", "bob", "carol"])
    })
  ).pipe(
    Effect.provide(
      TimClient.layer({
        sdkAppId: Emulator.testDefaults.sdkAppId,
        secretKey: Emulator.testDefaults.secretKey,
        endpoint: baseUrl
      }).pipe(Layer.provide(FetchHttpClient.layer))
    )
  )
)

// --- the application code ----------------------------------------------------------------------------------------
const friends = new TimFriends({
  sdkAppId: Emulator.testDefaults.sdkAppId,
  secretKey: Redacted.value(Emulator.testDefaults.secretKey), // a plain string, e.g. process.env.TIM_SECRET_KEY
  endpoint: baseUrl // against Tencent: region: "singapore"
})
console.log(`${friends}`) // TimFriends(sdkAppId=1400000000, identifier=administrator): never the key

try {
  await friends.blockOne("carol", "alice")
  const result = await friends.add("alice", ["bob", "carol", "not valid!"])
  for (const item of result.items) {
    console.log(
      item.ok ? `${item.toAccount}: ${item.value}` : `${item.toAccount}: ${item.error.tag} ${item.error.code ?? ""}`
    )
  }

  try {
    await friends.addOne("alice", "carol")
  } catch (error) {
    if (!(error instanceof TimRequestError)) throw error
    console.log(`addOne rejected: tag ${error.tag}, code ${error.code}, info ${error.info}`)
  }

  console.log("bob's relation:", await friends.checkOne("alice", "bob"))
  for await (const friend of friends.iterateList("alice")) console.log("friend:", friend.toAccount)
  console.log("carol's blocklist:", await friends.blocklist("carol"))
} finally {
  await friends.dispose()
  await emulator.dispose()
}
