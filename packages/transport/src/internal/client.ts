import type { HttpClientError, HttpClientResponse } from "@effect/platform"
import { FetchHttpClient, HttpBody, HttpClient, HttpClientRequest } from "@effect/platform"
import { Api, Envelope, TimError } from "@effect-tim/schema"
import type { UserSigner } from "@effect-tim/usersig"
import type { Tracer } from "effect"
import {
  Clock,
  Context,
  Duration,
  Effect,
  Either,
  FiberRef,
  Option,
  ParseResult,
  Random,
  Redacted,
  Schedule,
  Schema,
  Stream
} from "effect"
import type { CallLimiter } from "../CallLimiter.js"
import * as Redaction from "../Redaction.js"
import type { CallError, RetryPolicy } from "../TimClient.js"
import { TransportError } from "../TransportError.js"
import * as fastCodec from "./fastCodec.js"
import * as retry from "./retry.js"

/** Per-call retry override: `undefined` keeps the client's policy, `false` disables retries. */
export const currentRetry = FiberRef.unsafeMake<Partial<RetryPolicy> | false | undefined>(undefined)

/** Per-call timeout override (per attempt). */
export const currentTimeout = FiberRef.unsafeMake<Duration.Duration | undefined>(undefined)

/** What `make` needs, validated. */
export interface Settings {
  readonly baseUrl: string
  readonly region: string | undefined
  readonly retry: retry.Resolved | undefined
  readonly retryInput: Partial<RetryPolicy> | undefined
  readonly rateLimit: number
  readonly timeoutMillis: number
  /** The longest answer body read, in bytes. */
  readonly maxBodyBytes: number
  /** Secrets scrubbed from server text besides the sigs (the secret key). */
  readonly secrets: ReadonlyArray<Redacted.Redacted<string>>
}

interface Codec {
  readonly encode: (u: unknown) => Either.Either<unknown, ParseResult.ParseError>
  readonly decode: (u: unknown) => Either.Either<unknown, ParseResult.ParseError>
}

const codecs = new WeakMap<Schema.Schema.AnyNoContext, Codec>()

/** The compiled fast path when the schema allows one, with Effect's parser behind it for everything else. */
const withFastPath = (
  fast: fastCodec.Fast | undefined,
  full: (u: unknown) => Either.Either<unknown, ParseResult.ParseError>
) =>
  fast === undefined
    ? full
    : (u: unknown) => {
        const value = fast(u)
        return value === fastCodec.Fallback ? full(u) : Either.right(value)
      }

const codecOf = (schema: Schema.Schema.AnyNoContext): Codec => {
  let codec = codecs.get(schema)
  if (codec === undefined) {
    codec = {
      encode: withFastPath(fastCodec.compile(schema.ast, false), Schema.encodeUnknownEither(schema, { errors: "all" })),
      decode: withFastPath(fastCodec.compile(schema.ast, true), Schema.decodeUnknownEither(schema, { errors: "all" }))
    }
    codecs.set(schema, codec)
  }
  return codec
}

const decodeEnvelope = withFastPath(
  fastCodec.compile(Envelope.Envelope.ast, true),
  Schema.decodeUnknownEither(Envelope.Envelope)
) as (u: unknown) => Either.Either<Envelope.Envelope, ParseResult.ParseError>

interface Compiled {
  readonly path: string
  readonly prefix: string
  readonly redactedPrefix: string
  readonly spanName: string
  readonly limiterKey: string
  readonly request: Codec
  readonly response: Codec
  /** A failure code as this API's typed error (see `Api.errorFromCode`). */
  readonly errorOf: (code: number, info: string) => TimError.TimError
}

/** The codes whose meaning says "check the region": their message also names the host the client called. */
const regionCodes: ReadonlySet<number> = new Set([
  TimError.DomainMismatch.code,
  TimError.KeyNotFound.code,
  TimError.SdkAppIdNotFound.code
])

let live: Random.Random | undefined
/**
 * The default Random service. Calls under it draw `random` from `Math.random` (one Effect step less per attempt);
 * under any other (`Effect.withRandom`, tests) they draw from that service.
 */
const liveRandom = (): Random.Random => (live ??= Effect.runSync(Effect.random))

const tracerOff = (): boolean => true

/** Statuses worth another attempt: 429 (after its Retry-After, from the longer base) and the gateway errors. */
const transientStatus: ReadonlySet<number> = new Set([429, 502, 503, 504])

/** The longest server text kept in an error (after scrubbing). */
const maxSnippet = 200
const maxInfo = 1000

/**
 * A fetch-based `HttpClient` follows redirects unless told otherwise; the client never does (a redirect would send
 * the sig to another host and re-post the body), so every exchange runs with `redirect: "manual"`, which hands the
 * 3xx back as it is. Other clients (undici, node:http) do not follow redirects.
 */
const manualRedirect: RequestInit = { redirect: "manual" }
const requestInitKey = FetchHttpClient.RequestInit.key

const utf8 = new TextDecoder()

/**
 * Formats a parse error, or says why it cannot: a hostile answer (100 000 nested arrays) overflows the stack of any
 * recursive formatter, and that must stay a typed failure, not a defect.
 */
const formatParseError = (error: ParseResult.ParseError): string => {
  try {
    return ParseResult.TreeFormatter.formatErrorSync(error)
  } catch {
    return "the answer does not match the schema (too deeply nested to describe)"
  }
}

/** `Retry-After` (seconds or an HTTP date) in milliseconds from `nowMillis`, if the header is there and valid. */
const retryAfterOf = (value: string | undefined, nowMillis: number): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMillis)
}

/**
 * The text of an HTTP client's failure cause. `fetch` wraps the socket's error (`TypeError: fetch failed`, its
 * `cause` the `connect ECONNREFUSED 127.0.0.1:PORT` error): the wrapped error says what happened, as undici's
 * does directly, so fetch-based clients (TimFriends) report the same text as the others.
 */
const causeText = (cause: unknown): string => {
  let error = cause
  while (error instanceof Error && error.message === "fetch failed" && error.cause !== undefined) error = error.cause
  if (!(error instanceof Error)) return error === undefined ? "" : String(error)
  // Node's dual-stack connect fails with an AggregateError whose own message is empty.
  if (error.message === "" && error instanceof AggregateError && error.errors[0] instanceof Error) {
    return error.errors[0].message
  }
  return error.message
}

type AttemptError = TimError.TimError | TransportError

/** Builds the service's `call`. */
export const makeCall = (
  settings: Settings,
  signer: UserSigner.UserSigner.Service,
  http: HttpClient.HttpClient,
  limiter: CallLimiter.Service
) => {
  // The platform's own span records the full URL, usersig included: this client records its own, redacted span, and
  // runs each exchange with the platform's span off. The platform aborts a request that is interrupted (a timeout)
  // while it is sent or its body read, and when a body stream ends; a body over the limit is ended after one chunk
  // (see `readBody`). Not `HttpClient.withScope`: it aborts every request when its scope closes, finished or not,
  // and each abort builds a DOMException and runs undici's listeners (~0.1 ms a call).
  const identifier = encodeURIComponent(signer.identifier)
  const host = settings.baseUrl.replace(/^https?:\/\//, "")
  const where = settings.region === undefined ? `host ${host}` : `region ${settings.region}, host ${host}`
  const unlimited = settings.rateLimit === Number.POSITIVE_INFINITY
  const compiled = new WeakMap<Api.Any, Compiled>()

  const compile = (api: Api.Any): Compiled => {
    let c = compiled.get(api)
    if (c === undefined) {
      const prefix = `${settings.baseUrl}/${api.path}?sdkappid=${signer.sdkAppId}&identifier=${identifier}&usersig=`
      c = {
        path: api.path,
        prefix,
        redactedPrefix: `${prefix}<redacted>&random=`,
        spanName: `tim.${api.service}.${api.command}`,
        limiterKey: `${signer.sdkAppId}/${api.path}`,
        request: codecOf(api.Request),
        response: codecOf(api.Response),
        // Every class it answers is a TimError; the per-API narrowing is what `CallError<A>` states.
        errorOf: Api.errorFromCode(api) as Compiled["errorOf"]
      }
      compiled.set(api, c)
    }
    return c
  }

  // The URL-encoded form of the last sig seen: the signer hands out the same Redacted until it re-signs. The sigs
  // seen so far (the last few) and the configured secrets are what `scrub` removes from server text.
  let lastSig: Redacted.Redacted<string> | undefined
  let lastSigEncoded = ""
  const recentSigs: Array<string> = []
  let secrets = Redaction.make(settings.secrets)
  const unwrap = (sig: Redacted.Redacted<string>): void => {
    if (sig !== lastSig) {
      lastSig = sig
      const value = Redacted.value(sig)
      lastSigEncoded = encodeURIComponent(value)
      recentSigs.push(value)
      if (value !== lastSigEncoded) recentSigs.push(lastSigEncoded)
      if (recentSigs.length > 4) recentSigs.splice(0, recentSigs.length - 4)
      secrets = Redaction.make([...settings.secrets, ...recentSigs])
    }
  }
  /** Server text with every run of 16+ characters of the sig or a configured secret removed, then shortened. */
  const scrub = (text: string, maxLength?: number): string => Redaction.scrub(text, secrets, maxLength)

  const transportError = (
    c: Compiled,
    reason: TransportError["reason"],
    detail: string,
    status?: number,
    retryAfterMillis?: number
  ) =>
    new TransportError({
      reason,
      api: c.path,
      detail: scrub(detail, maxInfo),
      ...(status === undefined ? {} : { status }),
      ...(retryAfterMillis === undefined ? {} : { retryAfterMillis })
    })

  /** Each item's `resultInfo` (the only free text in a decoded answer) scrubbed; "" (the usual case) costs nothing. */
  const scrubItems = (value: unknown): unknown => {
    if (typeof value !== "object" || value === null) return value
    for (const field of Object.values(value)) {
      if (!Array.isArray(field)) continue
      for (let i = 0; i < field.length; i++) {
        const item = field[i] as { readonly resultInfo?: unknown } | null
        if (item === null || typeof item !== "object") continue
        const info = item.resultInfo
        if (typeof info === "string" && info.length >= Redaction.minRun) {
          field[i] = { ...item, resultInfo: scrub(info, maxInfo) }
        }
      }
    }
    return value
  }

  const interpret = (c: Compiled, status: number, text: string): Either.Either<unknown, AttemptError> => {
    if (status >= 300 && status < 400) {
      // The Location (and whatever body) may echo the URL: neither is kept.
      return Either.left(transportError(c, "HttpStatus", `redirect (HTTP ${status}) not followed`, status))
    }
    if (status < 200 || status >= 300) {
      return Either.left(transportError(c, "HttpStatus", scrub(text, maxSnippet) || "no body", status))
    }
    if (text.trim().length === 0) return Either.left(transportError(c, "EmptyBody", "the response body is empty"))
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (cause) {
      return Either.left(
        transportError(
          c,
          "InvalidJson",
          `${cause instanceof Error ? cause.message : String(cause)}: ${scrub(text, maxSnippet)}`
        )
      )
    }
    try {
      const envelope = decodeEnvelope(json)
      if (Either.isLeft(envelope)) {
        return Either.left(transportError(c, "ResponseMismatch", `envelope: ${formatParseError(envelope.left)}`))
      }
      if (Envelope.isFailure(envelope.right)) {
        const { ErrorCode: code } = envelope.right
        const info = scrub(envelope.right.ErrorInfo, maxInfo)
        return Either.left(c.errorOf(code, regionCodes.has(code) ? `${info} (client calls ${where})` : info))
      }
      const response = c.response.decode(json)
      return Either.isLeft(response)
        ? Either.left(transportError(c, "ResponseMismatch", formatParseError(response.left)))
        : Either.right(scrubItems(response.right))
    } catch {
      // A stack overflow in a decoder (hostile nesting): the same typed failure as any other mismatch.
      return Either.left(transportError(c, "ResponseMismatch", "the answer is too deeply nested"))
    }
  }

  const fromHttpError = (c: Compiled, error: HttpClientError.HttpClientError): TransportError => {
    const cause = causeText(error.cause)
    if (error._tag === "RequestError") {
      return error.reason === "Transport"
        ? transportError(c, "Connection", cause || "the connection failed")
        : transportError(c, "InvalidRequest", `${error.reason}: ${cause}`)
    }
    return transportError(
      c,
      "Connection",
      `reading the response failed: ${cause || error.reason}`,
      error.response.status
    )
  }

  /** One call: what it sends and how, fixed when it starts, and what its attempts found. */
  interface CallState {
    readonly c: Compiled
    readonly span: Tracer.Span
    readonly body: HttpBody.HttpBody
    readonly policy: retry.Resolved | undefined
    /** Per attempt. */
    readonly timeout: Duration.Duration
    readonly startMillis: number
    readonly clock: Clock.Clock
    attempts: number
    random: number
    status: number | undefined
    /** Milliseconds spent waiting for the limiter, all attempts together. */
    limiterWait: number
    /** The fiber's Random service when it is not the live default (tests seed it); `undefined`: `Math.random`. */
    readonly rng: Random.Random | undefined
  }

  /** Records the outcome on the call's span: the last attempt's redacted URL, status and result. */
  const annotate = (state: CallState, error: AttemptError | undefined): void => {
    const span = state.span
    span.attribute("tim.attempts", state.attempts)
    if (state.attempts > 0) span.attribute("url.full", `${state.c.redactedPrefix}${state.random}&contenttype=json`)
    if (state.status !== undefined) span.attribute("http.response.status_code", state.status)
    if (!unlimited) span.attribute("tim.limiter.wait_ms", state.limiterWait)
    if (error === undefined) span.attribute("tim.result_code", 0)
    else if (error._tag === "TransportError") span.attribute("tim.transport_error", error.reason)
    else span.attribute("tim.result_code", error.code)
  }

  /** The call's final failure, recorded on its span. */
  const failed = (state: CallState, error: AttemptError): Effect.Effect<never, AttemptError> => {
    annotate(state, error)
    return Effect.fail(error)
  }

  const tooLarge = (state: CallState, bytes: string) =>
    transportError(
      state.c,
      "BodyTooLarge",
      `the answer is ${bytes} bytes, over the client's limit of ${settings.maxBodyBytes} (maxBodyBytes)`,
      state.status
    )

  /**
   * The body as text, read chunk by chunk and given up at once past `maxBodyBytes` (ending the stream aborts
   * the rest): a declared Content-Length over the limit fails after one chunk at most.
   */
  const readBody = (
    response: HttpClientResponse.HttpClientResponse,
    state: CallState
  ): Effect.Effect<string, AttemptError> => {
    const limit = settings.maxBodyBytes
    const declared = response.headers["content-length"]
    if (declared !== undefined && Number(declared) > limit) {
      // Not read: pulling one chunk and ending the body's stream makes the platform abort the request now.
      return Effect.zipRight(
        Effect.ignore(Stream.runDrain(Stream.take(response.stream, 1))),
        Effect.fail(tooLarge(state, declared))
      )
    }
    // A declared length within the limit bounds the read by itself (the HTTP client fails a body longer than its
    // Content-Length), unless a content encoding makes the decoded text longer: then, and for chunked answers, the
    // body is counted chunk by chunk. Reading it whole is several times cheaper than the stream.
    const encoding = response.headers["content-encoding"]
    if (declared !== undefined && /^\d+$/.test(declared) && (encoding === undefined || encoding === "identity")) {
      return Effect.mapError(response.text, (e) => fromHttpError(state.c, e))
    }
    const parts: Array<Uint8Array> = []
    let total = 0
    return Effect.matchEffect(
      Stream.runForEachChunk(response.stream, (chunk) => {
        for (const part of chunk) {
          total += part.length
          if (total > limit) return Effect.fail(tooLarge(state, `more than ${limit}`))
          parts.push(part)
        }
        return Effect.void
      }),
      {
        onFailure: (e) => Effect.fail(e._tag === "TransportError" ? e : fromHttpError(state.c, e)),
        onSuccess: () => {
          if (parts.length === 1) return Effect.succeed(utf8.decode(parts[0]))
          const all = new Uint8Array(total)
          let at = 0
          for (const part of parts) {
            all.set(part, at)
            at += part.length
          }
          return Effect.succeed(utf8.decode(all))
        }
      }
    )
  }

  /** One HTTP exchange through `http`: send, read the body, interpret it. */
  const exchange = (
    request: HttpClientRequest.HttpClientRequest,
    state: CallState
  ): Effect.Effect<unknown, AttemptError> =>
    Effect.matchEffect(http.execute(request), {
      onFailure: (e) => Effect.fail(fromHttpError(state.c, e)),
      onSuccess: (response: HttpClientResponse.HttpClientResponse) => {
        state.status = response.status
        return Effect.flatMap(readBody(response, state), (text) => {
          const result = interpret(state.c, response.status, text)
          if (Either.isRight(result)) {
            annotate(state, undefined)
            return result
          }
          const error = result.left
          if (error._tag === "TransportError" && (response.status === 429 || response.status === 503)) {
            const after = retryAfterOf(response.headers["retry-after"], state.clock.unsafeCurrentTimeMillis())
            if (after !== undefined) {
              return Either.left(new TransportError({ ...error, retryAfterMillis: after }))
            }
          }
          return result
        })
      }
    })

  const timeoutError = (state: CallState) =>
    transportError(state.c, "Timeout", `no answer within ${Duration.format(state.timeout)}`, state.status)

  /** The exchange's context: the attempt's scope, and `redirect: "manual"` for fetch-based clients. */
  const exchangeContext = (context: Context.Context<never>): Context.Context<never> => {
    const init = context.unsafeMap.get(requestInitKey) as RequestInit | undefined
    return Context.add(
      context,
      FetchHttpClient.RequestInit,
      init === undefined ? manualRedirect : { ...init, redirect: "manual" }
    )
  }

  /**
   * One attempt's exchange under its timeout: the same `Effect.timeoutFail` under the live clock and `TestClock`.
   * Timing out interrupts the exchange, and the platform aborts an interrupted request.
   */
  const timed = (
    request: HttpClientRequest.HttpClientRequest,
    state: CallState
  ): Effect.Effect<unknown, AttemptError> =>
    Effect.timeoutFail(
      // A failed read of the body also fails the platform's reader fiber, which the runtime logs at Debug with the
      // platform's message, full URL (usersig) included: that failure is this call's, reported scrubbed.
      Effect.withUnhandledErrorLogLevel(
        Effect.locally(
          Effect.locallyWith(exchange(request, state), FiberRef.currentContext, exchangeContext),
          HttpClient.currentTracerDisabledWhen,
          tracerOff
        ),
        Option.none()
      ),
      { duration: state.timeout, onTimeout: () => timeoutError(state) }
    )

  /** Waits for the limiter under a `tim.limiter.acquire` span, whose duration is the wait for budget. */
  const acquire = (state: CallState): Effect.Effect<void> => {
    const before = state.clock.unsafeCurrentTimeMillis()
    return Effect.withSpan(
      Effect.map(limiter.acquire(state.c.limiterKey, settings.rateLimit), () => {
        state.limiterWait += state.clock.unsafeCurrentTimeMillis() - before
      }),
      "tim.limiter.acquire",
      {
        parent: state.span,
        kind: "internal",
        captureStackTrace: false,
        attributes: { "tim.limiter.key": state.c.limiterKey, "tim.limiter.limit": settings.rateLimit }
      }
    )
  }

  const attempt = (state: CallState): Effect.Effect<unknown, AttemptError> => {
    const { c } = state
    const send = Effect.matchEffect(signer.sign(), {
      onFailure: (error) =>
        Effect.fail(transportError(c, "InvalidRequest", `could not sign a UserSig: ${error.message}`)),
      onSuccess: (sig) => {
        const sendWith = (r: number) => {
          unwrap(sig)
          state.attempts++
          state.random = Math.min(4294967295, Math.floor(r * 4294967296))
          const request = HttpClientRequest.post(
            `${c.prefix}${lastSigEncoded}&random=${state.random}&contenttype=json`,
            { body: state.body }
          )
          return timed(request, state)
        }
        return state.rng === undefined ? sendWith(Math.random()) : Effect.flatMap(state.rng.next, sendWith)
      }
    })
    return unlimited ? send : Effect.zipRight(acquire(state), send)
  }

  /** The retry class of a failed attempt. */
  const classify = (error: AttemptError): TimError.RetryClass => {
    if (error._tag === "TransportError") {
      return error.reason === "Connection" ||
        error.reason === "Timeout" ||
        (error.reason === "HttpStatus" && error.status !== undefined && transientStatus.has(error.status))
        ? "retryable"
        : "final"
    }
    return TimError.retryClassOf(error.code)
  }

  /**
   * The attempts of one call: the re-sign after 70001 is one separate step; every other retry is decided and timed
   * by the retry engine (`retry.schedule`), built on the first retryable failure.
   */
  const run = (state: CallState): Effect.Effect<unknown, AttemptError> => {
    const { policy } = state
    let resigned = false
    let driver: Schedule.ScheduleDriver<number, unknown> | undefined
    const loop = (): Effect.Effect<unknown, AttemptError> =>
      Effect.catchAll(attempt(state), (error) => {
        const retryClass = classify(error)
        if (retryClass === "final") return failed(state, error)
        if (retryClass === "resign") {
          if (resigned) return failed(state, error)
          resigned = true
          return Effect.zipRight(signer.invalidate(), loop())
        }
        if (policy === undefined) return failed(state, error)
        const next = (d: Schedule.ScheduleDriver<number, unknown>) =>
          Effect.matchEffect(d.next(error), { onFailure: () => failed(state, error), onSuccess: loop })
        if (driver !== undefined) return next(driver)
        return Effect.flatMap(Schedule.driver(retry.schedule(policy, state.startMillis)), (d) => {
          driver = d
          return next(d)
        })
      })
    return loop()
  }

  const defaultTimeout = Duration.millis(settings.timeoutMillis)
  const spanOptions: Tracer.SpanOptions = { kind: "client", captureStackTrace: false }

  // A `withRetry` override is merged and checked once, not on every call made under it.
  const resolvedOverrides = new WeakMap<Partial<RetryPolicy>, ReturnType<typeof retry.resolve>>()
  const resolvePolicy = (
    override: Partial<RetryPolicy> | false | undefined
  ): Either.Either<retry.Resolved | undefined, readonly [string, string]> => {
    if (override === undefined) return Either.right(settings.retry)
    if (override === false) return Either.right(undefined)
    let resolved = resolvedOverrides.get(override)
    if (resolved === undefined) {
      resolved = retry.resolve(settings.retryInput, override)
      resolvedOverrides.set(override, resolved)
    }
    return resolved
  }

  const call = <A extends Api.Any>(api: A, input: Api.RequestOf<A>): Effect.Effect<Api.ResponseOf<A>, CallError<A>> =>
    Effect.withFiberRuntime<unknown, AttemptError>((fiber) => {
      const c = compile(api)
      const policy = resolvePolicy(fiber.getFiberRef(currentRetry))
      if (Either.isLeft(policy)) {
        return Effect.fail(transportError(c, "InvalidRequest", `${policy.left[0]} ${policy.left[1]}`))
      }
      const timeout = fiber.getFiberRef(currentTimeout) ?? defaultTimeout
      const encoded = c.request.encode(input)
      if (Either.isLeft(encoded)) {
        return Effect.fail(transportError(c, "InvalidRequest", formatParseError(encoded.left)))
      }
      const body = HttpBody.raw(JSON.stringify(encoded.right), { contentType: "application/json" })
      const services = fiber.currentDefaultServices
      const clock = Context.get(services, Clock.Clock)
      const rng = Context.get(services, Random.Random)
      return Effect.useSpan(c.spanName, spanOptions, (span) =>
        run({
          c,
          span,
          body,
          policy: policy.right,
          timeout,
          startMillis: clock.unsafeCurrentTimeMillis(),
          clock,
          attempts: 0,
          random: 0,
          status: undefined,
          limiterWait: 0,
          rng: rng === liveRandom() ? undefined : rng
        })
      )
    }) as Effect.Effect<Api.ResponseOf<A>, CallError<A>>

  return {
    call,
    resolvePolicy,
    scrub,
    interpret: (api: Api.Any, status: number, text: string) => interpret(compile(api), status, text)
  }
}
