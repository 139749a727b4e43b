import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { FriendCheck } from "@effect-tim/schema"
import { UserSig } from "@effect-tim/usersig"
import { Effect, Exit, FiberRef, Layer, Option, Redacted, Scope } from "effect"
import { TimClient, TransportError } from "../src/index.js"
import { checkRequest } from "./fixtures/scripted.js"

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void

const secretKey = Redacted.make("effect-tim-http-test-secret")

/** A node:http server on 127.0.0.1, port 0, answering with `handlers` in turn (the last one repeats). */
const server = (handlers: ReadonlyArray<Handler>) =>
  Effect.acquireRelease(
    Effect.async<{
      readonly url: string
      readonly requests: Array<{ url: string; body: string }>
      readonly server: ReturnType<typeof createServer>
    }>((resume) => {
      const requests: Array<{ url: string; body: string }> = []
      const s = createServer((request, response) => {
        let body = ""
        request.on("data", (chunk: Buffer) => {
          body += chunk.toString("utf8")
        })
        request.on("end", () => {
          requests.push({ url: request.url ?? "", body })
          handlers[Math.min(requests.length - 1, handlers.length - 1)]!(request, body, response)
        })
      })
      s.listen(0, "127.0.0.1", () =>
        resume(Effect.succeed({ url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, requests, server: s }))
      )
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

const ok: Handler = (_, body, response) => {
  const accounts = (JSON.parse(body) as { To_Account: Array<string> }).To_Account
  response.writeHead(200, { "content-type": "application/json" })
  response.end(
    JSON.stringify({
      ActionStatus: "OK",
      ErrorCode: 0,
      ErrorInfo: "",
      InfoItem: accounts.map((a) => ({ To_Account: a, Relation: "CheckResult_Type_NoRelation", ResultCode: 0 }))
    })
  )
}

const call = (url: string, options: TimClient.ClientOptions = {}) =>
  Effect.flatMap(TimClient.TimClient, (c) => c.call(FriendCheck.api, checkRequest(["bob", "carol"]))).pipe(
    Effect.provide(
      TimClient.layer({ sdkAppId: 1400000000, secretKey, endpoint: url, ...options }).pipe(
        Layer.provide(NodeHttpClient.layerUndici)
      )
    ),
    Effect.exit
  )

const reasonOf = (exit: Exit.Exit<unknown, unknown>) => {
  const error = Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
  assert.instanceOf(error, TransportError.TransportError)
  return (error as TransportError.TransportError).reason
}

describe("TimClient over real HTTP (127.0.0.1)", () => {
  it.live("signs a valid UserSig, sends the wire body and decodes the answer", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const s = yield* server([ok])
        const exit = yield* call(s.url)
        assert.isTrue(Exit.isSuccess(exit))
        assert.deepStrictEqual(Exit.isSuccess(exit) ? exit.value.infoItems.map((i) => [i.toAccount, i.relation]) : [], [
          ["bob", "CheckResult_Type_NoRelation"],
          ["carol", "CheckResult_Type_NoRelation"]
        ])
        const sent = new URL(s.requests[0]!.url, s.url)
        assert.strictEqual(sent.pathname, "/v4/sns/friend_check")
        assert.deepStrictEqual(
          [...sent.searchParams.keys()],
          ["sdkappid", "identifier", "usersig", "random", "contenttype"]
        )
        const claims = yield* UserSig.verify({
          sdkAppId: 1400000000,
          secretKey,
          identifier: "administrator",
          userSig: sent.searchParams.get("usersig") ?? ""
        })
        assert.strictEqual(claims.identifier, "administrator")
        assert.deepStrictEqual(JSON.parse(s.requests[0]!.body), {
          From_Account: "alice",
          To_Account: ["bob", "carol"],
          CheckType: "CheckResult_Type_Both"
        })
      })
    )
  )

  it.live("leaves the caller's fiber refs and context as they were, after a success and after a failure", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const mark = FiberRef.unsafeMake("outside")
        const s = yield* server([ok, (_, __, response) => response.writeHead(400).end("no")])
        const request = HttpClientRequest.get(s.url)
        const outerScope = yield* Effect.serviceOption(Scope.Scope)
        for (const expectSuccess of [true, false]) {
          const [exit, after] = yield* Effect.locally(
            Effect.all([
              call(s.url, { retry: false }),
              Effect.all([
                FiberRef.get(mark),
                Effect.serviceOption(Scope.Scope),
                FiberRef.get(HttpClient.currentTracerDisabledWhen)
              ])
            ]),
            mark,
            "set by the caller"
          )
          assert.strictEqual(Exit.isSuccess(exit), expectSuccess)
          assert.strictEqual(after[0], "set by the caller")
          assert.isTrue(
            Option.isSome(outerScope) && Option.isSome(after[1]) && after[1].value === outerScope.value,
            "the caller's scope, not an attempt's"
          )
          assert.isFalse(after[2](request), "the platform's span is on again for the caller's own requests")
        }
      })
    )
  )

  it.live("retries a 502 HTML page, then succeeds", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const s = yield* server([
          (_, __, response) => {
            response.writeHead(502, { "content-type": "text/html" })
            response.end("<html><body>502 Bad Gateway</body></html>")
          },
          ok
        ])
        const exit = yield* call(s.url, { retry: { baseDelay: "1 millis" } })
        assert.isTrue(Exit.isSuccess(exit))
        assert.strictEqual(s.requests.length, 2)
        assert.notStrictEqual(
          new URL(s.requests[0]!.url, s.url).searchParams.get("random"),
          new URL(s.requests[1]!.url, s.url).searchParams.get("random")
        )
      })
    )
  )

  it.live("a reset connection is a Connection error; an unanswered one a Timeout", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const reset = yield* server([(request) => request.socket.destroy()])
        assert.strictEqual(reasonOf(yield* call(reset.url, { retry: false })), "Connection")
        const silent = yield* server([() => {}])
        assert.strictEqual(reasonOf(yield* call(silent.url, { retry: false, timeout: "200 millis" })), "Timeout")
        const refused = yield* server([ok])
        const url = refused.url
        assert.strictEqual(
          reasonOf(yield* call(`${url.slice(0, url.lastIndexOf(":"))}:1`, { retry: false })),
          "Connection"
        )
      })
    )
  )
})
