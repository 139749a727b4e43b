import { assert, layer } from "@effect/vitest"
import { FriendAdd, FriendCheck } from "@effect-tim/schema"
import { Effect, Exit, Schema } from "effect"
import { Emulator } from "../src/index.js"
import { adminSig, call, ids, importAccounts } from "./helpers.js"

const admin = (path: string, init?: RequestInit) =>
  Effect.flatMap(Emulator.Emulator, (emulator) =>
    Effect.promise(async () => {
      // Admin POSTs must be JSON (a browser cannot send that cross-site without a preflight).
      const response = await fetch(`${emulator.baseUrl}${path}`, {
        ...init,
        headers: { "content-type": "application/json" }
      })
      return { status: response.status, json: (await response.json()) as any }
    })
  )

const setFaults = (faults: Partial<Emulator.Faults>) =>
  admin("/_emulator/faults", { method: "POST", body: JSON.stringify(faults) })

const noFaults = Effect.flatMap(Emulator.Emulator, (emulator) => emulator.setFaults(Emulator.noFaults)).pipe(
  Effect.orDie
)

const check = (from: string, to: ReadonlyArray<string>) =>
  call(FriendCheck.api.path, { From_Account: from, To_Account: to, CheckType: "CheckResult_Type_Both" })

layer(Emulator.layerTest({ defaultAllowType: "AllowType_Type_AllowAny" }), { excludeTestServices: true })(
  "fault injection",
  (it) => {
    it.effect("itemError 1.0 fails every item with 30006/30007 and applies none; 0.0 fails none", () =>
      Effect.gen(function* () {
        const [a, ...targets] = ids(4)
        yield* importAccounts([a, ...targets])
        const set = yield* setFaults({ itemError: 1 })
        assert.strictEqual(set.status, 200)
        assert.strictEqual(set.json.itemError, 1)
        const added = yield* call(FriendAdd.api.path, {
          From_Account: a,
          AddFriendItem: targets.map((t) => ({ To_Account: t, AddSource: "AddSource_Type_X" }))
        }).pipe(Effect.ensuring(noFaults))
        assert.strictEqual(added.ErrorCode, 0)
        for (const item of added.ResultItem) assert.include([30006, 30007], item.ResultCode)
        assert.deepStrictEqual(added.Fail_Account, targets)
        const after = yield* check(a, targets)
        assert.deepStrictEqual(
          after.InfoItem.map((i: { Relation: string }) => i.Relation),
          targets.map(() => "CheckResult_Type_NoRelation")
        )
        assert.isFalse("Fail_Account" in after)
      })
    )

    it.effect("requestError 1.0 fails the whole request with 30006/30007 and applies nothing", () =>
      Effect.gen(function* () {
        const [a, b] = ids(2)
        yield* importAccounts([a, b])
        yield* setFaults({ requestError: 1 })
        const added = yield* call(FriendAdd.api.path, {
          From_Account: a,
          AddFriendItem: [{ To_Account: b, AddSource: "AddSource_Type_X" }]
        }).pipe(Effect.ensuring(noFaults))
        assert.strictEqual(added.ActionStatus, "FAIL")
        assert.include([30006, 30007], added.ErrorCode)
        const after = yield* check(a, [b])
        assert.strictEqual(after.InfoItem[0].Relation, "CheckResult_Type_NoRelation")
      })
    )

    it.effect("the same seed and request sequence give the same faults", () =>
      Effect.gen(function* () {
        const [a, ...targets] = ids(41)
        yield* importAccounts([a, ...targets])
        const run = Effect.gen(function* () {
          yield* setFaults({ itemError: 0.5, seed: 42 })
          return (yield* check(a, targets)).InfoItem.map((i: { ResultCode: number }) => i.ResultCode)
        })
        const first = yield* run
        const second = yield* run.pipe(Effect.ensuring(noFaults))
        assert.deepStrictEqual(first, second)
        assert.isTrue(first.includes(0))
        assert.isTrue(first.some((code: number) => code !== 0))
      })
    )

    it.effect("http502 answers HTTP 502 with an HTML body; drop closes the connection without an answer", () =>
      Effect.gen(function* () {
        const emulator = yield* Emulator.Emulator
        const userSig = yield* adminSig()
        const url = `${emulator.baseUrl}/v4/sns/friend_check?sdkappid=1400000000&identifier=administrator&usersig=${userSig}&random=1&contenttype=json`
        yield* setFaults({ http502: 1 })
        const bad = yield* Effect.promise(async () => {
          const response = await fetch(url, { method: "POST", body: "{}" })
          return { status: response.status, type: response.headers.get("content-type"), text: await response.text() }
        }).pipe(Effect.ensuring(noFaults))
        assert.strictEqual(bad.status, 502)
        assert.include(bad.type ?? "", "text/html")
        assert.include(bad.text, "502 Bad Gateway")
        yield* setFaults({ drop: 1 })
        const dropped = yield* Effect.tryPromise(() => fetch(url, { method: "POST", body: "{}" })).pipe(
          Effect.exit,
          Effect.ensuring(noFaults)
        )
        assert.isTrue(Exit.isFailure(dropped))
        const [a] = ids(1)
        yield* importAccounts([a])
        assert.strictEqual((yield* check(a, [a])).ErrorCode, 0)
      })
    )

    it.effect("latencyMs delays every API answer", () =>
      Effect.gen(function* () {
        yield* setFaults({ latencyMs: 150 })
        const start = Date.now()
        yield* call(FriendCheck.api.path, {}).pipe(Effect.ensuring(noFaults))
        assert.isAtLeast(Date.now() - start, 150)
      })
    )

    it.effect("invalid fault settings are refused by the admin route and by setFaults", () =>
      Effect.gen(function* () {
        const bad = yield* setFaults({ itemError: 2 })
        assert.strictEqual(bad.status, 400)
        assert.include(bad.json.error, "itemError")
        const unknownKey = yield* admin("/_emulator/faults", { method: "POST", body: JSON.stringify({ chaos: 1 }) })
        assert.strictEqual(unknownKey.status, 400)
        const emulator = yield* Emulator.Emulator
        const error = yield* Effect.flip(emulator.setFaults({ latencyMs: -1 }))
        assert.strictEqual(error.reason, "InvalidFaults")
        assert.include(error.message, "latencyMs")
      })
    )

    it.effect("fault settings given at start pass the same check (a bad share or an unknown key: InvalidFaults)", () =>
      Effect.gen(function* () {
        for (const faults of [{ drop: -0.5 }, { chaos: 1 } as Partial<Emulator.Faults>]) {
          const error = yield* Effect.flip(Effect.scoped(Emulator.make({ ...Emulator.testDefaults, faults })))
          assert.strictEqual(error.reason, "InvalidFaults", JSON.stringify(faults))
          assert.include(error.message, Object.keys(faults)[0]!)
        }
      })
    )

    it.effect("GET /_emulator/state returns the snapshot; POST /_emulator/reset empties it", () =>
      Effect.gen(function* () {
        const [a, b] = ids(2)
        yield* importAccounts([a, b])
        yield* call(FriendAdd.api.path, {
          From_Account: a,
          AddFriendItem: [{ To_Account: b, AddSource: "AddSource_Type_X", Remark: "bee" }]
        })
        const state = yield* admin("/_emulator/state")
        const snapshot = Schema.decodeUnknownSync(Emulator.StateSnapshot)(state.json)
        assert.deepStrictEqual(
          snapshot.friendships.filter((f) => f.from === a).map((f) => [f.to, f.remark, f.addSource]),
          [[b, "bee", "AddSource_Type_X"]]
        )
        assert.isTrue(snapshot.friendships.some((f) => f.from === b && f.to === a))
        const reset = yield* admin("/_emulator/reset", { method: "POST" })
        assert.strictEqual(reset.status, 200)
        const empty = yield* admin("/_emulator/state")
        assert.deepStrictEqual(empty.json, { accounts: [], friendships: [], blocklists: [], lists: [], pending: [] })
      })
    )
  }
)
