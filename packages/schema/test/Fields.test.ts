import { assert, describe, it } from "@effect/vitest"
import { Either, FastCheck, Schema } from "effect"
import { Envelope, Fields } from "../src/index.js"

const valid = <A, I>(schema: Schema.Schema<A, I>, value: unknown) =>
  Either.isRight(Schema.decodeUnknownEither(schema)(value))
const errorOf = <A, I>(schema: Schema.Schema<A, I>, value: unknown) =>
  Either.match(Schema.decodeUnknownEither(schema)(value), { onLeft: (e) => e.message, onRight: () => "" })

describe("Fields", () => {
  it("UserId: 1 to 32 bytes of A-Z a-z 0-9 _ -", () => {
    assert.isTrue(valid(Fields.UserId, "a"))
    assert.isTrue(valid(Fields.UserId, "Alice_Bob-42"))
    assert.isTrue(valid(Fields.UserId, "x".repeat(32)))
    assert.isFalse(valid(Fields.UserId, ""))
    assert.isFalse(valid(Fields.UserId, "x".repeat(33)))
    assert.isFalse(valid(Fields.UserId, "a b"))
    assert.isFalse(valid(Fields.UserId, "用户"))
    assert.isFalse(valid(Fields.UserId, 42))
    assert.include(errorOf(Fields.UserId, "a b"), "UserID")
  })

  it("UserId agrees with isUserId on arbitrary strings", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.string({ maxLength: 40 }), (s) => valid(Fields.UserId, s) === Fields.isUserId(s))
    )
  })

  it("AddSource needs its prefix and 1 to 8 letters", () => {
    assert.isTrue(valid(Fields.AddSource, "AddSource_Type_Android"))
    assert.isFalse(valid(Fields.AddSource, "Android"))
    assert.isFalse(valid(Fields.AddSource, "AddSource_Type_"))
    assert.isFalse(valid(Fields.AddSource, "AddSource_Type_TooLongXX"))
    assert.isFalse(valid(Fields.AddSource, "AddSource_Type_And1"))
    assert.include(errorOf(Fields.AddSource, "Android"), "AddSource_Type_")
  })

  it("Remark counts UTF-8 bytes, not characters", () => {
    assert.isTrue(valid(Fields.Remark, "x".repeat(96)))
    assert.isFalse(valid(Fields.Remark, "x".repeat(97)))
    assert.isTrue(valid(Fields.Remark, "好".repeat(32))) // 96 bytes
    assert.isFalse(valid(Fields.Remark, "好".repeat(33))) // 99 bytes
    assert.isTrue(valid(Fields.Remark, "🙂".repeat(24))) // 96 bytes
    assert.isFalse(valid(Fields.Remark, `${"🙂".repeat(24)}x`))
    assert.include(errorOf(Fields.Remark, "x".repeat(97)), "97")
  })

  it("byte length matches Buffer.byteLength", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.fullUnicodeString({ maxLength: 40 }), (s) => {
        const bytes = Buffer.byteLength(s)
        return valid(Fields.AddWording, s) === bytes <= 256 && valid(Fields.Remark, s) === bytes <= 96
      })
    )
  })

  it("GroupName, AddWording, CustomTag", () => {
    assert.isTrue(valid(Fields.GroupName, "x".repeat(30)))
    assert.isFalse(valid(Fields.GroupName, ""))
    assert.isFalse(valid(Fields.GroupName, "x".repeat(31)))
    assert.isTrue(valid(Fields.AddWording, "x".repeat(256)))
    assert.isFalse(valid(Fields.AddWording, "x".repeat(257)))
    assert.isTrue(valid(Fields.CustomTag, "Tag_SNS_Custom_Test"))
    assert.isFalse(valid(Fields.CustomTag, "Tag_SNS_Custom_Test1"))
    assert.isFalse(valid(Fields.CustomTag, "Tag_SNS_IM_Remark"))
  })
})

describe("Envelope", () => {
  it("ignores unknown fields and accepts any ErrorInfo", () => {
    const envelope = Schema.decodeUnknownSync(Envelope.Envelope)({
      ActionStatus: "OK",
      ErrorCode: 0,
      ErrorInfo: "0",
      RequestId: "abc",
      ResultItem: []
    })
    assert.isFalse(Envelope.isFailure(envelope))
    assert.isTrue(
      Envelope.isFailure(Schema.decodeUnknownSync(Envelope.Envelope)({ ActionStatus: "FAIL", ErrorCode: 30001 }))
    )
    assert.isTrue(
      Envelope.isFailure(Schema.decodeUnknownSync(Envelope.Envelope)({ ActionStatus: "OK", ErrorCode: 60007 }))
    )
  })
})
