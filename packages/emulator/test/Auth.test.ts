import { assert, it, layer } from "@effect/vitest"
import { FriendCheck } from "@effect-tim/schema"
import { Effect, TestContext } from "effect"
import { Emulator } from "../src/index.js"
import * as RateLimit from "../src/internal/rateLimit.js"
import { adminSig, key, type RequestOptions, request } from "./helpers.js"

const body = { From_Account: "nobody", To_Account: ["x"], CheckType: "CheckResult_Type_Both" }

const codeOf = (options: RequestOptions, path: string = FriendCheck.api.path) =>
  Effect.gen(function* () {
    const emulator = yield* Emulator.Emulator
    const reply = yield* request(emulator.baseUrl, path, body, options)
    assert.strictEqual(reply.status, 200, reply.text)
    assert.strictEqual(reply.json.ActionStatus, "FAIL")
    assert.strictEqual(reply.json.ErrorDisplay, "")
    return reply.json.ErrorCode as number
  })

layer(Emulator.layerTest({ admins: ["administrator", "second_admin"] }), { excludeTestServices: true })(
  "request checks",
  (it) => {
    it.effect("sdkappid: missing 60012, not this app's 60006", () =>
      Effect.gen(function* () {
        assert.strictEqual(yield* codeOf({ query: { sdkappid: undefined } }), 60012)
        assert.strictEqual(yield* codeOf({ query: { sdkappid: "" } }), 60012)
        assert.strictEqual(yield* codeOf({ query: { sdkappid: "1400000001" } }), 60006)
        assert.strictEqual(yield* codeOf({ query: { sdkappid: "abc" } }), 60006)
      })
    )

    it.effect("identifier: missing 60025, not an admin 60010", () =>
      Effect.gen(function* () {
        assert.strictEqual(yield* codeOf({ query: { identifier: undefined } }), 60025)
        const userSig = yield* adminSig({ identifier: "someone" })
        assert.strictEqual(yield* codeOf({ query: { identifier: "someone" }, userSig }), 60010)
      })
    )

    it.effect("usersig: missing 60025, then 70003, 70014, 70013, 70001, 70009", () =>
      Effect.gen(function* () {
        assert.strictEqual(yield* codeOf({ query: { usersig: undefined } }), 60025)
        assert.strictEqual(yield* codeOf({ userSig: "not-a-usersig" }), 70003)
        assert.strictEqual(yield* codeOf({ userSig: yield* adminSig({ sdkAppId: 1400000001 }) }), 70014)
        assert.strictEqual(yield* codeOf({ userSig: yield* adminSig({ identifier: "second_admin" }) }), 70013)
        assert.strictEqual(yield* codeOf({ userSig: yield* adminSig({ secretKey: key("another-key") }) }), 70009)
        // Signed at Unix time 0 (TestClock) for one day: long expired.
        const expired = yield* Effect.promise(() =>
          Effect.runPromise(adminSig({ expireSeconds: 86400 }).pipe(Effect.provide(TestContext.TestContext)))
        )
        assert.strictEqual(yield* codeOf({ userSig: expired }), 70001)
      })
    )

    it.effect("a cached sig is still checked against the identifier on every request", () =>
      Effect.gen(function* () {
        const userSig = yield* adminSig()
        const emulator = yield* Emulator.Emulator
        const ok = yield* request(emulator.baseUrl, FriendCheck.api.path, body, { userSig })
        assert.strictEqual(ok.json.ErrorCode, 30003)
        assert.strictEqual(yield* codeOf({ userSig, query: { identifier: "second_admin" } }), 70013)
      })
    )

    it.effect("random must be a uint32 and contenttype json (60025)", () =>
      Effect.gen(function* () {
        assert.strictEqual(yield* codeOf({ query: { random: undefined } }), 60025)
        assert.strictEqual(yield* codeOf({ query: { random: "4294967296" } }), 60025)
        assert.strictEqual(yield* codeOf({ query: { random: "-1" } }), 60025)
        assert.strictEqual(yield* codeOf({ query: { contenttype: "xml" } }), 60025)
        assert.strictEqual(yield* codeOf({ query: { contenttype: undefined } }), 60025)
      })
    )

    it.effect("POST only (60002), unknown command (60009)", () =>
      Effect.gen(function* () {
        assert.strictEqual(yield* codeOf({ method: "GET" }), 60002)
        assert.strictEqual(yield* codeOf({ method: "PUT" }), 60002)
        assert.strictEqual(yield* codeOf({}, "v4/sns/friend_teleport"), 60009)
        assert.strictEqual(yield* codeOf({}, "nothing/here"), 60009)
      })
    )
  }
)

layer(Emulator.layerTest({ rateLimit: 3 }), { excludeTestServices: true })("frequency limit", (it) => {
  it.effect("the fourth call of a command within a second answers 60007; other commands are counted apart", () =>
    Effect.gen(function* () {
      const first = yield* Effect.forEach([1, 2, 3], () => codeOf({}))
      assert.deepStrictEqual(first, [30003, 30003, 30003])
      assert.strictEqual(yield* codeOf({}), 60007)
      assert.strictEqual(yield* codeOf({}, "v4/sns/friend_delete"), 30003)
    })
  )
})

it("the sliding window admits `limit` calls in any 1000 ms", () => {
  const window = RateLimit.make(2)
  assert.deepStrictEqual(
    [0, 10, 20, 999, 1000, 1009, 1011].map((t) => window.tryAcquire(t)),
    [true, true, false, false, true, false, true]
  )
  assert.isTrue([0, 0, 0].every((t) => RateLimit.make(0).tryAcquire(t)))
})
