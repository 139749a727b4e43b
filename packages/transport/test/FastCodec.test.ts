import { assert, describe, it } from "@effect/vitest"
import * as S from "@effect-tim/schema"
import { Arbitrary, Either, FastCheck as fc, Schema } from "effect"
import { requestSamples as samples } from "../../schema/test/fixtures/samples.js"
import * as fastCodec from "../src/internal/fastCodec.js"

fc.configureGlobal({ defaultSizeToMaxWhenMaxSpecified: false })

const allApis = Object.entries(S).flatMap(([name, mod]) =>
  "api" in mod ? [[name, (mod as { api: S.Api.Any }).api] as const] : []
)

/**
 * The APIs the fast path covers (both codecs compile). The others take Effect's parser, which is correct for any
 * schema; every relationship-chain (sns) API, the bulk path, must be covered.
 */
const apis = allApis.filter(
  ([, api]) =>
    fastCodec.compile(api.Request.ast, false) !== undefined && fastCodec.compile(api.Response.ast, true) !== undefined
)

/** The fast path either agrees with Effect's parser or defers to it; it never accepts what the parser rejects. */
const agrees = (
  fast: fastCodec.Fast,
  full: (u: unknown) => Either.Either<unknown, unknown>,
  input: unknown
): "fast" | "deferred" => {
  const value = fast(input)
  if (value === fastCodec.Fallback) return "deferred"
  const expected = full(input)
  assert.isTrue(Either.isRight(expected), `fast path accepted what the parser rejects: ${JSON.stringify(input)}`)
  assert.deepStrictEqual(value, Either.isRight(expected) ? expected.right : undefined)
  return "fast"
}

describe("fastCodec", () => {
  it("compiles the envelope, and every API's request encoder and response decoder", () => {
    const envelope = fastCodec.compile(S.Envelope.Envelope.ast, true)
    assert.isDefined(envelope)
    for (const wire of [
      { ActionStatus: "OK", ErrorCode: 0, InfoItem: [] },
      { ActionStatus: "FAIL", ErrorCode: 30001, ErrorInfo: "x", ErrorDisplay: "" },
      { ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "0" }
    ]) {
      assert.strictEqual(agrees(envelope!, Schema.decodeUnknownEither(S.Envelope.Envelope), wire), "fast")
    }
    assert.isAbove(apis.length, 15)
    for (const [name, api] of allApis.filter(([, api]) => api.service === "sns")) {
      assert.isDefined(fastCodec.compile(api.Request.ast, false), `${name} request`)
      assert.isDefined(fastCodec.compile(api.Response.ast, true), `${name} response`)
    }
  })

  it("matches Effect's parser on valid requests of every API, and takes the fast path for them", () => {
    const covered = new Set<string>()
    for (const [name, wire] of Object.entries(samples)) {
      const found = apis.find(([n]) => n === name)
      if (found === undefined) continue
      const api = found[1]
      const value = Schema.decodeUnknownSync(api.Request)(wire)
      const encode = fastCodec.compile(api.Request.ast, false)!
      assert.strictEqual(agrees(encode, Schema.encodeUnknownEither(api.Request), value), "fast", name)
      assert.deepStrictEqual(encode(value), wire, name)
      covered.add(name)
    }
    assert.deepStrictEqual([...covered].sort(), apis.map(([name]) => name).sort())
  })

  it("matches Effect's parser on generated answers of every API", () => {
    for (const [name, api] of apis) {
      const decode = fastCodec.compile(api.Response.ast, true)!
      const fullDecode = Schema.decodeUnknownEither(api.Response)
      let fast = 0
      fc.assert(
        fc.property(Arbitrary.make(Schema.encodedSchema(api.Response)), (generated) => {
          // JSON turns NaN and ±Infinity into null, as a real answer would carry them.
          const wire = JSON.parse(JSON.stringify(generated))
          if (agrees(decode, fullDecode, wire) === "fast") fast++
          else assert.isTrue(Either.isLeft(fullDecode(wire)), `${name}: a valid answer missed the fast path`)
        }),
        { numRuns: 25 }
      )
      assert.isAbove(fast, 10, name)
    }
  })

  it("defers to the parser on anything it does not vouch for", () => {
    for (const [, api] of apis) {
      const decode = fastCodec.compile(api.Response.ast, true)!
      const encode = fastCodec.compile(api.Request.ast, false)!
      const fullDecode = Schema.decodeUnknownEither(api.Response)
      const fullEncode = Schema.encodeUnknownEither(api.Request)
      fc.assert(
        fc.property(fc.jsonValue(), (junk) => {
          agrees(decode, fullDecode, junk)
          agrees(encode, fullEncode, junk)
        }),
        { numRuns: 30 }
      )
    }
    const check = fastCodec.compile(S.FriendCheck.Request.ast, false)!
    const valid = { fromAccount: "a", toAccounts: ["b"], checkType: "CheckResult_Type_Both" }
    assert.notStrictEqual(check(valid), fastCodec.Fallback)
    for (const invalid of [
      { ...valid, toAccounts: ["bad id!"] },
      { ...valid, toAccounts: [] },
      { ...valid, checkType: "nope" },
      { toAccounts: ["b"], checkType: "CheckResult_Type_Both" },
      null,
      []
    ]) {
      assert.strictEqual(check(invalid), fastCodec.Fallback, JSON.stringify(invalid))
    }
  })
  it("builds renamed structs in one pass, checking each field and transforming it exactly as the parser does", () => {
    const Item = Schema.Struct({
      count: Schema.propertySignature(Schema.NumberFromString).pipe(Schema.fromKey("Count")),
      name: Schema.propertySignature(S.Fields.UserId).pipe(Schema.fromKey("Name")),
      note: Schema.optionalWith(Schema.String, { default: () => "" }).pipe(Schema.fromKey("Note")),
      kept: Schema.Number
    })
    const decode = fastCodec.compile(Item.ast, true)!
    const encode = fastCodec.compile(Item.ast, false)!
    const fullDecode = Schema.decodeUnknownEither(Item)
    const fullEncode = Schema.encodeUnknownEither(Item)
    const wire = { Count: "3", Name: "u1", kept: 1 }
    assert.strictEqual(agrees(decode, fullDecode, wire), "fast")
    assert.deepStrictEqual(decode(wire), { count: 3, name: "u1", kept: 1, note: "" })
    assert.strictEqual(agrees(decode, fullDecode, { ...wire, Note: "n", Extra: true }), "fast")
    for (const invalid of [
      { ...wire, Count: "x" },
      { ...wire, Name: "bad id!" },
      { ...wire, Note: 1 },
      { ...wire, kept: "1" },
      { Name: "u1", kept: 1 }
    ]) {
      assert.strictEqual(agrees(decode, fullDecode, invalid), "deferred", JSON.stringify(invalid))
    }
    const value = { count: 3, name: "u1", note: "n", kept: 1 }
    assert.strictEqual(agrees(encode, fullEncode, value), "fast")
    assert.deepStrictEqual(encode(value), { Count: "3", Name: "u1", Note: "n", kept: 1 })
    for (const invalid of [
      { ...value, name: "bad id!" },
      { ...value, count: "3" },
      { ...value, kept: "1" }
    ]) {
      assert.strictEqual(agrees(encode, fullEncode, invalid), "deferred", JSON.stringify(invalid))
    }
  })

  it("checks a decoded nested list once, and still checks a value that a key transformation puts in its place", () => {
    const Item = Schema.Struct({ name: Schema.propertySignature(S.Fields.UserId).pipe(Schema.fromKey("Name")) })
    const listOf = (fallback: () => ReadonlyArray<{ readonly name: string }>) =>
      Schema.Struct({
        items: Schema.optionalWith(Schema.Union(Schema.Array(Item), Schema.Undefined), {
          default: fallback as () => ReadonlyArray<typeof Item.Type>
        }).pipe(Schema.fromKey("Items"))
      })
    const Good = listOf(() => [])
    // A default that is not a list of items: the parser refuses it, so the fast path must check it too.
    const Bad = listOf(() => [{ nope: 1 } as unknown as { readonly name: string }])
    const good = fastCodec.compile(Good.ast, true)!
    const bad = fastCodec.compile(Bad.ast, true)!
    const wire = { Items: [{ Name: "u1" }, { Name: "u2" }] }
    assert.strictEqual(agrees(good, Schema.decodeUnknownEither(Good), wire), "fast")
    assert.deepStrictEqual(good(wire), { items: [{ name: "u1" }, { name: "u2" }] })
    assert.strictEqual(agrees(good, Schema.decodeUnknownEither(Good), {}), "fast")
    assert.strictEqual(agrees(good, Schema.decodeUnknownEither(Good), { Items: [{ Name: "bad id!" }] }), "deferred")
    assert.strictEqual(agrees(bad, Schema.decodeUnknownEither(Bad), wire), "fast")
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(Bad)({})))
    assert.strictEqual(agrees(bad, Schema.decodeUnknownEither(Bad), {}), "deferred")
    assert.strictEqual(agrees(bad, Schema.decodeUnknownEither(Bad), { Items: undefined }), "deferred")
  })

  it("checks literal unions of every size, small ones by comparison and large ones by a set", () => {
    for (const size of [1, 3, 16, 17, 40]) {
      const literals = Array.from({ length: size }, (_, i) => `Kind_${i}`)
      const schema = Schema.Literal(...literals)
      const decode = fastCodec.compile(schema.ast, true)!
      const full = Schema.decodeUnknownEither(schema)
      // Fresh strings, as JSON.parse makes them: equal content, not the same string object.
      for (const literal of literals)
        assert.strictEqual(agrees(decode, full, JSON.parse(JSON.stringify(literal))), "fast")
      for (const other of [`Kind_${size}`, "kind_0", "", 0, null, undefined, {}]) {
        assert.strictEqual(decode(other), fastCodec.Fallback, `${size}: ${String(other)}`)
      }
    }
  })
})
