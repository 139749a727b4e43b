/**
 * The baseline servers of `bench/emulator.ts` (kept in this package so that they resolve `@effect/platform`
 * from its dependencies): a minimal `@effect/platform` route and a bare `node:http` server, each answering a
 * fixed JSON body to `POST /v4/sns/friend_check`.
 */

import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, type Scope } from "effect"

/**
 * A minimal Effect route answering `body`; returns its base URL. With `readBody`, it first reads and parses the
 * request's JSON body, as any route of a JSON API must (the emulator does); without, it never reads it.
 */
export const minimalEffectRoute = (body: string, readBody = false): Effect.Effect<string, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    const answer = HttpServerResponse.text(body, { contentType: "application/json" })
    const router = HttpRouter.empty.pipe(
      HttpRouter.post(
        "/v4/sns/friend_check",
        readBody
          ? Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
              Effect.flatMap(Effect.orDie(request.json), () => answer)
            )
          : answer
      )
    )
    const server = yield* NodeHttpServer.make(() => createServer(), { host: "127.0.0.1", port: 0 })
    yield* HttpServer.serveEffect(router).pipe(Effect.provideService(HttpServer.HttpServer, server))
    return server.address._tag === "TcpAddress" ? `http://127.0.0.1:${server.address.port}` : ""
  })

/** A bare node:http server answering `body` after reading the request; returns its base URL. */
export const bareNodeServer = (body: string): Effect.Effect<string, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<Server>((resume) => {
      const server = createServer((req, res) => {
        req.resume()
        req.on("end", () => {
          res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
          res.end(body)
        })
      })
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) => Effect.sync(() => server.close())
  ).pipe(Effect.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`))
