import { assert, describe, it } from "@effect/vitest"
import { FriendAdd, FriendCheck, TimError } from "@effect-tim/schema"
import type { UserSigner } from "@effect-tim/usersig"
import { UserSigner as Signer } from "@effect-tim/usersig"
import { Chunk, Duration, Effect, Exit, Fiber, Layer, Random, Redacted, Schedule, Schema, TestClock } from "effect"
import { TimClient, TransportError } from "../src/index.js"
import { checkOk, checkRequest, fail, json, type Reply, scripted, seedClient } from "./fixtures/scripted.js"

const check = (request = checkRequest()) => Effect.flatMap(TimClient.TimClient, (c) => c.call(FriendCheck.api, request))

/** Runs `effect` against a scripted server; returns its exit and the requests seen. */
const against = <A, E>(
  script: ReadonlyArray<Reply> | ((index: number) => Reply),
  effect: Effect.Effect<A, E, TimClient.TimClient>,
  options: TimClient.ClientOptions = {}
) => {
  const http = scripted(script)
  return Effect.map(Effect.exit(Effect.provide(effect, seedClient(http, options))), (exit) => ({
    exit,
    seen: http.seen
  }))
}

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  assert.isTrue(Exit.isFailure(exit), "expected a failure")
  const error = Exit.isFailure(exit) ? exit.cause : undefined
  const failure = error?._tag === "Fail" ? error.error : undefined
  assert.isDefined(failure, `expected a typed failure, got ${String(error)}`)
  return failure as E
}

describe("TimClient.call", () => {
  it.effect("sends the seed's exact URL, a POST with a JSON body in wire format", () =>
    Effect.gen(function* () {
      const request = {
        fromAccount: "id",
        items: [{ toAccount: "id2", addSource: "AddSource_Type_XXXXXXXX" }]
      } as unknown as FriendAdd.Request
      const { exit, seen } = yield* against(
        [json({ ActionStatus: "OK", ErrorCode: 0, ResultItem: [{ To_Account: "id2", ResultCode: 0 }] })],
        Effect.flatMap(TimClient.TimClient, (c) => c.call(FriendAdd.api, request)).pipe(
          Effect.withRandom(Random.fixed([(99999999 + 0.5) / 4294967296]))
        )
      )
      assert.isTrue(Exit.isSuccess(exit))
      assert.strictEqual(
        seen[0]?.url,
        "https://xxxxxx/v4/sns/friend_add?sdkappid=88888888&identifier=admin&usersig=xxx&random=99999999&contenttype=json"
      )
      assert.strictEqual(seen[0]?.method, "POST")
      assert.strictEqual(seen[0]?.contentType, "application/json")
      assert.deepStrictEqual(JSON.parse(seen[0]?.body ?? ""), {
        From_Account: "id",
        AddFriendItem: [{ To_Account: "id2", AddSource: "AddSource_Type_XXXXXXXX" }]
      })
    })
  )

  it.effect("random is a uint32, fresh for every attempt, from 0 to 4294967295 inclusive", () =>
    Effect.gen(function* () {
      const edges = yield* against(
        [fail(30006), checkOk(["bob"])],
        check().pipe(TimClient.withRetry({ baseDelay: 0 }), Effect.withRandom(Random.fixed([0, 0.5, 1]))),
        // The limiter paces a retry too (5 ms at 200/s), which TestClock would never reach: not what this tests.
        { rateLimit: Number.POSITIVE_INFINITY }
      )
      assert.deepStrictEqual(
        edges.seen.map((s) => new URL(s.url).searchParams.get("random")),
        ["0", "4294967295"]
      )
      const many = yield* against(
        [checkOk(["bob"])],
        Effect.forEach(Array.from({ length: 300 }), () => check(), { concurrency: 1 }).pipe(
          Effect.withRandom(Random.make(42))
        ),
        { rateLimit: Number.POSITIVE_INFINITY }
      )
      const randoms = many.seen.map((s) => Number(new URL(s.url).searchParams.get("random")))
      assert.strictEqual(randoms.length, 300)
      for (const r of randoms) assert.isTrue(Number.isInteger(r) && r >= 0 && r <= 4294967295, String(r))
      assert.isAbove(new Set(randoms).size, 295)
      assert.isTrue(
        randoms.some((r) => r >= 2 ** 31),
        "the upper half of the range is used"
      )
      // Under the default Random service the client draws from Math.random: the same range, as fresh.
      const live = yield* against(
        [checkOk(["bob"])],
        Effect.forEach(Array.from({ length: 300 }), () => check()),
        {
          rateLimit: Number.POSITIVE_INFINITY
        }
      )
      const liveRandoms = live.seen.map((s) => Number(new URL(s.url).searchParams.get("random")))
      assert.strictEqual(liveRandoms.length, 300)
      for (const r of liveRandoms) assert.isTrue(Number.isInteger(r) && r >= 0 && r <= 4294967295, String(r))
      assert.isAbove(new Set(liveRandoms).size, 295)
      assert.isTrue(liveRandoms.some((r) => r >= 2 ** 31) && liveRandoms.some((r) => r < 2 ** 31))
    })
  )

  it.effect("decodes the response into camelCase", () =>
    Effect.gen(function* () {
      const reply = checkOk(["bob"])
      const { exit } = yield* against([reply], check())
      assert.isTrue(Exit.isSuccess(exit))
      const value = Exit.isSuccess(exit) ? exit.value : undefined
      assert.deepStrictEqual(value?.infoItems, [
        { toAccount: "bob", relation: "CheckResult_Type_BothWay", resultCode: 0, resultInfo: "" }
      ] as unknown as FriendCheck.Response["infoItems"])
      assert.deepStrictEqual(
        value,
        Schema.decodeUnknownSync(FriendCheck.Response)(JSON.parse(typeof reply === "object" ? reply.body : ""))
      )
    })
  )

  it.effect("FAIL envelopes and non-zero codes fail with the typed class; unknown codes keep code and info", () =>
    Effect.gen(function* () {
      const notFound = yield* against([fail(30003, "Err_SNS_AccountNotFound")], check())
      assert.deepStrictEqual(
        notFound.exit,
        Exit.fail(new TimError.AccountNotFound({ info: "Err_SNS_AccountNotFound" }))
      )
      const okButCode = yield* against([json({ ActionStatus: "OK", ErrorCode: 30001, ErrorInfo: "bad" })], check())
      assert.deepStrictEqual(okButCode.exit, Exit.fail(new TimError.InvalidParameters({ info: "bad" })))
      const unknown = yield* against([fail(91234, "what")], check())
      assert.deepStrictEqual(unknown.exit, Exit.fail(new TimError.UnknownCode({ code: 91234, info: "what" })))
    })
  )

  it.effect(
    "a known code that this API does not document is UnknownCode, as CallError<A> says; a public one keeps its class",
    () =>
      Effect.gen(function* () {
        // 30010 (friend limit) is friend_add's, not friend_check's.
        const undocumented = yield* against([fail(TimError.FriendLimitReached.code, "full")], check())
        assert.deepStrictEqual(
          undocumented.exit,
          Exit.fail(new TimError.UnknownCode({ code: TimError.FriendLimitReached.code, info: "full" }))
        )
        const publicCode = yield* against([fail(70003, "bad sig")], check())
        assert.deepStrictEqual(publicCode.exit, Exit.fail(new TimError.UserSigIllegal({ info: "bad sig" })))
      })
  )

  it.effect("60026 tells the user to check the region and names the host called", () =>
    Effect.gen(function* () {
      const http = scripted([fail(60026, "domain error")])
      const exit = yield* check().pipe(
        Effect.provide(
          TimClient.layerWithSigner({ region: "singapore" }).pipe(
            Layer.provide(Layer.merge(Signer.layerStatic({ sdkAppId: 1, userSig: Redacted.make("s") }), http.layer))
          )
        ),
        Effect.exit
      )
      const error = failureOf(exit)
      assert.instanceOf(error, TimError.DomainMismatch)
      assert.include(error.message, "check the region")
      assert.include(error.message, "region singapore, host adminapisgp.im.qcloud.com")
      assert.isTrue(http.seen[0]?.url.startsWith("https://adminapisgp.im.qcloud.com/v4/sns/friend_check?"))
    })
  )

  it.effect("transport failures are TransportErrors with their reason, never defects", () =>
    Effect.gen(function* () {
      const noRetry = { retry: false } as const
      const cases: ReadonlyArray<readonly [Reply, TransportError.Reason, number | undefined]> = [
        [{ status: 502, body: "<html><body><h1>502 Bad Gateway</h1></body></html>" }, "HttpStatus", 502],
        [{ status: 404, body: "" }, "HttpStatus", 404],
        [{ body: "<html>oops</html>" }, "InvalidJson", undefined],
        [{ body: "" }, "EmptyBody", undefined],
        [{ body: "  \n" }, "EmptyBody", undefined],
        [json({ hello: 1 }), "ResponseMismatch", undefined],
        [json({ ActionStatus: "OK", ErrorCode: 0, InfoItem: [{ To_Account: 1 }] }), "ResponseMismatch", undefined],
        ["reset", "Connection", undefined]
      ]
      for (const [reply, reason, status] of cases) {
        const { exit } = yield* against([reply], check(), noRetry)
        const error = failureOf(exit)
        assert.instanceOf(error, TransportError.TransportError)
        assert.strictEqual(error.reason, reason)
        assert.strictEqual(error.status, status)
        assert.strictEqual(error.api, "v4/sns/friend_check")
      }
      const html = failureOf((yield* against([cases[0]![0]], check(), noRetry)).exit) as TransportError.TransportError
      assert.include(html.message, "HTTP 502")
      assert.include(html.message, "502 Bad Gateway")
    })
  )

  it.effect("a request that does not encode is an InvalidRequest and is never sent", () =>
    Effect.gen(function* () {
      const { exit, seen } = yield* against([checkOk([])], check(checkRequest(["not a valid id!"])))
      const error = failureOf(exit)
      assert.instanceOf(error, TransportError.TransportError)
      assert.strictEqual(error.reason, "InvalidRequest")
      assert.include(error.message, "not a valid id!")
      assert.strictEqual(seen.length, 0)
    })
  )

  it.effect("times out each attempt (default 5 s), then retries", () =>
    Effect.gen(function* () {
      const http = scripted(["hang", "hang", checkOk(["bob"])])
      const fiber = yield* check().pipe(
        TimClient.withRetry({ baseDelay: 0 }),
        Effect.provide(seedClient(http)),
        Effect.fork
      )
      yield* TestClock.adjust("4999 millis")
      assert.strictEqual(http.seen.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(http.seen.length, 2)
      yield* TestClock.adjust("5 seconds")
      assert.strictEqual(http.seen.length, 3)
      assert.isTrue(Exit.isSuccess(yield* Fiber.await(fiber)))
    })
  )

  it.effect("withTimeout sets the per-attempt timeout", () =>
    Effect.gen(function* () {
      const http = scripted(["hang"])
      const fiber = yield* check().pipe(
        TimClient.withTimeout("1 second"),
        TimClient.withRetry(false),
        Effect.provide(seedClient(http)),
        Effect.fork
      )
      yield* TestClock.adjust("1 second")
      const error = failureOf(yield* Fiber.await(fiber))
      assert.instanceOf(error, TransportError.TransportError)
      assert.strictEqual(error.reason, "Timeout")
    })
  )
})

describe("TimClient retry", () => {
  /** Forks `check()` against `script` with every random draw 0.5 (jitter = half the ceiling). */
  const forked = (
    script: ReadonlyArray<Reply>,
    options: TimClient.ClientOptions = {},
    wrap = <A, E, R>(e: Effect.Effect<A, E, R>) => e
  ) =>
    Effect.gen(function* () {
      const http = scripted(script)
      const fiber = yield* wrap(check()).pipe(
        Effect.provide(seedClient(http, options)),
        Effect.withRandom(Random.fixed([0.5])),
        Effect.fork
      )
      yield* TestClock.adjust(0)
      return { http, fiber }
    })

  it.effect("retries retryable codes with exponential backoff and full jitter (50, 100, 200 ms at 0.5)", () =>
    Effect.gen(function* () {
      const { fiber, http } = yield* forked([fail(30006), fail(30007), fail(70500), checkOk(["bob"])])
      assert.strictEqual(http.seen.length, 1)
      yield* TestClock.adjust("49 millis")
      assert.strictEqual(http.seen.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(http.seen.length, 2)
      yield* TestClock.adjust("99 millis")
      assert.strictEqual(http.seen.length, 2)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(http.seen.length, 3)
      yield* TestClock.adjust("200 millis")
      assert.strictEqual(http.seen.length, 4)
      assert.isTrue(Exit.isSuccess(yield* Fiber.await(fiber)))
    })
  )

  it.effect("gives up after maxAttempts (5) with the last error; transient HTTP statuses are retried", () =>
    Effect.gen(function* () {
      const { fiber, http } = yield* forked([{ status: 503, body: "busy" }])
      yield* TestClock.adjust("10 seconds")
      const error = failureOf(yield* Fiber.await(fiber))
      assert.strictEqual(http.seen.length, 5)
      assert.instanceOf(error, TransportError.TransportError)
      assert.strictEqual(error.status, 503)
    })
  )

  it.effect("final codes and other statuses fail at once", () =>
    Effect.gen(function* () {
      for (const reply of [fail(30001), fail(70009), { status: 400, body: "bad" }, { body: "{" }] as const) {
        const { fiber, http } = yield* forked([reply, checkOk(["bob"])])
        yield* TestClock.adjust("10 seconds")
        assert.isTrue(Exit.isFailure(yield* Fiber.await(fiber)))
        assert.strictEqual(http.seen.length, 1)
      }
    })
  )

  it.effect("frequency-limit codes back off from backoffBaseDelay (500 ms at 0.5)", () =>
    Effect.gen(function* () {
      const { fiber, http } = yield* forked([fail(60007), checkOk(["bob"])])
      yield* TestClock.adjust("499 millis")
      assert.strictEqual(http.seen.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(http.seen.length, 2)
      assert.isTrue(Exit.isSuccess(yield* Fiber.await(fiber)))
    })
  )

  it.effect("70050 waits at least a minute, and fails at once when the budget does not allow it", () =>
    Effect.gen(function* () {
      const short = yield* forked([fail(70050), checkOk(["bob"])])
      const error = failureOf(yield* Fiber.await(short.fiber))
      assert.instanceOf(error, TimError.UserSigFailuresThrottled)
      assert.strictEqual(short.http.seen.length, 1)
      const long = yield* forked([fail(70050), checkOk(["bob"])], { retry: { maxElapsed: "2 minutes" } })
      yield* TestClock.adjust("59999 millis")
      assert.strictEqual(long.http.seen.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(long.http.seen.length, 2)
      assert.isTrue(Exit.isSuccess(yield* Fiber.await(long.fiber)))
    })
  )

  it.effect("the 10 s budget stops retries whose delay would exceed it", () =>
    Effect.gen(function* () {
      const { fiber, http } = yield* forked([fail(30006)], { retry: { maxAttempts: 50, baseDelay: "2 seconds" } })
      yield* TestClock.adjust("1 minute")
      failureOf(yield* Fiber.await(fiber))
      // delays at 0.5: 1 s, 2 s, 4 s (7 s in all); the next, 8 s, would end after 10 s
      assert.strictEqual(http.seen.length, 4)
    })
  )

  it.effect("70001 invalidates the signer's sig, re-signs once and retries, even with retries off", () =>
    Effect.gen(function* () {
      let generation = 0
      const invalidated: Array<string | undefined> = []
      const signer: UserSigner.UserSigner.Service = {
        sdkAppId: 88888888,
        identifier: "admin",
        expireSeconds: 86400,
        sign: () => Effect.sync(() => Redacted.make(`sig${generation}`)),
        invalidate: (identifier) =>
          Effect.sync(() => {
            invalidated.push(identifier)
            generation++
          })
      }
      const run = (script: ReadonlyArray<Reply>) => {
        const http = scripted(script)
        return Effect.map(
          Effect.exit(
            check().pipe(
              Effect.provide(
                TimClient.layerWithSigner({
                  endpoint: "https://xxxxxx",
                  retry: false,
                  rateLimit: Number.POSITIVE_INFINITY
                }).pipe(Layer.provide(Layer.merge(Layer.succeed(Signer.UserSigner, signer), http.layer)))
              )
            )
          ),
          (exit) => ({ exit, sigs: http.seen.map((s) => new URL(s.url).searchParams.get("usersig")) })
        )
      }
      const once = yield* run([fail(70001), checkOk(["bob"])])
      assert.isTrue(Exit.isSuccess(once.exit))
      assert.deepStrictEqual(once.sigs, ["sig0", "sig1"])
      assert.strictEqual(invalidated.length, 1)
      const twice = yield* run([fail(70001)])
      assert.instanceOf(failureOf(twice.exit), TimError.UserSigExpired)
      assert.deepStrictEqual(twice.sigs, ["sig1", "sig2"])
    })
  )

  it.effect("withRetry overrides the client's policy per call, or turns retries off", () =>
    Effect.gen(function* () {
      const off = yield* forked([fail(30006), checkOk(["bob"])], {}, TimClient.withRetry(false))
      failureOf(yield* Fiber.await(off.fiber))
      assert.strictEqual(off.http.seen.length, 1)
      const two = yield* forked([fail(30006)], {}, TimClient.withRetry({ maxAttempts: 2 }))
      yield* TestClock.adjust("10 seconds")
      failureOf(yield* Fiber.await(two.fiber))
      assert.strictEqual(two.http.seen.length, 2)
      const on = yield* forked([fail(30006), checkOk(["bob"])], { retry: false }, TimClient.withRetry({}))
      yield* TestClock.adjust("1 second")
      assert.isTrue(Exit.isSuccess(yield* Fiber.await(on.fiber)))
      const bad = yield* forked([checkOk(["bob"])], {}, TimClient.withRetry({ maxAttempts: 0 }))
      const error = failureOf(yield* Fiber.await(bad.fiber))
      assert.instanceOf(error, TransportError.TransportError)
      assert.strictEqual(error.reason, "InvalidRequest")
      assert.include(error.message, "retry.maxAttempts")
      assert.strictEqual(bad.http.seen.length, 0)
    })
  )

  it.effect("retryPolicy reports the policy in force", () =>
    Effect.gen(function* () {
      const { exit } = yield* against(
        [checkOk([])],
        Effect.gen(function* () {
          const client = yield* TimClient.TimClient
          const base = yield* client.retryPolicy
          const overridden = yield* TimClient.withRetry(client.retryPolicy, { maxAttempts: 3 })
          const off = yield* TimClient.withRetry(client.retryPolicy, false)
          return [base?.maxAttempts, Duration.toMillis(base?.baseDelay ?? 0), overridden?.maxAttempts, off] as const
        }),
        { retry: { baseDelay: "200 millis" } }
      )
      assert.deepStrictEqual(exit, Exit.succeed([5, 200, 3, undefined] as const))
    })
  )

  it.effect("retrySchedule: exponential delays with full jitter, maxAttempts - 1 recurrences", () =>
    Effect.gen(function* () {
      const delays = yield* Schedule.run(Schedule.delays(TimClient.retrySchedule()), 0, [1, 2, 3, 4, 5, 6, 7]).pipe(
        Effect.withRandom(Random.fixed([0.5]))
      )
      // four recurrences; the fifth step is the one that ends the schedule
      assert.deepStrictEqual(Chunk.toReadonlyArray(delays).map(Duration.toMillis), [50, 100, 200, 400, 0])
      const zero = yield* Schedule.run(Schedule.delays(TimClient.retrySchedule({ maxAttempts: 3 })), 0, [1, 2, 3]).pipe(
        Effect.withRandom(Random.fixed([0]))
      )
      assert.deepStrictEqual(Chunk.toReadonlyArray(zero).map(Duration.toMillis), [0, 0, 0])
    })
  )
})
