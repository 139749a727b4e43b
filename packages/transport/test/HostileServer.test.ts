import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { FriendAdd, FriendCheck } from "@effect-tim/schema"
import { Cause, Effect, Exit, Layer, Logger, LogLevel, Option, Redacted } from "effect"
import { TimClient, TransportError } from "../src/index.js"
import { type HostileServer, type Mode, secretEchoes, startHostileServer } from "./fixtures/hostileServer.js"
import { leakIn, type Recorded, recordingTracer, renderings, spanTexts } from "./fixtures/recording.js"

const secretKey = "effect-tim-hostile-secret-key-0123456789abcdef"

const clientLayer = (
  server: HostileServer,
  options: TimClient.ClientOptions = {},
  http: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerUndici
) =>
  TimClient.layer({
    sdkAppId: 1400000000,
    secretKey: Redacted.make(secretKey),
    identifier: "administrator",
    endpoint: server.url,
    retry: { maxAttempts: 2, baseDelay: "1 millis" },
    timeout: "1 second",
    ...options
  }).pipe(Layer.provide(http))

interface Outcome {
  readonly exit: Exit.Exit<unknown, unknown>
  readonly spans: ReadonlyArray<Recorded>
  readonly logs: ReadonlyArray<string>
}

/** One friend_check (or friend_add) call through a fresh client, with spans recorded and Debug logs captured. */
const callWith = (
  server: HostileServer,
  options: TimClient.ClientOptions = {},
  http?: Layer.Layer<HttpClient.HttpClient>,
  api: "check" | "add" = "check"
) =>
  Effect.gen(function* () {
    const spans: Array<Recorded> = []
    const logs: Array<string> = []
    const logger = Logger.make(({ cause, message }) => {
      logs.push(`${String(message)} ${Cause.pretty(cause)}`)
    })
    const exit = yield* Effect.flatMap(
      TimClient.TimClient,
      (c): Effect.Effect<unknown, unknown> =>
        api === "check"
          ? c.call(FriendCheck.api, {
              fromAccount: "alice",
              toAccounts: ["bob", "carol"],
              checkType: "CheckResult_Type_Both"
            } as unknown as FriendCheck.Request)
          : c.call(FriendAdd.api, {
              fromAccount: "alice",
              items: [{ toAccount: "bob", addSource: "AddSource_Type_Test" }],
              addType: "Add_Type_Both",
              forceAddFlags: 1
            } as unknown as FriendAdd.Request)
    ).pipe(
      Effect.tap((value) => Effect.logDebug("answer", value)),
      Effect.tapErrorCause((cause) => Effect.logDebug("failed", cause)),
      Effect.exit,
      Effect.provide(clientLayer(server, options, http)),
      Effect.withTracer(recordingTracer(spans)),
      Logger.withMinimumLogLevel(LogLevel.All),
      Effect.provide(Logger.replace(Logger.defaultLogger, logger))
    )
    return { exit, spans, logs } satisfies Outcome
  })

const errorOf = (exit: Exit.Exit<unknown, unknown>): unknown => {
  assert.isTrue(Exit.isFailure(exit), "expected a failure")
  if (Exit.isSuccess(exit)) return undefined
  assert.isFalse(Cause.isDie(exit.cause), `a defect: ${Cause.pretty(exit.cause)}`)
  return Option.getOrThrow(Cause.failureOption(exit.cause))
}

const transportError = (exit: Exit.Exit<unknown, unknown>, reason: TransportError.Reason, status?: number) => {
  const error = errorOf(exit)
  assert.instanceOf(error, TransportError.TransportError)
  const e = error as TransportError.TransportError
  assert.strictEqual(e.reason, reason, e.message)
  if (status !== undefined) assert.strictEqual(e.status, status)
  return e
}

/** Every text the outcome produced: error renderings, the value as JSON, span texts, log lines. */
const haystack = (outcome: Outcome): Array<string> => [
  ...(Exit.isFailure(outcome.exit)
    ? [Cause.pretty(outcome.exit.cause), ...Option.toArray(Cause.failureOption(outcome.exit.cause)).flatMap(renderings)]
    : [JSON.stringify(outcome.exit.value)]),
  ...spanTexts(outcome.spans),
  ...outcome.logs
]

const assertNoSecret = (outcome: Outcome, server: HostileServer) => {
  const sigs = [...new Set(server.received.map((r) => r.usersig))]
  assert.isNotEmpty(sigs)
  for (const sig of sigs) assert.isAtLeast(sig.length, 188, "a real sig, long enough for every echo length")
  for (const text of haystack(outcome)) {
    const leak = leakIn(text, [...sigs, secretKey])
    assert.isUndefined(leak, `a run of a secret (${leak}) in: ${text.slice(0, 400)}`)
  }
}

const echoes = secretEchoes(secretKey)

describe("TimClient against a hostile server: echoed secrets", () => {
  for (const [what, echo] of echoes) {
    it.scopedLive(`${what} in ErrorInfo, a 400 text, a 502 page and a non-JSON 200 never leaves the client`, () =>
      Effect.gen(function* () {
        const server = yield* startHostileServer()
        const cases: ReadonlyArray<readonly [Mode, (exit: Exit.Exit<unknown, unknown>) => void]> = [
          [
            { name: "errorInfo", echo, code: 30001 },
            (exit) => assert.strictEqual((errorOf(exit) as { code: number }).code, 30001)
          ],
          [{ name: "text400", echo }, (exit) => transportError(exit, "HttpStatus", 400)],
          [{ name: "html502", echo }, (exit) => transportError(exit, "HttpStatus", 502)],
          [{ name: "nonJson", echo }, (exit) => transportError(exit, "InvalidJson")]
        ]
        for (const [mode, check] of cases) {
          server.clear()
          server.setMode(mode)
          const outcome = yield* callWith(server)
          check(outcome.exit)
          assertNoSecret(outcome, server)
          if (typeof echo === "string" || !("sigPrefix" in echo) || echo.sigPrefix >= 16) {
            assert.isTrue(
              haystack(outcome).some((t) => t.includes("<redacted>")),
              "the echo was there, and was scrubbed"
            )
          }
        }
      })
    )

    it.scopedLive(`${what} in each item's ResultInfo is scrubbed from the decoded answer`, () =>
      Effect.gen(function* () {
        const server = yield* startHostileServer({ name: "resultInfo", echo, code: 30001 })
        const outcome = yield* callWith(server)
        assert.isTrue(Exit.isSuccess(outcome.exit))
        const items = (Exit.isSuccess(outcome.exit) ? outcome.exit.value : undefined) as FriendCheck.Response
        assert.deepStrictEqual(
          items.infoItems.map((i) => [i.toAccount, i.resultCode]),
          [
            ["bob", 30001],
            ["carol", 30001]
          ]
        )
        for (const item of items.infoItems) assert.include(item.resultInfo, "<redacted>")
        assertNoSecret(outcome, server)
      })
    )
  }
})

describe("TimClient against a hostile server: ResultItem answers", () => {
  it.scopedLive("friend_add's ResultItem ResultInfo echoing the URL is scrubbed", () =>
    Effect.gen(function* () {
      const server = yield* startHostileServer({ name: "resultInfo", echo: "url", code: 30001 })
      const outcome = yield* callWith(server, {}, undefined, "add")
      assert.isTrue(Exit.isSuccess(outcome.exit))
      const answer = (Exit.isSuccess(outcome.exit) ? outcome.exit.value : undefined) as FriendAdd.Response
      assert.deepStrictEqual(
        answer.resultItems.map((i) => [i.toAccount, i.resultCode]),
        [["bob", 30001]]
      )
      assert.include(answer.resultItems[0]!.resultInfo, "<redacted>")
      assertNoSecret(outcome, server)
    })
  )
})

describe("TimClient against a hostile server: every answer ends in a value or a typed error", () => {
  const malformed: ReadonlyArray<readonly [Mode, TransportError.Reason, number]> = [
    ["nonJson", "InvalidJson", 1],
    ["empty", "EmptyBody", 1],
    ["truncated", "InvalidJson", 1],
    ["contentLengthShort", "InvalidJson", 1],
    ["wrongTypes", "ResponseMismatch", 1],
    ["wrongItemTypes", "ResponseMismatch", 1],
    ["deepNesting", "ResponseMismatch", 1],
    ["contentLengthLong", "Connection", 2],
    ["resetBeforeBody", "Connection", 2],
    ["resetMidBody", "Connection", 2],
    ["hang", "Timeout", 2]
  ]
  for (const [mode, reason, requests] of malformed) {
    it.scopedLive(`${JSON.stringify(mode)}: TransportError ${reason} after ${requests} request(s)`, () =>
      Effect.gen(function* () {
        const server = yield* startHostileServer(mode)
        const outcome = yield* callWith(server, { timeout: "300 millis" })
        transportError(outcome.exit, reason)
        assert.strictEqual(server.received.length, requests)
        assertNoSecret(outcome, server)
      })
    )
  }

  it.scopedLive("duplicate and unknown targets are decoded as sent, for the caller to judge (friends does)", () =>
    Effect.gen(function* () {
      const server = yield* startHostileServer("duplicateTargets")
      const dup = yield* callWith(server)
      assert.deepStrictEqual(
        Exit.map(dup.exit, (v) => (v as FriendCheck.Response).infoItems.map((i) => [i.toAccount, i.resultCode])),
        Exit.succeed([
          ["bob", 0],
          ["carol", 0],
          ["bob", 30001]
        ])
      )
      server.setMode("unknownTargets")
      const unknown = yield* callWith(server)
      assert.deepStrictEqual(
        Exit.map(unknown.exit, (v) => (v as FriendCheck.Response).infoItems.map((i) => i.toAccount)),
        Exit.succeed(["bob", "carol", "stranger"])
      )
    })
  )
})

describe("TimClient against a hostile server: bounded reads", () => {
  it.scopedLive("a 200 MB answer fails with BodyTooLarge from its Content-Length, before its body is read", () =>
    Effect.gen(function* () {
      const server = yield* startHostileServer("huge")
      const outcome = yield* callWith(server)
      const error = transportError(outcome.exit, "BodyTooLarge", 200)
      assert.include(error.detail, "200000000")
      assert.strictEqual(server.received.length, 1, "not retried")
      assert.isBelow(server.received[0]!.bytesWritten, 64 * 1024 * 1024, "the client stopped reading")
    })
  )

  it.scopedLive("an endless answer fails with BodyTooLarge at the limit (configurable), and reading stops", () =>
    Effect.gen(function* () {
      const server = yield* startHostileServer("endless")
      const outcome = yield* callWith(server, { maxBodyBytes: 1024 * 1024 })
      const error = transportError(outcome.exit, "BodyTooLarge", 200)
      assert.include(error.detail, String(1024 * 1024))
      yield* Effect.sleep("200 millis")
      const sent = server.received[0]!
      assert.isTrue(sent.abortedByClient, "the client closed the connection")
      // The socket buffers on both sides hold a few MB at most: nothing like an endless read.
      assert.isBelow(sent.bytesWritten, 32 * 1024 * 1024)
      const grown = sent.bytesWritten
      yield* Effect.sleep("200 millis")
      assert.strictEqual(sent.bytesWritten, grown, "the server stopped writing")
    })
  )

  it.scopedLive("an answer just under the limit is read", () =>
    Effect.gen(function* () {
      const server = yield* startHostileServer()
      const outcome = yield* callWith(server, { maxBodyBytes: 1000 })
      assert.isTrue(Exit.isSuccess(outcome.exit))
      const tight = yield* callWith(server, { maxBodyBytes: 100 })
      transportError(tight.exit, "BodyTooLarge", 200)
    })
  )
})

describe("TimClient against a hostile server: redirects and Retry-After", () => {
  const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
    ["undici", NodeHttpClient.layerUndici],
    ["node:http", NodeHttpClient.layer],
    ["fetch", FetchHttpClient.layer]
  ]
  for (const [name, http] of clients) {
    it.scopedLive(`${name}: 301, 302, 307 and 308 are HttpStatus errors, and the other host receives nothing`, () =>
      Effect.gen(function* () {
        const server = yield* startHostileServer()
        for (const status of [301, 302, 307, 308] as const) {
          server.clear()
          server.setMode(`redirect${status}`)
          const outcome = yield* callWith(server, {}, http)
          transportError(outcome.exit, "HttpStatus", status)
          assert.strictEqual(server.received.length, 1, "a redirect is final: no retry")
          assert.strictEqual(server.redirectTarget.received.length, 0, `${status}: the other host got a request`)
          assertNoSecret(outcome, server)
        }
      })
    )
  }

  it.scopedLive("fetch: a user's own RequestInit keeps its options, and redirects are still not followed", () =>
    Effect.gen(function* () {
      const server = yield* startHostileServer("redirect307")
      const outcome = yield* callWith(server, {}, FetchHttpClient.layer).pipe(
        Effect.provideService(FetchHttpClient.RequestInit, { redirect: "follow", headers: { "x-user": "kept" } })
      )
      transportError(outcome.exit, "HttpStatus", 307)
      assert.strictEqual(server.redirectTarget.received.length, 0)
      assert.strictEqual(server.received[0]!.headers["x-user"], "kept")
    })
  )

  it.scopedLive("429 with Retry-After waits what it says, then retries", () =>
    Effect.gen(function* () {
      const server = yield* startHostileServer([{ name: "retryAfter", retryAfter: "1" }, "ok"])
      const started = Date.now()
      const outcome = yield* callWith(server)
      assert.isTrue(Exit.isSuccess(outcome.exit))
      assert.strictEqual(server.received.length, 2)
      assert.isAtLeast(Date.now() - started, 1000)
    })
  )

  it.scopedLive("429 whose Retry-After is past the retry budget fails at once, with what it asked for", () =>
    Effect.gen(function* () {
      const server = yield* startHostileServer([{ name: "retryAfter", retryAfter: "30" }, "ok"])
      const outcome = yield* callWith(server)
      const error = transportError(outcome.exit, "HttpStatus", 429)
      assert.strictEqual(error.retryAfterMillis, 30_000)
      assert.strictEqual(server.received.length, 1)
    })
  )
})
