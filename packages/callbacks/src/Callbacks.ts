/**
 * Receive Tencent's relationship-chain callbacks: verify each request (app, signature, freshness, replay, size),
 * decode its body with the command's schema, run the app's typed handler under a deadline below Tencent's
 * timeout, and answer in Tencent's shape. Mount it as an `@effect/platform` `HttpApp` ({@link toHttpApp}) or as a
 * plain Node `(req, res)` handler for `node:http`, Express or Fastify ({@link toNodeHandler}).
 *
 * @since 0.1.0
 */
import type { IncomingMessage, ServerResponse } from "node:http"
import { type HttpApp, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Callback } from "@effect-tim/schema"
import { CallbackToken } from "@effect-tim/usersig"
import {
  Cause,
  Clock,
  Duration,
  Effect,
  Either,
  Exit,
  Fiber,
  Option,
  type ParseResult,
  type Redacted,
  Runtime,
  Schema,
  Stream
} from "effect"
import { type CallbackError, Malformed, Replayed, TooLarge } from "./CallbackError.js"
import { describe } from "./internal/describe.js"
import * as Signature from "./Signature.js"

/**
 * One item's verdict in a before-callback: allow it, or refuse it with a code in [38000, 39000] and a reason.
 *
 * @since 0.1.0
 */
export type Verdict =
  | { readonly _tag: "Allow" }
  | { readonly _tag: "Refuse"; readonly code: number; readonly info: string }

/**
 * A before-callback's decision: one verdict for every item, or a verdict per requested account.
 *
 * @since 0.1.0
 */
export type Decision = Verdict | ((toAccount: string) => Verdict)

/**
 * Allow the action.
 *
 * @since 0.1.0
 */
export const allow: Verdict = { _tag: "Allow" }

/**
 * Refuse the action; `code` must be in [38000, 39000] (page 43468), else 38000 is answered.
 *
 * @since 0.1.0
 */
export const refuse = (info: string, code: number = Callback.minRefuseCode): Verdict => ({
  _tag: "Refuse",
  code,
  info
})

/**
 * What a handler knows about the request besides its body.
 *
 * @since 0.1.0
 */
export interface Context {
  readonly command: string
  readonly sdkAppId: number
  /** The user's IP (`ClientIP`), when Tencent sent it. */
  readonly clientIp: string | undefined
  /** `RESTAPI`, `Web`, `Android`, `iOS`, … (`OptPlatform`), when Tencent sent it. */
  readonly optPlatform: string | undefined
  /** The signed request time (Unix seconds), when the app has a token. */
  readonly requestTime: number | undefined
}

/**
 * The app's handlers, one per command; a missing handler acknowledges its command (a before-callback is then
 * allowed). A handler's failure is logged and answered `ErrorCode: 1`, which Tencent ignores.
 *
 * @since 0.1.0
 */
export interface Handlers<E = never, R = never> {
  readonly onPrevFriendAdd?: (event: Callback.PrevFriendAdd, context: Context) => Effect.Effect<Decision, E, R>
  readonly onPrevFriendResponse?: (
    event: Callback.PrevFriendResponse,
    context: Context
  ) => Effect.Effect<Decision, E, R>
  readonly onFriendAdd?: (event: Callback.FriendAdd, context: Context) => Effect.Effect<void, E, R>
  readonly onFriendDelete?: (event: Callback.FriendDelete, context: Context) => Effect.Effect<void, E, R>
  readonly onBlackListAdd?: (event: Callback.BlackListAdd, context: Context) => Effect.Effect<void, E, R>
  readonly onBlackListDelete?: (event: Callback.BlackListDelete, context: Context) => Effect.Effect<void, E, R>
  /** A command this package does not know (answered OK so that a new Tencent command never breaks the app). */
  readonly onUnknown?: (command: string, body: unknown, context: Context) => Effect.Effect<void, never, R>
  /** A refused request (bad signature, wrong app, …), after it was answered; default: a warning log. */
  readonly onRefused?: (error: CallbackError) => Effect.Effect<void, never, R>
}

/**
 * How to receive.
 *
 * @since 0.1.0
 */
export interface Options {
  /** The app's SDKAppID: a request for another app is refused (`WrongApp`). */
  readonly sdkAppId: number
  /** The callback token; when set, every request must be signed with it. An empty token is refused (it would let anyone sign). */
  readonly token?: Redacted.Redacted<string> | undefined
  /** Seconds either side of now a signed `RequestTime` may be (default 60). */
  readonly windowSeconds?: number | undefined
  /**
   * How long a handler may run before the default answer is sent (default 1.5 s). Tencent's pages ask for an
   * answer "as soon as possible" without naming the timeout in what could be read here; stay well below 2 s.
   * The handler keeps running after the answer; its outcome is logged.
   */
  readonly deadline?: Duration.DurationInput | undefined
  /** What a before-callback answers when its handler overruns or fails: allow (default) or refuse every item. */
  readonly onOverrun?: "allow" | "refuse" | undefined
  /** The largest body read (default 1 MiB); larger ones are refused (`TooLarge`). */
  readonly maxBodyBytes?: number | undefined
  /**
   * Refuse a second request with the same `Sign` and body inside the window (`Replayed`; needs a token). Off by
   * default: `Sign` covers only the token and the second, so two genuine identical callbacks in one second (a
   * friend added, deleted and added again) would look like a replay, and the second would be lost. The freshness
   * window always applies.
   */
  readonly rejectReplays?: boolean | undefined
}

/**
 * An answer: HTTP status and JSON body.
 *
 * @since 0.1.0
 */
export interface Answer {
  readonly status: number
  readonly body: Record<string, unknown>
}

/**
 * The default handler deadline.
 *
 * @since 0.1.0
 */
export const defaultDeadline: Duration.Duration = Duration.millis(1500)

/**
 * The default body limit, in bytes.
 *
 * @since 0.1.0
 */
export const defaultMaxBodyBytes = 1024 * 1024

const refusalAnswer = (error: CallbackError): Answer => ({
  status: 200,
  body: { ActionStatus: "FAIL", ErrorCode: 1, ErrorInfo: `${error._tag}: ${error.message}` }
})

const failedAnswer = (info: string): Answer => ({
  status: 200,
  body: { ActionStatus: "FAIL", ErrorCode: 1, ErrorInfo: info }
})

const okAnswer: Answer = { status: 200, body: { ...Callback.ok } }

const verdictItem = (toAccount: string, verdict: Verdict) => {
  if (verdict._tag === "Allow") return { To_Account: toAccount, ResultCode: 0, ResultInfo: "" }
  const inRange =
    Number.isInteger(verdict.code) && verdict.code >= Callback.minRefuseCode && verdict.code <= Callback.maxRefuseCode
  return {
    To_Account: toAccount,
    ResultCode: inRange ? verdict.code : Callback.minRefuseCode,
    ResultInfo: verdict.info
  }
}

/**
 * The wire answer of a before-callback: one `ResultItem` per requested account.
 *
 * @since 0.1.0
 */
export const decisionAnswer = (toAccounts: ReadonlyArray<string>, decision: Decision): Record<string, unknown> => ({
  ...Callback.ok,
  ResultItem: toAccounts.map((to) => verdictItem(to, typeof decision === "function" ? decision(to) : decision))
})

const utf8 = new TextDecoder("utf-8", { fatal: true })

const parseJson = (bytes: Uint8Array): Either.Either<Record<string, unknown>, Malformed> => {
  let json: unknown
  try {
    json = JSON.parse(utf8.decode(bytes))
  } catch {
    return Either.left(new Malformed({ detail: "the body is not UTF-8 JSON" }))
  }
  return typeof json === "object" && json !== null && !Array.isArray(json)
    ? Either.right(json as Record<string, unknown>)
    : Either.left(new Malformed({ detail: "the body is not a JSON object" }))
}

const isCommand = Schema.is(Callback.Command)

type Run<R> = (event: unknown, context: Context) => Effect.Effect<Answer, never, R>

/**
 * The request-independent part: verification state and the dispatch table, built once per receiver.
 *
 * @since 0.1.0
 */
export interface Receiver<R> {
  /** Handles one request: its URL query, and its body (or `TooLarge` when the adapter stopped reading). */
  readonly handle: (query: URLSearchParams, body: Uint8Array | TooLarge) => Effect.Effect<Answer, never, R>
  /** The body limit the adapters enforce while reading. */
  readonly maxBodyBytes: number
}

/**
 * Builds a receiver: the core every adapter uses.
 *
 * @since 0.1.0
 */
export const makeReceiver = <E, R>(handlers: Handlers<E, R>, options: Options): Receiver<R> => {
  const tokenProblem = CallbackToken.problem(options.token)
  if (tokenProblem !== undefined) throw new Error(`the callback token ${tokenProblem}`)
  const deadline = Duration.decode(options.deadline ?? defaultDeadline)
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes
  const windowSeconds = options.windowSeconds ?? Signature.defaultWindowSeconds
  const guard =
    options.token !== undefined && options.rejectReplays === true ? Signature.makeReplayGuard(windowSeconds) : undefined
  const fallback: Verdict = options.onOverrun === "refuse" ? refuse("the app did not answer in time") : allow

  /** Runs a handler under the deadline; past it (or on failure) answers `onLate` and logs, letting it finish. */
  const underDeadline = <A>(
    command: string,
    work: Effect.Effect<A, E, R>,
    onTime: (a: A) => Answer,
    onLate: Answer
  ): Effect.Effect<Answer, never, R> =>
    Effect.gen(function* () {
      const fiber = yield* Effect.forkDaemon(
        work.pipe(
          Effect.tapErrorCause((cause) =>
            Cause.isInterruptedOnly(cause)
              ? Effect.void
              : Effect.logError(`callback ${command}: the handler failed`, cause)
          )
        )
      )
      const exit = yield* Effect.timeoutTo(Fiber.await(fiber), {
        duration: deadline,
        onSuccess: Option.some,
        onTimeout: Option.none
      })
      if (Option.isNone(exit)) {
        yield* Effect.logWarning(
          `callback ${command}: the handler overran the ${Duration.format(deadline)} deadline; answered the default`
        )
        yield* Effect.annotateCurrentSpan("tim.callback.outcome", "overrun")
        return onLate
      }
      if (Exit.isFailure(exit.value)) {
        yield* Effect.annotateCurrentSpan("tim.callback.outcome", "handler_failed")
        return onLate
      }
      yield* Effect.annotateCurrentSpan("tim.callback.outcome", "handled")
      return onTime(exit.value.value)
    })

  const after =
    <A>(handler: ((event: A, context: Context) => Effect.Effect<void, E, R>) | undefined): Run<R> =>
    (event, context) =>
      handler === undefined
        ? Effect.succeed(okAnswer)
        : underDeadline(
            context.command,
            handler(event as A, context),
            () => okAnswer,
            failedAnswer("the app's handler did not complete in time or failed")
          )

  const before =
    <A extends { readonly items: ReadonlyArray<{ readonly toAccount: string }> }>(
      handler: ((event: A, context: Context) => Effect.Effect<Decision, E, R>) | undefined
    ): Run<R> =>
    (event, context) => {
      const targets = (event as A).items.map((item) => item.toAccount)
      const answer = (decision: Decision): Answer => ({ status: 200, body: decisionAnswer(targets, decision) })
      return handler === undefined
        ? Effect.succeed(answer(allow))
        : underDeadline(context.command, handler(event as A, context), answer, answer(fallback))
    }

  const table: Record<Callback.Command, Run<R>> = {
    "Sns.CallbackPrevFriendAdd": before(handlers.onPrevFriendAdd),
    "Sns.CallbackPrevFriendResponse": before(handlers.onPrevFriendResponse),
    "Sns.CallbackFriendAdd": after(handlers.onFriendAdd),
    "Sns.CallbackFriendDelete": after(handlers.onFriendDelete),
    "Sns.CallbackBlackListAdd": after(handlers.onBlackListAdd),
    "Sns.CallbackBlackListDelete": after(handlers.onBlackListDelete)
  }
  const decoders = Object.fromEntries(
    Object.entries(Callback.bodies).map(([command, schema]) => [
      command,
      Schema.decodeUnknownEither(schema as Schema.Schema<unknown, unknown>)
    ])
  ) as Record<Callback.Command, (u: unknown) => Either.Either<unknown, ParseResult.ParseError>>

  const refused = (error: CallbackError): Effect.Effect<Answer, never, R> =>
    Effect.as(
      Effect.zipRight(
        Effect.annotateCurrentSpan({ "tim.callback.outcome": "refused", "tim.callback.refusal": error._tag }),
        handlers.onRefused === undefined
          ? Effect.logWarning(`callback refused: ${error._tag}: ${error.message}`)
          : handlers.onRefused(error)
      ),
      refusalAnswer(error)
    )

  const handle = (query: URLSearchParams, body: Uint8Array | TooLarge): Effect.Effect<Answer, never, R> =>
    Effect.gen(function* () {
      const nowSeconds = Math.floor((yield* Clock.currentTimeMillis) / 1000)
      const verified = Signature.verify(query, options, nowSeconds)
      if (Either.isLeft(verified)) return yield* refused(verified.left)
      if (body instanceof TooLarge) return yield* refused(body)
      const { requestTime, sign } = verified.right
      if (guard !== undefined && sign !== undefined && requestTime !== undefined) {
        if (!guard.admit(sign, body, requestTime, nowSeconds)) return yield* refused(new Replayed())
      }
      const json = parseJson(body)
      if (Either.isLeft(json)) return yield* refused(json.left)
      const bodyCommand = json.right.CallbackCommand
      const command = verified.right.command ?? (typeof bodyCommand === "string" ? bodyCommand : undefined)
      if (command === undefined) {
        return yield* refused(new Malformed({ detail: "no CallbackCommand in the URL or the body" }))
      }
      if (bodyCommand !== undefined && bodyCommand !== command) {
        return yield* refused(new Malformed({ detail: "the URL and the body name different commands" }))
      }
      yield* Effect.annotateCurrentSpan("tim.callback.command", command)
      const context: Context = {
        command,
        sdkAppId: verified.right.sdkAppId,
        clientIp: verified.right.clientIp,
        optPlatform: verified.right.optPlatform,
        requestTime
      }
      if (!isCommand(command)) {
        yield* Effect.annotateCurrentSpan("tim.callback.outcome", "unknown_command")
        yield* handlers.onUnknown === undefined
          ? Effect.logWarning(`callback: unknown command ${JSON.stringify(command.slice(0, 64))}, answered OK`)
          : handlers.onUnknown(command, json.right, context)
        return okAnswer
      }
      const decoded = decoders[command]({ ...json.right, CallbackCommand: command })
      if (Either.isLeft(decoded)) {
        return yield* refused(
          new Malformed({
            detail: `the ${command} body does not match its schema: ${describe(decoded.left)}`
          })
        )
      }
      return yield* table[command](decoded.right, context)
    }).pipe(
      // A defect (a decision function or onUnknown that throws) still gets Tencent's envelope, in every adapter.
      Effect.catchAllDefect((defect) =>
        Effect.as(
          Effect.zipRight(
            Effect.annotateCurrentSpan("tim.callback.outcome", "defect"),
            Effect.logError("callback: internal error", Cause.die(defect))
          ),
          failedAnswer("internal error in the callback receiver")
        )
      ),
      Effect.withSpan("tim.callback", { kind: "server" })
    )

  return { handle, maxBodyBytes }
}

/** Reads at most `max` bytes of a stream; past that, `TooLarge` (the rest is not read). */
const readLimited = <E>(stream: Stream.Stream<Uint8Array, E>, max: number): Effect.Effect<Uint8Array | TooLarge, E> =>
  Effect.map(
    Stream.runFoldWhile(
      stream,
      { chunks: [] as Array<Uint8Array>, size: 0 },
      (acc) => acc.size <= max,
      (acc, chunk) => {
        acc.chunks.push(chunk)
        acc.size += chunk.length
        return acc
      }
    ),
    (acc) => (acc.size > max ? new TooLarge({ maxBytes: max }) : Buffer.concat(acc.chunks, acc.size))
  )

/**
 * The receiver as an `@effect/platform` `HttpApp`: mount it on any route of an `HttpRouter`
 * (`HttpRouter.post("/tim/callback", Callbacks.toHttpApp(handlers, options))`).
 *
 * @since 0.1.0
 */
export const toHttpApp = <E, R>(
  handlers: Handlers<E, R>,
  options: Options
): HttpApp.Default<never, R | HttpServerRequest.HttpServerRequest> => {
  const receiver = makeReceiver(handlers, options)
  return Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const q = request.url.indexOf("?")
    const query = new URLSearchParams(q < 0 ? "" : request.url.slice(q + 1))
    const declared = Number(request.headers["content-length"] ?? "0")
    const body: Uint8Array | TooLarge =
      request.method !== "POST"
        ? new Uint8Array()
        : declared > receiver.maxBodyBytes
          ? new TooLarge({ maxBytes: receiver.maxBodyBytes })
          : yield* readLimited(request.stream, receiver.maxBodyBytes).pipe(Effect.orElseSucceed(() => new Uint8Array()))
    const answer =
      request.method === "POST"
        ? yield* receiver.handle(query, body)
        : refusalAnswer(new Malformed({ detail: `method ${request.method} is not allowed, use POST` }))
    return HttpServerResponse.unsafeJson(answer.body, { status: answer.status })
  })
}

/**
 * A plain Node handler.
 *
 * @since 0.1.0
 */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void

/**
 * The receiver as a plain Node `(req, res)` handler for `node:http`, Express or Fastify (`fastify.server` /
 * a raw route). It reads the body itself (do not put a JSON body parser before it: the signature is checked
 * on the raw request). Handlers that need services run with the given runtime.
 *
 * @since 0.1.0
 */
export const toNodeHandler: {
  <E>(handlers: Handlers<E, never>, options: Options): NodeHandler
  <E, R>(handlers: Handlers<E, R>, options: Options, runtime: Runtime.Runtime<R>): NodeHandler
} = <E, R>(handlers: Handlers<E, R>, options: Options, runtime?: Runtime.Runtime<R>): NodeHandler => {
  const receiver = makeReceiver(handlers, options)
  const run = Runtime.runFork((runtime ?? Runtime.defaultRuntime) as Runtime.Runtime<R>)
  return (req, res) => {
    const send = (answer: Answer) => {
      const text = JSON.stringify(answer.body)
      res.writeHead(answer.status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
      res.end(text)
    }
    const q = (req.url ?? "").indexOf("?")
    const query = new URLSearchParams(q < 0 ? "" : (req.url ?? "").slice(q + 1))
    if (req.method !== "POST") {
      req.resume()
      send(refusalAnswer(new Malformed({ detail: `method ${req.method} is not allowed, use POST` })))
      return
    }
    const chunks: Array<Buffer> = []
    let size = 0
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size <= receiver.maxBodyBytes) chunks.push(chunk)
      else chunks.length = 0
    })
    req.once("error", () => res.destroy())
    req.once("end", () => {
      const body =
        size > receiver.maxBodyBytes ? new TooLarge({ maxBytes: receiver.maxBodyBytes }) : Buffer.concat(chunks, size)
      const fiber = run(receiver.handle(query, body))
      fiber.addObserver((exit) => {
        if (res.headersSent) return
        if (Exit.isSuccess(exit)) send(exit.value)
        else send(failedAnswer("internal error in the callback receiver"))
      })
    })
  }
}
