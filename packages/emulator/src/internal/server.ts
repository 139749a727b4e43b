/**
 * The HTTP side: one catch-all `/v4` handler that runs the request pipeline (faults, method, auth, command,
 * frequency limit, body, request fault, handler) and the local admin routes under `/_emulator`.
 *
 * Every API answer, error or not, is HTTP 200 with Tencent's envelope; only the injected `http502` fault answers
 * otherwise. Nothing in a request can make the server answer 500 or stop serving.
 */

import { createServer, type IncomingMessage, type Server } from "node:http"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { Envelope, TimError } from "@effect-tim/schema"
import { Effect, Either, Schema } from "effect"
import type * as Auth from "./auth.js"
import * as Callbacks from "./callbacks.js"
import { asObject, describe, dropNulls } from "./decode.js"
import * as Faults from "./faults.js"
import { type Config, type Ctx, Failure, RawJson, type Route } from "./handler.js"
import { FaultsPatch } from "./model.js"
import type * as RateLimit from "./rateLimit.js"
import { toSnapshot } from "./snapshot.js"
import { type State, touch } from "./state.js"
import * as Stats from "./stats.js"

/** The largest request body accepted (1 MiB); larger bodies answer 60003. */
export const maxBodyBytes = 1024 * 1024

/** Everything the HTTP handlers share. */
export interface Runtime {
  readonly state: State
  readonly config: Config
  readonly faults: Faults.FaultState
  readonly auth: ReturnType<typeof Auth.make>
  /** By request path: the route and its frequency window (one per API command, built with the server). */
  readonly routes: ReadonlyMap<string, { readonly route: Route; readonly window: RateLimit.SlidingWindow }>
  readonly nowMillis: () => number
  /** What was answered, per API and code (`GET /_emulator/stats`). */
  readonly stats: Stats.Counters
  /**
   * With a state file: waits until every write so far is saved; the reason when the save failed (the unsaved
   * writes are then undone in memory).
   */
  readonly commit?: ((force?: boolean) => Effect.Effect<string | undefined>) | undefined
  /** Whether the admin routes are served, and the `Host` values they answer (set once the server listens). */
  readonly admin: { readonly enabled: boolean; hosts: ReadonlySet<string> }
  /** Sends the app's callbacks (after writes, and for simulated client actions), when a callback URL is set. */
  readonly callbacks?: Callbacks.Sender | undefined
}

/** A JSON answer; the string goes to Node as is (no intermediate `Uint8Array`). */
const respondText = (json: string) =>
  HttpServerResponse.raw(json, { contentType: "application/json", contentLength: Buffer.byteLength(json) })

const respond = (body: object) => respondText(JSON.stringify(body))

/** The OK envelope's members, appended to pre-serialised answers. */
const okMembers = JSON.stringify(Envelope.ok).slice(1, -1)

/** The stats key of each API answer (its ErrorCode, or `http502`), read back when it is sent. */
const answerKeys = new WeakMap<HttpServerResponse.HttpServerResponse, number | string>()

const keyed = (response: HttpServerResponse.HttpServerResponse, key: number | string) => {
  answerKeys.set(response, key)
  return response
}

const failEnvelope = (code: number, info: string) => keyed(respond(Envelope.fail(code, info)), code)

const badGateway = keyed(
  HttpServerResponse.text(
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>effect-tim emulator (injected fault)</center>\r\n</body>\r\n</html>\r\n",
    { status: 502, contentType: "text/html" }
  ),
  "http502"
)

/** The stats key of a request: its API command path, or `unknown`. */
const apiKey = (rt: Runtime, url: string): string => {
  const q = url.indexOf("?")
  const path = q < 0 ? url : url.slice(0, q)
  return rt.routes.has(path) ? path.slice(1) : Stats.unknownApi
}

type Body =
  | { readonly _tag: "Ok"; readonly bytes: Buffer }
  | { readonly _tag: "TooLarge" }
  | { readonly _tag: "Unread" }

const bodyKey: unique symbol = Symbol.for("@effect-tim/emulator/body")

type WithBody = IncomingMessage & { [bodyKey]?: Body }

/**
 * A Node HTTP server that reads each request's body (at most `maxBodyBytes` kept, the rest drained) before the
 * platform sees the request. Handing the platform a request whose body is already in memory is markedly cheaper
 * than reading it from inside the handler's fiber (one event-driven read instead of a suspended fiber per body).
 * A request whose connection fails before its body ends is never handed on: there is no one to answer.
 */
export const createBufferingServer = (): Server => {
  const server = createServer()
  const emit = server.emit as (this: Server, event: string | symbol, ...args: Array<unknown>) => boolean
  server.emit = function (this: Server, event: string | symbol, ...args: Array<unknown>): boolean {
    if (event !== "request") return emit.call(this, event, ...args)
    const request = args[0] as WithBody
    const chunks: Array<Buffer> = []
    let size = 0
    request.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBodyBytes) chunks.push(chunk)
      else chunks.length = 0
    })
    request.once("end", () => {
      request[bodyKey] = size > maxBodyBytes ? { _tag: "TooLarge" } : { _tag: "Ok", bytes: Buffer.concat(chunks, size) }
      emit.call(this, event, ...args)
    })
    return true
  } as Server["emit"]
  return server
}

/**
 * The request's body, read by `createBufferingServer` before the request was handed on (the router is only served
 * on that server); `Unread` only if that invariant were broken.
 */
const readBody = (request: HttpServerRequest.HttpServerRequest): Body =>
  (NodeHttpServerRequest.toIncomingMessage(request) as WithBody)[bodyKey] ?? { _tag: "Unread" }

/** Why a body that is not `Ok` cannot be used. */
const bodyProblem = (raw: Exclude<Body, { readonly _tag: "Ok" }>): string =>
  raw._tag === "TooLarge" ? `the request body is larger than ${maxBodyBytes} bytes` : "the request body was not read"

const utf8 = new TextDecoder("utf-8", { fatal: true })
const nullBytes = Buffer.from("null")

/** The body as a JSON object, or the 60003 info saying why not. */
const parseBody = (bytes: Buffer): Record<string, unknown> | string => {
  if (bytes.length === 0) return "the request body is empty (send {} when an API needs no fields)"
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    return "the request body is not valid UTF-8"
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return `the request body is not valid JSON${error instanceof RangeError ? " (nested too deeply)" : ""}`
  }
  return asObject(json) ?? "the request body must be a JSON object"
}

/**
 * The `/v4/{service}/{command}` handler. Written as plain functions that return an Effect only where something
 * is asynchronous (latency, a UserSig not verified yet), because this path is the
 * emulator's throughput.
 */
const apiHandler = (rt: Runtime) =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
    const api = apiKey(rt, request.url)
    Stats.call(rt.stats, api)
    const latency = rt.faults.current.latencyMs
    const reply = latency > 0 ? Effect.zipRight(Effect.sleep(latency), handle(rt, request)) : handle(rt, request)
    return Effect.map(reply, (response) => {
      Stats.answer(rt.stats, api, answerKeys.get(response) ?? 0)
      return response
    })
  })

type Reply = Effect.Effect<HttpServerResponse.HttpServerResponse>

const handle = (rt: Runtime, request: HttpServerRequest.HttpServerRequest): Reply => {
  const faults = rt.faults
  if (Faults.roll(faults, faults.current.drop)) {
    NodeHttpServerRequest.toIncomingMessage(request).socket.destroy()
    Stats.answer(rt.stats, apiKey(rt, request.url), "none")
    // The platform interrupts this fiber when the response closes; answer nothing in the meantime.
    return Effect.never
  }
  if (Faults.roll(faults, faults.current.http502)) return badGateway
  if (request.method !== "POST") {
    return failEnvelope(TimError.HttpParseError.code, `method ${request.method} is not allowed, use POST`)
  }
  const url = request.url
  const q = url.indexOf("?")
  const path = q < 0 ? url : url.slice(0, q)
  const nowMillis = rt.nowMillis()
  const rejection = rt.auth.check(new URLSearchParams(q < 0 ? "" : url.slice(q + 1)), Math.floor(nowMillis / 1000))
  return Effect.isEffect(rejection)
    ? Effect.flatMap(rejection, (r) => authorized(rt, request, path, nowMillis, r))
    : authorized(rt, request, path, nowMillis, rejection)
}

const authorized = (
  rt: Runtime,
  request: HttpServerRequest.HttpServerRequest,
  path: string,
  nowMillis: number,
  rejection: Auth.Rejection | undefined
): Reply => {
  if (rejection !== undefined) return failEnvelope(rejection.code, rejection.info)
  const entry = rt.routes.get(path)
  if (entry === undefined) {
    return failEnvelope(TimError.UnknownCommand.code, `unknown API ${JSON.stringify(path.slice(0, 100))}`)
  }
  const { route, window } = entry
  if (!window.tryAcquire(nowMillis)) {
    return failEnvelope(
      TimError.ApiRateLimited.code,
      `${route.api.path}: more than the allowed calls per second, slow down`
    )
  }
  return run(rt, route, readBody(request), nowMillis)
}

const run = (rt: Runtime, route: Route, raw: Body, nowMillis: number): Reply => {
  if (raw._tag !== "Ok") {
    return failEnvelope(TimError.InvalidJsonBody.code, bodyProblem(raw))
  }
  const body = parseBody(raw.bytes)
  if (typeof body === "string") return failEnvelope(TimError.InvalidJsonBody.code, body)
  // A `null` member counts as absent (see dropNulls); bodies without one skip the walk.
  if (raw.bytes.includes(nullBytes)) dropNulls(body)
  const faults = rt.faults
  if (Faults.roll(faults, faults.current.requestError)) {
    const cls = Faults.serverError(faults)
    return failEnvelope(cls.code, `${cls.meaning} (injected fault)`)
  }
  const ctx: Ctx = { state: rt.state, config: rt.config, now: Math.floor(nowMillis / 1000), faults }
  let result: Record<string, unknown> | RawJson | Failure
  const observed = rt.callbacks?.observe(route.api.path, body, rt.state)
  try {
    result = route.handle(body, ctx)
  } catch (error) {
    return Effect.zipRight(
      Effect.logError(`emulator: ${route.api.path} failed unexpectedly`, error),
      failEnvelope(TimError.ServerError.code, "internal error in the emulator")
    )
  }
  if (result instanceof Failure) return failEnvelope(result.code, result.info)
  // What this write changed, now: while it waits for its save, other writes run.
  const settled = observed === undefined ? undefined : rt.callbacks?.settle(observed, rt.state)
  if (route.writes) touch(rt.state)
  if (route.writes && rt.commit !== undefined) {
    // Group commit: the answer waits for the save that contains this write; a write that could not be saved is
    // undone and answered with the service's internal-error code.
    const ok = result
    return Effect.map(rt.commit(), (failure) => {
      if (failure !== undefined) {
        return failEnvelope(
          unsavedCode(route),
          `internal error: the write could not be saved (${failure}); retry later`
        )
      }
      if (settled !== undefined) rt.callbacks?.emit(settled)
      return answer(ok)
    })
  }
  if (settled !== undefined) rt.callbacks?.emit(settled)
  return answer(result)
}

const answer = (result: Record<string, unknown> | RawJson): HttpServerResponse.HttpServerResponse =>
  result instanceof RawJson
    ? respondText(result.members === "" ? `{${okMembers}}` : `{${result.members},${okMembers}}`)
    : respond(Object.assign(result, Envelope.ok))

/** Each service's code for an internal error, used when a write could not be saved. */
const unsavedCode = (route: Route): number =>
  route.api.service === "sns" ? 30006 : route.api.service === "profile" ? 40006 : TimError.ServerError.code

const decodePatch = Schema.decodeUnknownEither(FaultsPatch, { onExcessProperty: "error" })

/** Validates a fault patch (at start, `setFaults` and `POST /_emulator/faults` alike); the error says what is wrong. */
export const decodeFaults = (input: unknown): Either.Either<Partial<Faults.FaultState["current"]>, string> =>
  Either.mapLeft(decodePatch(input), describe)

/** Validates and applies a fault patch; the error says which field is wrong. */
export const applyFaults = (rt: Runtime, input: unknown): Either.Either<Faults.FaultState["current"], string> =>
  Either.map(decodeFaults(input), (patch) => {
    Faults.update(rt.faults, patch)
    return rt.faults.current
  })

/** Empties the state (accounts and everything that hangs off them). */
export const resetState = (rt: Runtime): void => {
  rt.state.accounts.clear()
  touch(rt.state)
}

const adminFaults = (rt: Runtime) =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const raw = readBody(request)
    const body = raw._tag === "Ok" ? parseBody(raw.bytes) : bodyProblem(raw)
    if (typeof body === "string") return yield* HttpServerResponse.json({ error: body }, { status: 400 })
    const applied = applyFaults(rt, body)
    return yield* Either.isLeft(applied)
      ? HttpServerResponse.json({ error: applied.left }, { status: 400 })
      : HttpServerResponse.json(applied.right)
  })

/** The `Host` header values the admin routes answer: the listening address and `localhost`, with the port. */
export const adminHosts = (hostname: string, port: number): ReadonlySet<string> => {
  const names = new Set(["localhost", hostname.includes(":") ? `[${hostname}]` : hostname])
  // A wildcard address is reached through the loopback addresses.
  if (hostname === "0.0.0.0" || hostname === "::") for (const name of ["127.0.0.1", "[::1]"]) names.add(name)
  return new Set([...names].map((name) => `${name}:${port}`.toLowerCase()))
}

const isJson = (contentType: string | undefined): boolean =>
  contentType !== undefined && /^application\/json\s*(;|$)/i.test(contentType.trim())

/**
 * Why an admin request is refused, or undefined. A web page in the user's browser can send requests to this
 * server: through DNS rebinding its `Host` is the page's name, and a cross-site request carries the page's
 * `Origin`; a browser sends a JSON content type cross-site only after a preflight, which this server never
 * grants. So: the `Host` must be this server's, an `Origin` must be this server's, and a POST must be JSON.
 */
const adminRefusal = (rt: Runtime, request: HttpServerRequest.HttpServerRequest): string | undefined => {
  const host = request.headers.host?.toLowerCase()
  if (host === undefined || !rt.admin.hosts.has(host)) {
    return `admin routes answer only requests addressed to this server (Host ${[...rt.admin.hosts].join(" or ")})`
  }
  const origin = request.headers.origin
  if (origin !== undefined && !rt.admin.hosts.has(origin.toLowerCase().replace(/^http:\/\//, ""))) {
    return "admin routes do not answer requests from web pages of another origin"
  }
  if (request.method === "POST" && !isJson(request.headers["content-type"])) {
    return "admin POST requests must have content-type: application/json"
  }
  return undefined
}

/** Admin routes: 404 when turned off, 403 when the request may come from a web page. */
const guardAdmin =
  (rt: Runtime) =>
  <E, R>(
    handler: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
  ): Effect.Effect<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest> =>
    Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
      if (!rt.admin.enabled) return adminError(404, "the admin routes are turned off (--no-admin)")
      const refusal = adminRefusal(rt, request)
      return refusal === undefined ? handler : adminError(403, refusal)
    })

const adminError = (status: number, error: string): Effect.Effect<HttpServerResponse.HttpServerResponse> =>
  HttpServerResponse.text(JSON.stringify({ error }), { status, contentType: "application/json" })

/** The router: admin routes (local use only) and the catch-all API handler. */
export const router = (rt: Runtime) =>
  HttpRouter.empty.pipe(
    HttpRouter.post("/_emulator/faults", adminFaults(rt)),
    HttpRouter.get(
      "/_emulator/stats",
      Effect.suspend(() => respond(Stats.toJson(rt.stats, rt.callbacks?.stats())))
    ),
    HttpRouter.post(
      "/_emulator/stats/reset",
      Effect.suspend(() => {
        Stats.reset(rt.stats, rt.nowMillis())
        rt.callbacks?.resetStats()
        return HttpServerResponse.json({ ok: true })
      })
    ),
    HttpRouter.post(
      "/_emulator/reset",
      Effect.suspend(() => {
        resetState(rt)
        return HttpServerResponse.json({ ok: true })
      })
    ),
    HttpRouter.post(
      "/_emulator/client/friend_add",
      Callbacks.clientFriendAdd({
        state: rt.state,
        sender: rt.callbacks,
        commit: rt.commit,
        friendAdd: rt.routes.get("/v4/sns/friend_add")?.route,
        ctx: () => ({ state: rt.state, config: rt.config, now: Math.floor(rt.nowMillis() / 1000), faults: rt.faults }),
        readJson: (request) => {
          const raw = readBody(request)
          return raw._tag === "Ok" ? parseBody(raw.bytes) : bodyProblem(raw)
        }
      })
    ),
    HttpRouter.get(
      "/_emulator/state",
      Effect.suspend(() => respond(toSnapshot(rt.state)))
    ),
    // Every route above is an admin route: the guard wraps them (not the API handler below).
    HttpRouter.use(guardAdmin(rt)),
    HttpRouter.all("*", apiHandler(rt))
  )
