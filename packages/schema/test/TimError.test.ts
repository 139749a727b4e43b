import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { Api, PortraitGet, PortraitSet, TimError } from "../src/index.js"

describe("TimError", () => {
  it("has one class per documented code, with unique tags and codes", () => {
    const codes = TimError.classes.map((cls) => cls.code)
    const tags = TimError.classes.map((cls) => cls._tag)
    assert.strictEqual(new Set(codes).size, codes.length)
    assert.strictEqual(new Set(tags).size, tags.length)
    const expected = [
      30001, 30002, 30003, 30004, 30005, 30006, 30007, 30008, 30009, 30010, 30011, 30012, 30013, 30014, 30515, 30516,
      30525, 30539, 30540, 30614, 31704, 31707, 31804, 32216, 40001, 40002, 40003, 40004, 40005, 40006, 40007, 40008,
      40009, 40601, 40605, 40610, 60002, 60003, 60004, 60005, 60006, 60007, 60008, 60009, 60010, 60011, 60012, 60013,
      60014, 60015, 60016, 60017, 60018, 60019, 60020, 60021, 60025, 60026, 60027, 60028, 70001, 70003, 70009, 70013,
      70014, 70016, 70020, 70050, 70051, 70107, 70169, 70398, 70399, 70402, 70404, 70500, 71000, 72000, 72001, 72002,
      72010, 72011, 72012, 80001, 80002, 80003, 80004, 80005
    ]
    assert.deepStrictEqual([...codes].sort(), [...expected].sort())
  })

  it("decodes every code to its class, keeping code and info", () => {
    for (const cls of TimError.classes) {
      const error = TimError.fromCode(cls.code, "server says")
      assert.isTrue(error instanceof cls)
      assert.strictEqual(error._tag, cls._tag)
      assert.strictEqual(error.code, cls.code)
      assert.strictEqual(error.info, "server says")
      assert.include(error.message, String(cls.code))
      assert.include(error.message, "server says")
    }
  })

  it("names the meaning in the tag", () => {
    assert.strictEqual(TimError.fromCode(30003, "")._tag, "AccountNotFound")
    assert.strictEqual(TimError.fromCode(30525, "")._tag, "BlockedByTarget")
    assert.strictEqual(TimError.fromCode(30539, "")._tag, "PendingConfirmation")
    assert.strictEqual(TimError.fromCode(70001, "")._tag, "UserSigExpired")
  })

  it("keeps undocumented codes as UnknownCode", () => {
    const error = TimError.fromCode(12345, "weird")
    assert.instanceOf(error, TimError.UnknownCode)
    assert.strictEqual(error.code, 12345)
    assert.strictEqual(error.info, "weird")
    assert.strictEqual(TimError.retryClassOf(12345), "final")
  })

  it("classifies retries as documented", () => {
    const byClass = (retry: TimError.RetryClass) =>
      TimError.classes
        .filter((cls) => cls.retry === retry)
        .map((cls) => cls.code)
        .sort()
    assert.deepStrictEqual(byClass("retryable"), [30006, 30007, 30008, 40006, 60008, 60013, 60014, 70169, 70500])
    assert.deepStrictEqual(byClass("backoff"), [30540, 31707, 60007, 60011, 60018, 60019, 70050, 72010])
    assert.deepStrictEqual(byClass("resign"), [70001])
    assert.strictEqual(TimError.minRetryDelayOf(70050), 60_000)
    assert.strictEqual(TimError.minRetryDelayOf(30006), 0)
  })

  it("tells the user to check the region on 60026", () => {
    assert.include(TimError.fromCode(60026, "").message, "region")
  })

  it.effect("works with catchTag and yields typed failures", () =>
    Effect.gen(function* () {
      const result = yield* Effect.fail(TimError.fromCode(30525, "x") as TimError.BlockedByTarget).pipe(
        Effect.catchTag("BlockedByTarget", (e) => Effect.succeed(e.code))
      )
      assert.strictEqual(result, 30525)
    })
  )

  it.effect("catchTag works for the profile codes through portrait_set's error union", () =>
    Effect.gen(function* () {
      const narrow = Api.errorFromCode(PortraitSet.api)
      const tag = yield* Effect.fail(narrow(40009, "x")).pipe(
        Effect.catchTag("ProfileTagNotFound", (e) => Effect.succeed(e.code)),
        Effect.catchAll((e) => Effect.succeed(e.code * -1))
      )
      assert.strictEqual(tag, 40009)
      // 40007 (read permission) is portrait_get's, not portrait_set's: it stays UnknownCode there.
      assert.instanceOf(narrow(40007, ""), TimError.UnknownCode)
      assert.instanceOf(Api.errorFromCode(PortraitGet.api)(40007, ""), TimError.ProfileReadForbidden)
    })
  )

  it("encodes and decodes through the TimError schema", () => {
    const error = TimError.fromCode(30008, "conflict")
    const encoded = Schema.encodeSync(TimError.TimError)(error)
    assert.deepStrictEqual(encoded, { _tag: "WriteConflict", code: 30008, info: "conflict" })
    const decoded = Schema.decodeUnknownSync(TimError.TimError)(encoded)
    assert.instanceOf(decoded, TimError.WriteConflict)
    const unknown = Schema.decodeUnknownSync(TimError.TimError)({ _tag: "UnknownCode", code: 1, info: "" })
    assert.instanceOf(unknown, TimError.UnknownCode)
  })

  it("recognises its errors", () => {
    assert.isTrue(TimError.isTimError(TimError.fromCode(30001, "")))
    assert.isTrue(TimError.isTimError(TimError.fromCode(1, "")))
    assert.isFalse(TimError.isTimError(new Error("x")))
    assert.isFalse(TimError.isTimError({ _tag: "Other", code: 1 }))
  })
})
