/**
 * An app's callback receiver, tested locally: the receiver is an `HttpApp` in an `HttpRouter`, the emulator sends
 * it the callbacks Tencent would (signed with the callback token) after each REST write, and a simulated client
 * friend request is refused by the app's Sns.CallbackPrevFriendAdd handler.
 *
 * Run: pnpm exec tsx --conditions=@effect-tim/source examples/callbacks.ts
 */
import { createServer } from "node:http"
import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Callbacks } from "@effect-tim/callbacks"
import { Emulator, TestKit } from "@effect-tim/emulator"
import { FriendAdd, MultiAccountImport } from "@effect-tim/schema"
import { TimClient } from "@effect-tim/transport"
import { Console, Effect, Layer, Redacted } from "effect"

const token = Redacted.make("example-callback-token")

// The app's handlers: typed events in, a decision (before-callbacks) or nothing (after-callbacks) out.
const handlers: Callbacks.Handlers = {
  onPrevFriendAdd: (event) =>
    Effect.succeed((to: string) =>
      to.startsWith("bot_") ? Callbacks.refuse(`${event.fromAccount} may not add bots`, 38001) : Callbacks.allow
    ),
  onFriendAdd: (event) =>
    Console.log(`friends added: ${event.pairs.map((p) => `${p.fromAccount}→${p.toAccount}`).join(", ")}`),
  onFriendDelete: (event) => Console.log(`friends deleted: ${event.pairs.length} pairs`)
}

// The receiver, mounted like any route of the app.
const app = HttpRouter.empty.pipe(
  HttpRouter.post("/tim/callback", Callbacks.toHttpApp(handlers, { sdkAppId: Emulator.testDefaults.sdkAppId, token }))
)
const ReceiverLive = HttpServer.serve(app).pipe(
  Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
)

const program = Effect.gen(function* () {
  const emulator = yield* Emulator.Emulator
  const client = yield* TimClient.TimClient
  yield* client.call(MultiAccountImport.api, { accounts: ["alice", "bob", "bot_1"] as never })
  // A REST write: the emulator answers, then sends Sns.CallbackFriendAdd.
  yield* client.call(FriendAdd.api, {
    fromAccount: "alice" as never,
    items: [{ toAccount: "bob" as never, addSource: "AddSource_Type_Example" as never }]
  })
  // A user's own friend request (which REST cannot make): the app is asked first, and refuses the bot.
  const answer = yield* Effect.promise(() =>
    fetch(`${emulator.baseUrl}/_emulator/client/friend_add`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        From_Account: "bob",
        AddFriendItem: [{ To_Account: "bot_1", AddSource: "AddSource_Type_Example" }]
      })
    }).then((r) => r.json())
  )
  yield* Console.log(`client friend request: ${JSON.stringify(answer.ResultItem)}`)
  yield* Effect.sleep("300 millis") // let the after-callback arrive before the program ends
  const state = yield* emulator.snapshot
  yield* Console.log(`bob's friends: ${state.friendships.filter((f) => f.from === "bob").map((f) => f.to)}`)
})

// The emulator, sending its callbacks to the receiver, and a client of it: the emulator's test kit.
const KitLive = Layer.unwrapEffect(
  HttpServer.addressFormattedWith((url) =>
    Effect.succeed(
      TestKit.layer({
        emulator: {
          defaultAllowType: "AllowType_Type_AllowAny",
          callbackUrl: `${url}/tim/callback`,
          callbackToken: token
        }
      })
    )
  )
)

program.pipe(Effect.provide(KitLive), Effect.provide(ReceiverLive), NodeRuntime.runMain)
