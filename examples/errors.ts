/**
 * Handling typed errors: every documented Tencent code is its own class with a `_tag`, so `Effect.catchTag`
 * picks the ones you expect and the compiler lists the rest. Runs against an in-process emulator.
 *
 * Run: pnpm exec tsx --conditions=@effect-tim/source examples/errors.ts
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Emulator } from "@effect-tim/emulator"
import { Friends } from "@effect-tim/friends"
import { Fields, MultiAccountImport } from "@effect-tim/schema"
import { TimClient } from "@effect-tim/transport"
import { Console, Effect, Layer, Schema } from "effect"
import { emulatorLive } from "./lib/emulatorLive.js"

const program = Effect.gen(function* () {
  const client = yield* TimClient.TimClient
  const friends = yield* Friends.Friends
  const accounts = Schema.decodeSync(Schema.Array(Fields.UserId))(["alice", "bob", "carol"])
  yield* client.call(MultiAccountImport.api, { accounts })
  yield* friends.blockOne("bob", "alice") // bob blocks alice

  // 1. A single-target call puts the item's error in the error channel: catch the one you expect.
  const result = yield* friends
    .addOne("alice", "bob")
    .pipe(
      Effect.catchTag("BlockedByTarget", (error) =>
        Effect.as(Console.log(`bob blocked alice: code ${error.code}, info ${JSON.stringify(error.info)}`), "skipped")
      )
    )
  yield* Console.log(`addOne → ${result}`)

  // 2. Several at once. What is left uncaught stays in the type: here AddDenied, TargetInBlocklist, ... and
  //    the transport's failures, which the final catchAll turns into a message.
  const ghost = yield* friends.addOne("alice", "ghost").pipe(
    Effect.catchTags({
      AccountNotFound: (error) => Effect.succeed(`no such account (${error.code})`),
      InvalidRequest: (error) => Effect.succeed(`refused before sending: ${error.field}: ${error.reason}`)
    }),
    Effect.catchAll((error) => Effect.succeed(`${error._tag}: ${error.message}`))
  )
  yield* Console.log(`addOne ghost → ${ghost}`)

  // 3. Bulk calls never fail because of one item: each target's error is a value. Branch on `_tag`.
  const added = yield* friends.add("alice", ["carol", "bob", "ghost", "no spaces!"])
  for (const { toAccount, error } of Friends.failures(added)) {
    switch (error._tag) {
      case "BlockedByTarget":
        yield* Console.log(`${toAccount}: blocked alice, skip`)
        break
      case "AccountNotFound":
        yield* Console.log(`${toAccount}: create the account first`)
        break
      case "InvalidItem":
        yield* Console.log(`${toAccount}: not sent: ${error.field} ${error.reason}`)
        break
      default:
        yield* Console.log(`${toAccount}: ${error.message}`)
    }
  }
  yield* Console.log("successes:", Friends.successes(added))

  // 4. Call-level errors: a bad From_Account fails the whole call, nothing is sent.
  const refused = yield* friends.removeAll("not valid!").pipe(Effect.flip)
  yield* Console.log(`removeAll → ${refused._tag}: ${refused.message}`)
})

/** A client that cannot reach anything: its calls fail with TransportError (after retries; none here). */
const unreachable = Effect.gen(function* () {
  const friends = yield* Friends.Friends
  const reason = yield* friends.checkOne("alice", "bob").pipe(
    Effect.as("reached?!"),
    Effect.catchTag("TransportError", (error) => Effect.succeed(`TransportError ${error.reason}: ${error.detail}`))
  )
  yield* Console.log(`unreachable server → ${reason}`)
}).pipe(
  Effect.provide(
    Friends.layer().pipe(
      Layer.provide(
        TimClient.layer({
          sdkAppId: Emulator.testDefaults.sdkAppId,
          secretKey: Emulator.testDefaults.secretKey,
          endpoint: "http://127.0.0.1:1",
          retry: false
        })
      )
    )
  )
)

const EmulatorLive = emulatorLive({ emulator: { defaultAllowType: "AllowType_Type_AllowAny" } })

Effect.all([Effect.provide(program, EmulatorLive), unreachable], { discard: true }).pipe(
  Effect.provide(NodeHttpClient.layerUndici),
  NodeRuntime.runMain
)
