/**
 * The program `tencent.ts` and `emulator.ts` share: the same code runs against Tencent and against the emulator,
 * only the layers differ.
 */
import { Friends, type FriendsError } from "@effect-tim/friends"
import { type Enums, Fields, type FriendCheck, MultiAccountImport } from "@effect-tim/schema"
import { TimClient } from "@effect-tim/transport"
import { Console, Effect, Either, Schema } from "effect"

const [alice, bob, carol] = ["example_alice", "example_bob", "example_carol"] as const

/** Imports three accounts (multiaccount_import: accounts that exist already are fine), adds friends, checks. */
export const addAndCheck: Effect.Effect<
  Friends.BatchResult<Enums.FriendRelation, Friends.ItemError<typeof FriendCheck.api>>,
  TimClient.CallError<typeof MultiAccountImport.api> | FriendsError.InvalidRequest,
  Friends.Friends | TimClient.TimClient
> = Effect.gen(function* () {
  const client = yield* TimClient.TimClient
  const accounts = Schema.decodeSync(Schema.Array(Fields.UserId))([alice, bob, carol])
  yield* client.call(MultiAccountImport.api, { accounts })

  const friends = yield* Friends.Friends
  const added = yield* friends.add(alice, [bob, { toAccount: carol, remark: "from work" }, "not valid!"])
  for (const { toAccount, result } of added.items) {
    yield* Console.log(
      `add ${alice} → ${toAccount}: ${Either.match(result, { onRight: (r) => r, onLeft: (e) => e.message })}`
    )
  }
  yield* Console.log("outcomes:", Friends.countOutcomes(added))

  const checked = yield* friends.check(alice, [bob, carol])
  for (const { toAccount, value } of Friends.successes(checked))
    yield* Console.log(`${alice} and ${toAccount}: ${value}`)
  return checked
})
