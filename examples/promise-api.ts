/**
 * The Promise API, for code that does not use Effect: `new TimFriends(...)`, `await` its methods, plain results,
 * `TimRequestError` rejections, `dispose()`; accounts and AllowType through `friends.accounts`. Against Tencent you
 * would pass `region` instead of `endpoint`; here an in-process emulator stands in for it.
 *
 * Run: pnpm exec tsx --conditions=@effect-tim/source examples/promise-api.ts
 */

import { Emulator } from "@effect-tim/emulator"
import { TimFriends, TimRequestError } from "@effect-tim/friends"
import { ManagedRuntime, Redacted } from "effect"

// --- the emulator (test set-up) ----------------------------------------------------------------------------------
const emulator = ManagedRuntime.make(Emulator.layerTest())
const { baseUrl } = await emulator.runPromise(Emulator.Emulator)

// --- the application code ----------------------------------------------------------------------------------------
const friends = new TimFriends({
  sdkAppId: Emulator.testDefaults.sdkAppId,
  secretKey: Redacted.value(Emulator.testDefaults.secretKey), // a plain string, e.g. process.env.TIM_SECRET_KEY
  endpoint: baseUrl // against Tencent: region: "singapore"
})
console.log(`${friends}`) // TimFriends(sdkAppId=1400000000, identifier=administrator): never the key

try {
  // accounts and their AllowType, without Effect and without the CLI
  const imported = await friends.accounts.import(["alice", "bob", "carol"])
  console.log("imported:", imported.items.filter((i) => i.ok).length)
  await friends.accounts.setAllowType(["bob", "carol"], "AllowType_Type_AllowAny")
  console.log("bob's AllowType:", await friends.accounts.getAllowTypeOne("bob"))

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
