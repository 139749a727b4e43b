import { assert, describe, it } from "@effect/vitest"
import { FriendCheck } from "@effect-tim/schema"
import { UserSigner } from "@effect-tim/usersig"
import { Cause, Effect, Exit, Fiber, Layer, Logger, LogLevel, Option, Redacted, TestClock } from "effect"
import { TimClient } from "../src/index.js"
import { type Recorded, recordingTracer, renderings } from "./fixtures/recording.js"
import { checkOk, checkRequest, fail, type Reply, scripted } from "./fixtures/scripted.js"

const secret = "effect-tim-redaction-secret-5b1c0e"

const texts = renderings

/**
 * Seven calls (success, retried success, final code, connection failures, 502 pages, a final 400, a timeout), under
 * the test clock or the live one: each clock has its own timeout path, and each must keep the platform's span off.
 */
const scenario = (live: boolean) =>
  Effect.gen(function* () {
    const spans: Array<Recorded> = []
    const lines: Array<string> = []
    const errors: Array<unknown> = []
    // Replies that echo the request URL back, as some proxies' error pages do.
    const http = scripted((index, seen): Reply => {
      const script: Array<Reply> = [
        checkOk(["bob"]), // success
        fail(30006), // retried...
        checkOk(["bob"]), // ...then success
        fail(70003, "bad sig"), // final code
        "reset", // connection failures, retried to the end
        "reset",
        { status: 502, body: `<html>Bad gateway for ${seen.url}</html>` },
        { status: 502, body: `<html>Bad gateway for ${seen.url}</html>` },
        { status: 400, body: `bad request ${seen.url}` }, // final status
        "hang" // timeout
      ]
      return script[Math.min(index, script.length - 1)]!
    })
    const logger = Logger.make(({ cause, message }) => {
      lines.push(`${String(message)} ${Cause.pretty(cause)}`)
    })
    const client = TimClient.layerWithSigner({
      endpoint: "http://127.0.0.1:9",
      retry: { maxAttempts: 2, baseDelay: "1 millis" },
      timeout: "100 millis"
    }).pipe(
      Layer.provide(http.layer),
      Layer.provideMerge(
        UserSigner.layer({ sdkAppId: 1400000000, secretKey: Redacted.make(secret), identifier: "administrator" })
      )
    )
    const program = Effect.gen(function* () {
      const c = yield* TimClient.TimClient
      for (let i = 0; i < 7; i++) {
        const exit = yield* Effect.exit(c.call(FriendCheck.api, checkRequest()))
        yield* Effect.logDebug("call", exit)
        if (Exit.isFailure(exit)) {
          yield* Effect.logError("call failed", exit.cause)
          errors.push(...Option.toArray(Cause.failureOption(exit.cause)))
        }
      }
    })
    const fiber = yield* program.pipe(
      Effect.provide(client),
      Effect.withTracer(recordingTracer(spans)),
      Logger.withMinimumLogLevel(LogLevel.All),
      Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
      Effect.fork
    )
    if (!live) yield* TestClock.adjust("1 minute")
    yield* Fiber.join(fiber)

    const sigs = new Set(http.seen.map((s) => new URL(s.url).searchParams.get("usersig") ?? ""))
    assert.strictEqual(http.seen.length, 11)
    assert.isTrue(
      [...sigs].every((s) => s.length > 50),
      "the client sent real sigs"
    )
    assert.strictEqual(errors.length, 5)
    assert.deepStrictEqual(
      errors.slice(0, 5).map((e) => (e as { _tag: string })._tag),
      ["UserSigIllegal", "TransportError", "TransportError", "TransportError", "TransportError"]
    )
    assert.deepStrictEqual(
      errors.slice(1).map((e) => (e as { reason: string }).reason),
      ["Connection", "HttpStatus", "HttpStatus", "Timeout"]
    )
    assert.deepStrictEqual(
      [...new Set(spans.map((s) => s.name))].sort(),
      ["tim.limiter.acquire", "tim.sns.friend_check"],
      "call spans and limiter spans, and no platform http.client span"
    )
    const limiterSpans = spans.filter((s) => s.name === "tim.limiter.acquire")
    spans.splice(0, spans.length, ...spans.filter((s) => s.name === "tim.sns.friend_check"))
    assert.strictEqual(spans.length, 7, "one span per call")
    assert.strictEqual(limiterSpans.length, 11, "one limiter span per attempt")
    assert.deepStrictEqual(
      spans.map((s) => s.attributes.get("tim.attempts")),
      [1, 2, 1, 2, 2, 1, 2]
    )
    assert.deepStrictEqual(
      spans.map((s) => s.attributes.get("tim.result_code")),
      [0, 0, 70003, undefined, undefined, undefined, undefined]
    )
    for (const span of spans) {
      assert.match(
        String(span.attributes.get("url.full")),
        /^http:\/\/127\.0\.0\.1:9\/v4\/sns\/friend_check\?sdkappid=1400000000&identifier=administrator&usersig=<redacted>&random=\d+&contenttype=json$/
      )
    }

    const haystack = [
      ...[...spans, ...limiterSpans].flatMap((s) => [
        s.name,
        ...[...s.attributes].map(([k, v]) => `${k}=${String(v)}`),
        ...s.events,
        s.exit === undefined ? "" : Exit.isFailure(s.exit) ? Cause.pretty(s.exit.cause) : ""
      ]),
      ...lines,
      ...errors.flatMap(texts)
    ]
    assert.isAbove(lines.length, 5)
    assert.isTrue(
      haystack.some((text) => text.includes("<redacted>")),
      "the redacted URL is recorded (so the search below searched something)"
    )
    for (const text of haystack) {
      assert.notInclude(text, secret)
      for (const sig of sigs) assert.notInclude(text, sig)
    }
  })

describe("redaction", () => {
  it.effect("no span attribute, log line or error of successful, retried and failed calls holds the key or a sig", () =>
    scenario(false)
  )
  it.live("the same with the live clock", () => scenario(true))
})
