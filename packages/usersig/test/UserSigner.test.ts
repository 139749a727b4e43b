import { assert, describe, it } from "@effect/vitest"
import { ConfigError, ConfigProvider, type Duration, Effect, Fiber, Layer, Redacted, Ref, TestClock } from "effect"
import { UserSig, UserSigner } from "../src/index.js"
import * as internal from "../src/internal/signer.js"

const secretKey = Redacted.make("signer-test-key")
const sdkAppId = 1400000000
const t0 = 1_700_000_000_000
const day = 86_400_000

const resolved: internal.SignerOptions = {
  sdkAppId,
  secretKey,
  identifier: "administrator",
  expireSeconds: 86_400,
  refreshThreshold: 0.1,
  capacity: 10_000
}

/** A signer over the real `UserSig.sign`, counting how many sigs it makes, and how slow each one is. */
const counting = (options: Partial<internal.SignerOptions> = {}, delay?: Duration.DurationInput) =>
  Effect.gen(function* () {
    const count = yield* Ref.make(0)
    const signer = yield* internal.makeWith({ ...resolved, ...options }, (o) =>
      Ref.update(count, (n) => n + 1).pipe(
        Effect.zipRight(delay === undefined ? Effect.void : Effect.sleep(delay)),
        Effect.zipRight(UserSig.sign(o))
      )
    )
    return { signer, count: Ref.get(count) }
  })

describe("UserSigner", () => {
  it.effect("10 000 calls inside one validity window sign exactly once", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(t0)
      const { count, signer } = yield* counting()
      const first = yield* signer.sign()
      for (let i = 0; i < 10_000; i++) {
        const sig = yield* signer.sign()
        assert.strictEqual(sig, first)
        if (i % 1000 === 0) yield* TestClock.adjust("1 seconds")
      }
      assert.strictEqual(yield* count, 1)
      const claims = yield* UserSig.verify({
        sdkAppId,
        secretKey,
        identifier: "administrator",
        userSig: Redacted.value(first)
      })
      assert.strictEqual(claims.expireSeconds, 86_400)
    })
  )

  it.effect("reuses the sig at 89% of its validity and re-signs after 90%", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(t0)
      const { count, signer } = yield* counting()
      const first = Redacted.value(yield* signer.sign())
      yield* TestClock.adjust(day * 0.89)
      assert.strictEqual(Redacted.value(yield* signer.sign()), first)
      yield* TestClock.adjust(day * 0.01)
      assert.strictEqual(Redacted.value(yield* signer.sign()), first, "exactly 10% left: still reused")
      assert.strictEqual(yield* count, 1)
      yield* TestClock.adjust(1000)
      const second = Redacted.value(yield* signer.sign())
      assert.notStrictEqual(second, first)
      assert.strictEqual(yield* count, 2)
      assert.strictEqual((yield* UserSig.decode(second)).issuedAt, (t0 + day * 0.9) / 1000 + 1)
    })
  )

  it.effect("the refresh threshold is configurable", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(t0)
      const { count, signer } = yield* counting({ refreshThreshold: 0.5, expireSeconds: 100 })
      yield* signer.sign()
      yield* TestClock.adjust("50 seconds")
      yield* signer.sign()
      assert.strictEqual(yield* count, 1)
      yield* TestClock.adjust("1 seconds")
      yield* signer.sign()
      assert.strictEqual(yield* count, 2)
    })
  )

  it.effect("caches per identifier and invalidate drops one entry", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(t0)
      const { count, signer } = yield* counting()
      const admin = yield* signer.sign()
      const alice = yield* signer.sign("alice")
      yield* signer.sign("administrator")
      yield* signer.sign("alice")
      assert.strictEqual(yield* count, 2)
      assert.strictEqual((yield* UserSig.decode(Redacted.value(alice))).identifier, "alice")
      yield* signer.invalidate()
      yield* signer.sign("alice")
      assert.strictEqual(yield* count, 2)
      yield* TestClock.adjust("1 seconds")
      const again = yield* signer.sign()
      assert.strictEqual(yield* count, 3)
      assert.notStrictEqual(Redacted.value(again), Redacted.value(admin))
      yield* signer.invalidate("alice")
      yield* signer.sign("alice")
      assert.strictEqual(yield* count, 4)
    })
  )

  it.effect("concurrent callers share a single refresh", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(t0)
      const { count, signer } = yield* counting({}, "1 seconds")
      const fiber = yield* Effect.all(
        Array.from({ length: 100 }, () => signer.sign()),
        { concurrency: "unbounded" }
      ).pipe(Effect.fork)
      yield* TestClock.adjust("1 seconds")
      const sigs = yield* Fiber.join(fiber)
      assert.strictEqual(yield* count, 1)
      assert.strictEqual(new Set(sigs.map(Redacted.value)).size, 1)
      // after the refresh settles, the cache serves everyone
      yield* Effect.all(
        Array.from({ length: 100 }, () => signer.sign()),
        { concurrency: "unbounded" }
      )
      assert.strictEqual(yield* count, 1)
    })
  )

  it.effect("an interrupted caller does not strand the others", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(t0)
      const { count, signer } = yield* counting({}, "1 seconds")
      const first = yield* Effect.fork(signer.sign())
      const second = yield* Effect.fork(signer.sign())
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(second)
      yield* TestClock.adjust("1 seconds")
      yield* Fiber.join(first)
      yield* signer.sign()
      assert.strictEqual(yield* count, 1)
    })
  )

  it.effect("failures are not cached and carry the reason", () =>
    Effect.gen(function* () {
      const { count, signer } = yield* counting()
      const error = yield* Effect.flip(signer.sign("not valid!"))
      assert.strictEqual(error.reason, "InvalidIdentifier")
      yield* Effect.flip(signer.sign("not valid!"))
      assert.strictEqual(yield* count, 2)
    })
  )

  it.effect("evicts the oldest identifier beyond capacity", () =>
    Effect.gen(function* () {
      const { count, signer } = yield* counting({ capacity: 2 })
      yield* signer.sign("a")
      yield* signer.sign("b")
      yield* signer.sign("c")
      yield* signer.sign("c")
      yield* signer.sign("b")
      assert.strictEqual(yield* count, 3)
      yield* signer.sign("a")
      assert.strictEqual(yield* count, 4)
    })
  )

  it.effect("make validates options", () =>
    Effect.gen(function* () {
      const reason = (o: Partial<UserSigner.Options>) =>
        Effect.map(Effect.flip(UserSigner.make({ sdkAppId, secretKey, ...o })), (e) => e.reason)
      assert.strictEqual(yield* reason({ sdkAppId: 0 }), "InvalidSdkAppId")
      assert.strictEqual(yield* reason({ secretKey: Redacted.make("") }), "InvalidSecretKey")
      assert.strictEqual(yield* reason({ identifier: "x y" }), "InvalidIdentifier")
      assert.strictEqual(yield* reason({ expireSeconds: 0 }), "InvalidExpire")
      assert.strictEqual(yield* reason({ refreshThreshold: 1 }), "InvalidOptions")
      assert.strictEqual(yield* reason({ capacity: 0 }), "InvalidOptions")
    })
  )

  it.effect("layer: signs for the configured admin", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(t0)
      const signer = yield* UserSigner.UserSigner
      assert.strictEqual(signer.identifier, "ops_admin")
      assert.strictEqual(signer.sdkAppId, sdkAppId)
      const claims = yield* UserSig.decode(Redacted.value(yield* signer.sign()))
      assert.deepStrictEqual([claims.identifier, claims.expireSeconds], ["ops_admin", 3600])
    }).pipe(Effect.provide(UserSigner.layer({ sdkAppId, secretKey, identifier: "ops_admin", expireSeconds: 3600 })))
  )

  it.effect("layerConfig reads TIM_* variables with defaults", () =>
    Effect.gen(function* () {
      const signer = yield* UserSigner.UserSigner
      assert.strictEqual(signer.identifier, "administrator")
      assert.strictEqual(signer.expireSeconds, 86_400)
      assert.strictEqual(signer.sdkAppId, 1400000042)
      yield* UserSig.verify({
        sdkAppId: 1400000042,
        secretKey: Redacted.make("from-env"),
        identifier: "administrator",
        userSig: Redacted.value(yield* signer.sign())
      })
    }).pipe(
      Effect.provide(
        UserSigner.layerConfig().pipe(
          Layer.provide(
            Layer.setConfigProvider(
              ConfigProvider.fromMap(
                new Map([
                  ["TIM_SDKAPPID", "1400000042"],
                  ["TIM_SECRET_KEY", "from-env"]
                ])
              )
            )
          )
        )
      )
    )
  )

  it.effect("layerConfig: TIM_IDENTIFIER and TIM_USERSIG_TTL; missing key is a ConfigError", () =>
    Effect.gen(function* () {
      const provider = (entries: ReadonlyArray<[string, string]>) =>
        Layer.setConfigProvider(ConfigProvider.fromMap(new Map(entries)))
      const signer = yield* UserSigner.UserSigner.pipe(
        Effect.provide(
          UserSigner.layerConfig({ refreshThreshold: 0.2 }).pipe(
            Layer.provide(
              provider([
                ["TIM_SDKAPPID", "7"],
                ["TIM_SECRET_KEY", "k"],
                ["TIM_IDENTIFIER", "boss"],
                ["TIM_USERSIG_TTL", "600"]
              ])
            )
          )
        )
      )
      assert.deepStrictEqual([signer.identifier, signer.expireSeconds], ["boss", 600])
      const missing = yield* Effect.flip(
        UserSigner.UserSigner.pipe(
          Effect.provide(UserSigner.layerConfig().pipe(Layer.provide(provider([["TIM_SDKAPPID", "7"]]))))
        )
      )
      assert.isTrue(ConfigError.isConfigError(missing) && ConfigError.isMissingDataOnly(missing))
      const invalid = yield* Effect.flip(
        UserSigner.UserSigner.pipe(
          Effect.provide(
            UserSigner.layerConfig().pipe(
              Layer.provide(
                provider([
                  ["TIM_SDKAPPID", "-3"],
                  ["TIM_SECRET_KEY", "k"]
                ])
              )
            )
          )
        )
      )
      assert.strictEqual(invalid._tag, "UserSigError")
    })
  )

  it.effect("layerStatic hands out the given sig", () =>
    Effect.gen(function* () {
      const signer = yield* UserSigner.UserSigner
      assert.strictEqual(Redacted.value(yield* signer.sign()), "fixed")
      yield* signer.invalidate()
    }).pipe(Effect.provide(UserSigner.layerStatic({ sdkAppId, userSig: Redacted.make("fixed") })))
  )
})
