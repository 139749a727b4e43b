import { deflateSync } from "node:zlib"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, FastCheck as fc, Redacted, TestClock } from "effect"
import { Api } from "tls-sig-api-v2"
import { UserSig } from "../src/index.js"
import * as codec from "../src/internal/codec.js"
import type { UserSigError } from "../src/UserSigError.js"
import type { GoldenCase } from "./fixtures/generate.js"
import golden from "./fixtures/golden.json" with { type: "json" }

const cases = golden as ReadonlyArray<GoldenCase>
const key = "test-secret-key-0123456789"
const secretKey = Redacted.make(key)
const sdkAppId = 1400000000
const t0 = 1_700_000_000_000

/** Build a UserSig from any JSON document, at any zlib level (the Go signer writes level 0). */
const forge = (doc: unknown, level = 6): string =>
  codec.escape(
    deflateSync(Buffer.from(typeof doc === "string" ? doc : JSON.stringify(doc)), { level }).toString("base64")
  )

/** A genuine document for `key`, in the Go signer's key order. */
const goDoc = (identifier: string, time: number, expire: number, userBuf?: string) => {
  const fields = { identifier, sdkAppId, time, expire, userBuf }
  return {
    "TLS.ver": "2.0",
    "TLS.identifier": identifier,
    "TLS.sdkappid": sdkAppId,
    "TLS.expire": expire,
    "TLS.time": time,
    ...(userBuf === undefined ? {} : { "TLS.userbuf": userBuf }),
    "TLS.sig": codec.hmac(secretKey, fields).toString("base64")
  }
}

/** The sign options of a golden vector. */
const inputsOf = (c: GoldenCase): UserSig.SignOptions => ({
  sdkAppId: c.sdkAppId,
  secretKey: Redacted.make(c.secretKey),
  identifier: c.identifier,
  expireSeconds: c.expireSeconds,
  userBuf: c.userBuf === null ? undefined : Buffer.from(c.userBuf, "base64")
})

const reasonOf = <A>(effect: Effect.Effect<A, UserSigError>) => Effect.map(Effect.flip(effect), (error) => error.reason)

describe("UserSig.sign", () => {
  it.effect.each(cases)("golden vector: $name", (c) =>
    Effect.gen(function* () {
      yield* TestClock.setTime(c.nowMs)
      const userSig = yield* UserSig.sign(inputsOf(c))
      assert.strictEqual(userSig, c.userSig)
    })
  )

  it.effect.each(cases)("golden vector verifies: $name", (c) =>
    Effect.gen(function* () {
      yield* TestClock.setTime(c.nowMs)
      const claims = yield* UserSig.verify({ ...inputsOf(c), userSig: c.userSig })
      const issuedAt = Math.floor(c.nowMs / 1000)
      assert.strictEqual(claims.identifier, c.identifier)
      assert.strictEqual(claims.sdkAppId, c.sdkAppId)
      assert.strictEqual(claims.issuedAt, issuedAt)
      assert.strictEqual(claims.expireSeconds, c.expireSeconds)
      assert.strictEqual(claims.expiresAt, issuedAt + c.expireSeconds)
      assert.strictEqual(claims.userBuf && Buffer.from(claims.userBuf).toString("base64"), c.userBuf ?? undefined)
    })
  )

  it.effect("reads the Clock: same second gives the same sig, the next second a new one", () =>
    Effect.gen(function* () {
      const opts = { sdkAppId, secretKey, identifier: "alice", expireSeconds: 60 }
      yield* TestClock.setTime(t0)
      const a = yield* UserSig.sign(opts)
      yield* TestClock.adjust("999 millis")
      assert.strictEqual(yield* UserSig.sign(opts), a)
      yield* TestClock.adjust("1 millis")
      assert.notStrictEqual(yield* UserSig.sign(opts), a)
    })
  )

  it.effect("rejects bad input with typed errors, never throwing", () =>
    Effect.gen(function* () {
      const ok = { sdkAppId, secretKey, identifier: "alice", expireSeconds: 60 }
      const reasons = yield* Effect.all([
        reasonOf(UserSig.sign({ ...ok, identifier: "" })),
        reasonOf(UserSig.sign({ ...ok, identifier: "a".repeat(33) })),
        reasonOf(UserSig.sign({ ...ok, identifier: "bad id" })),
        reasonOf(UserSig.sign({ ...ok, identifier: "用户" })),
        reasonOf(UserSig.sign({ ...ok, identifier: "a.b" })),
        reasonOf(UserSig.sign({ ...ok, expireSeconds: 0 })),
        reasonOf(UserSig.sign({ ...ok, expireSeconds: -5 })),
        reasonOf(UserSig.sign({ ...ok, expireSeconds: 1.5 })),
        reasonOf(UserSig.sign({ ...ok, expireSeconds: Number.NaN })),
        reasonOf(UserSig.sign({ ...ok, sdkAppId: 0 })),
        reasonOf(UserSig.sign({ ...ok, sdkAppId: -1 })),
        reasonOf(UserSig.sign({ ...ok, sdkAppId: 1.5 })),
        reasonOf(UserSig.sign({ ...ok, secretKey: Redacted.make("") }))
      ])
      assert.deepStrictEqual(reasons, [
        "InvalidIdentifier",
        "InvalidIdentifier",
        "InvalidIdentifier",
        "InvalidIdentifier",
        "InvalidIdentifier",
        "InvalidExpire",
        "InvalidExpire",
        "InvalidExpire",
        "InvalidExpire",
        "InvalidSdkAppId",
        "InvalidSdkAppId",
        "InvalidSdkAppId",
        "InvalidSecretKey"
      ])
      const tooLong = yield* Effect.flip(UserSig.sign({ ...ok, identifier: "a".repeat(33) }))
      assert.include(tooLong.message, "32 bytes")
      const charset = yield* Effect.flip(UserSig.sign({ ...ok, identifier: "bad id" }))
      assert.include(charset.message, "A-Z a-z 0-9 _ -")
      const expire = yield* Effect.flip(UserSig.sign({ ...ok, expireSeconds: 0 }))
      assert.include(expire.message, "expireSeconds")
      assert.strictEqual(expire._tag, "UserSigError")
    })
  )

  it.effect("32 ASCII bytes is the longest identifier", () =>
    Effect.gen(function* () {
      const userSig = yield* UserSig.sign({ sdkAppId, secretKey, identifier: "a".repeat(32), expireSeconds: 1 })
      assert.strictEqual((yield* UserSig.decode(userSig)).identifier, "a".repeat(32))
    })
  )
})

describe("UserSig.verify", () => {
  const opts = { sdkAppId, secretKey, identifier: "alice" }

  it.effect("checkClaims makes verify's identifier and expiry checks on claims verified earlier", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(t0)
      const userSig = yield* UserSig.sign({ ...opts, expireSeconds: 60 })
      const claims = yield* UserSig.verify({ ...opts, userSig })
      const now = claims.issuedAt
      assert.isUndefined(UserSig.checkClaims(claims, { identifier: "alice", now: now + 60 }))
      for (const [identifier, at] of [
        ["bob", now],
        ["alice", now + 61]
      ] as const) {
        yield* TestClock.setTime(at * 1000)
        const viaVerify = yield* Effect.flip(UserSig.verify({ ...opts, identifier, userSig }))
        const viaClaims = UserSig.checkClaims(claims, { identifier, now: at })
        assert.deepStrictEqual([viaClaims?.reason, viaClaims?.message], [viaVerify.reason, viaVerify.message])
      }
    })
  )

  it.effect("round-trips with and without userBuf", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(t0)
      const userBuf = new Uint8Array([1, 2, 3, 255])
      const plain = yield* UserSig.sign({ ...opts, expireSeconds: 600 })
      const withBuf = yield* UserSig.sign({ ...opts, expireSeconds: 600, userBuf })
      const claims = yield* UserSig.verify({ ...opts, userSig: plain })
      assert.deepStrictEqual(claims, {
        identifier: "alice",
        sdkAppId,
        issuedAt: t0 / 1000,
        expireSeconds: 600,
        expiresAt: t0 / 1000 + 600
      })
      const bufClaims = yield* UserSig.verify({ ...opts, userSig: withBuf, userBuf })
      assert.deepStrictEqual(Array.from(bufClaims.userBuf ?? []), [1, 2, 3, 255])
    })
  )

  it.effect("accepts zlib level 0 (stored blocks, as the Go signer writes) and any key order", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(t0)
      const time = t0 / 1000
      for (const level of [0, 1, 9]) {
        const claims = yield* UserSig.verify({ ...opts, userSig: forge(goDoc("alice", time, 60), level) })
        assert.strictEqual(claims.expiresAt, time + 60)
      }
      const withBuf = forge(goDoc("alice", time, 60, Buffer.from("buf").toString("base64")), 0)
      yield* UserSig.verify({ ...opts, userSig: withBuf, userBuf: Buffer.from("buf") })
    })
  )

  it.effect("expiry boundary: valid through time + expire, Expired one second later", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(t0)
      const userSig = yield* UserSig.sign({ ...opts, expireSeconds: 100 })
      yield* TestClock.adjust("100 seconds")
      yield* UserSig.verify({ ...opts, userSig })
      yield* TestClock.adjust("999 millis")
      yield* UserSig.verify({ ...opts, userSig })
      yield* TestClock.adjust("1 millis")
      const error = yield* Effect.flip(UserSig.verify({ ...opts, userSig }))
      assert.strictEqual(error.reason, "Expired")
      assert.include(error.message, String(t0 / 1000 + 100))
    })
  )

  it.effect("Malformed: base64, zlib, JSON, missing and ill-typed fields", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(t0)
      const time = t0 / 1000
      const good = goDoc("alice", time, 60)
      const without = (field: string) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== field))
      const userSigs = [
        "",
        "not base64!",
        "abcde",
        "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS8",
        codec.escape(Buffer.from("plain text, not zlib").toString("base64")),
        forge("not json"),
        forge("[1,2,3]"),
        forge("null"),
        forge(without("TLS.identifier")),
        forge(without("TLS.sdkappid")),
        forge(without("TLS.time")),
        forge(without("TLS.expire")),
        forge(without("TLS.sig")),
        forge({ ...good, "TLS.identifier": 42 }),
        forge({ ...good, "TLS.sdkappid": String(sdkAppId) }),
        forge({ ...good, "TLS.time": 1.5 }),
        forge({ ...good, "TLS.expire": "60" }),
        forge({ ...good, "TLS.sig": 7 }),
        forge({ ...good, "TLS.sig": "not base64!" }),
        forge({ ...good, "TLS.userbuf": 1 }),
        forge(JSON.stringify(good).slice(0, -10))
      ]
      for (const userSig of userSigs) {
        const exit = yield* Effect.exit(UserSig.verify({ ...opts, userSig }))
        assert.isTrue(Exit.isFailure(exit), userSig)
        assert.strictEqual((yield* Effect.flip(UserSig.verify({ ...opts, userSig }))).reason, "Malformed", userSig)
        assert.strictEqual((yield* Effect.flip(UserSig.decode(userSig))).reason, "Malformed", userSig)
      }
      // a truncated zlib stream
      const full = forge(good)
      const truncated = codec.escape(codec.decodeEscaped(full)!.subarray(0, 20).toString("base64"))
      assert.strictEqual(yield* reasonOf(UserSig.verify({ ...opts, userSig: truncated })), "Malformed")
    })
  )

  it.effect("each failure reason, checked in the Go verifier's order", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(t0)
      const userBuf = Buffer.from("room 42")
      const userSig = yield* UserSig.sign({ ...opts, expireSeconds: 60 })
      const withBuf = yield* UserSig.sign({ ...opts, expireSeconds: 60, userBuf })
      const wrongKey = Redacted.make("another key")
      const v = (o: Partial<UserSig.VerifyOptions>) => reasonOf(UserSig.verify({ ...opts, userSig, ...o }))

      assert.strictEqual(yield* v({ sdkAppId: 1400000001 }), "SdkAppIdMismatch")
      assert.strictEqual(yield* v({ identifier: "bob" }), "IdentifierMismatch")
      assert.strictEqual(yield* v({ userBuf }), "UserBufMismatch")
      assert.strictEqual(yield* v({ userSig: withBuf }), "UserBufMismatch")
      assert.strictEqual(yield* v({ userSig: withBuf, userBuf: Buffer.from("room 43") }), "UserBufMismatch")
      assert.strictEqual(yield* v({ secretKey: wrongKey }), "SignatureMismatch")
      // tampered content with the original signature
      const tampered = forge({ ...goDoc("alice", t0 / 1000, 60), "TLS.expire": 6000 })
      assert.strictEqual(yield* v({ userSig: tampered }), "SignatureMismatch")

      // order: sdkAppId before identifier before expiry before userBuf before signature
      assert.strictEqual(yield* v({ sdkAppId: 1, identifier: "bob", secretKey: wrongKey }), "SdkAppIdMismatch")
      assert.strictEqual(yield* v({ userSig: "%%%", sdkAppId: 1 }), "Malformed")
      yield* TestClock.adjust("61 seconds")
      assert.strictEqual(yield* v({ identifier: "bob", secretKey: wrongKey }), "IdentifierMismatch")
      assert.strictEqual(yield* v({ userBuf, secretKey: wrongKey }), "Expired")
      yield* TestClock.setTime(t0)
      assert.strictEqual(yield* v({ userBuf, secretKey: wrongKey }), "UserBufMismatch")
    })
  )

  it.effect("invalid expectations are typed errors too", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* reasonOf(UserSig.verify({ ...opts, userSig: "x", sdkAppId: 0 })), "InvalidSdkAppId")
      assert.strictEqual(
        yield* reasonOf(UserSig.verify({ ...opts, userSig: "x", secretKey: Redacted.make("") })),
        "InvalidSecretKey"
      )
    })
  )

  it.effect("does not reject received identifiers on charset, only compares them", () =>
    Effect.gen(function* () {
      const realNow = Date.now
      let userSig: string
      try {
        Date.now = () => t0
        userSig = new Api(sdkAppId, key).genUserSig("用户🙂 with space", 60)
      } finally {
        Date.now = realNow
      }
      yield* TestClock.setTime(t0)
      const claims = yield* UserSig.verify({ ...opts, identifier: "用户🙂 with space", userSig })
      assert.strictEqual(claims.identifier, "用户🙂 with space")
      assert.strictEqual((yield* UserSig.decode(userSig)).identifier, "用户🙂 with space")
      assert.strictEqual(yield* reasonOf(UserSig.verify({ ...opts, userSig })), "IdentifierMismatch")
    })
  )
})

describe("UserSig.decode", () => {
  it.effect("reads claims of expired and foreign sigs without verifying", () =>
    Effect.gen(function* () {
      const c = cases[0]!
      const claims = yield* UserSig.decode(c.userSig)
      assert.deepStrictEqual(claims, {
        identifier: c.identifier,
        sdkAppId: c.sdkAppId,
        issuedAt: Math.floor(c.nowMs / 1000),
        expireSeconds: c.expireSeconds,
        expiresAt: Math.floor(c.nowMs / 1000) + c.expireSeconds
      })
    })
  )
})

// Characters a valid identifier may hold.
const identifierChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-".split("")

describe("properties", () => {
  it.effect.prop(
    "byte-identical to the official tls-sig-api-v2, live",
    {
      identifier: fc.array(fc.constantFrom(...identifierChars), { minLength: 1, maxLength: 32 }).map((a) => a.join("")),
      expireSeconds: fc.integer({ min: 1, max: 20 * 365 * 86400 }),
      sdkAppId: fc.integer({ min: 1, max: 2 ** 32 - 1 }),
      secretKey: fc.string({ minLength: 1, maxLength: 80, unit: "binary" }),
      nowMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
      userBuf: fc.option(fc.uint8Array({ maxLength: 700 }), { nil: undefined })
    },
    ({ expireSeconds, identifier, nowMs, sdkAppId, secretKey, userBuf }) =>
      Effect.gen(function* () {
        const realNow = Date.now
        let official: string
        try {
          Date.now = () => nowMs
          const api = new Api(sdkAppId, secretKey)
          official =
            userBuf === undefined
              ? api.genUserSig(identifier, expireSeconds)
              : api.genSig(identifier, expireSeconds, Buffer.from(userBuf))
        } finally {
          Date.now = realNow
        }
        yield* TestClock.setTime(nowMs)
        const options = { sdkAppId, secretKey: Redacted.make(secretKey), identifier, expireSeconds, userBuf }
        const ours = yield* UserSig.sign(options)
        assert.strictEqual(ours, official)
        const claims = yield* UserSig.verify({ ...options, userSig: ours })
        assert.strictEqual(claims.expiresAt, Math.floor(nowMs / 1000) + expireSeconds)
      }),
    { fastCheck: { numRuns: 500 } }
  )

  it.prop(
    "small-window deflate equals default deflateSync up to the limit",
    [
      fc.string({ minLength: 0, maxLength: codec.SMALL_WINDOW_LIMIT + 200, unit: fc.constantFrom(...'ab{}":,TLS.01x') })
    ],
    ([text]) => {
      const input = Buffer.from(text, "latin1")
      assert.deepStrictEqual(codec.deflate(input), deflateSync(input))
    },
    { fastCheck: { numRuns: 2000 } }
  )

  it("small-window deflate equals default deflateSync for realistic documents at every length", () => {
    for (let length = 0; length <= codec.SMALL_WINDOW_LIMIT + 8; length++) {
      const sig = codec.hmac(secretKey, { identifier: "x", sdkAppId, time: length, expire: 1, userBuf: undefined })
      const userBuf = Buffer.from(Array.from({ length }, (_, i) => (i * i * 31 + length) % 256))
        .toString("base64")
        .slice(0, length)
      const doc = codec.document(
        { identifier: "user", sdkAppId, time: 1_700_000_000 + length, expire: 86400, userBuf },
        sig.toString("base64")
      )
      const input = Buffer.from(doc, "latin1")
      assert.deepStrictEqual(codec.deflate(input), deflateSync(input), `length ${input.length}`)
    }
  })
})
