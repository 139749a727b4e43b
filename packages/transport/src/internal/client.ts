import type { HttpClientError, HttpClientResponse } from "@effect/platform"
import { HttpBody, HttpClient, HttpClientRequest } from "@effect/platform"
import { Api, Envelope, TimError } from "@effect-tim/schema"
import type { UserSigner } from "@effect-tim/usersig"
import type { Tracer } from "effect"
import {
  Cause,
  Clock,
  Context,
  Duration,
  Effect,
  Either,
  Exit,
  type FiberId,
  FiberRef,
  FiberRefs,
  ParseResult,
  Random,
  Redacted,
  Schema,
  Scope
} from "effect"
import type { CallLimiter } from "../CallLimiter.js"
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

/** The class of the default (live) clock, to tell it from `TestClock`. */
const LiveClock = Clock.make().constructor

let live: Random.Random | undefined
/**
 * The default Random service. Calls under it draw `random` from `Math.random` (one Effect step less per attempt);
 * under any other (`Effect.withRandom`, tests) they draw from that service.
 */
const liveRandom = (): Random.Random => (live ??= Effect.runSync(Effect.random))

const tracerOff = (): boolean => true

const transientStatus: ReadonlySet<number> = new Set([502, 503, 504])

const snippet = (text: string): string => {
  const flat = text.replace(/\s+/g, " ").trim()
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat
}

const formatParseError = (error: ParseResult.ParseError): string => ParseResult.TreeFormatter.formatErrorSync(error)

type AttemptError = TimError.TimError | TransportError

/** Builds the service's `call`. */
export const makeCall = (
  settings: Settings,
  signer: UserSigner.UserSigner.Service,
  http: HttpClient.HttpClient,
  limiter: CallLimiter.Service
) => {
  // The platform's own span records the full URL, usersig included: this client records its own, redacted span, and
  // runs each exchange with the platform's span off (see `enter`). `withScope` aborts a request when its scope closes.
  const scopedClient = HttpClient.withScope(http)
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

  // The URL-encoded form of the last sig seen: the signer hands out the same Redacted until it re-signs.
  let lastSig: Redacted.Redacted<string> | undefined
  let lastSigValue = ""
  let lastSigEncoded = ""
  const unwrap = (sig: Redacted.Redacted<string>): void => {
    if (sig !== lastSig) {
      lastSig = sig
      lastSigValue = Redacted.value(sig)
      lastSigEncoded = encodeURIComponent(lastSigValue)
    }
  }
  /** Safety net: whatever a lower layer put in a message, the sig never leaves. */
  const scrub = (text: string): string =>
    lastSigValue.length > 0 && text.includes(lastSigValue) ? text.split(lastSigValue).join("<redacted>") : text

  const transportError = (c: Compiled, reason: TransportError["reason"], detail: string, status?: number) =>
    new TransportError(
      status === undefined
        ? { reason, api: c.path, detail: scrub(detail) }
        : { reason, api: c.path, status, detail: scrub(detail) }
    )

  const interpret = (c: Compiled, status: number, text: string): Either.Either<unknown, AttemptError> => {
    if (status < 200 || status >= 300) {
      return Either.left(transportError(c, "HttpStatus", snippet(text) || "no body", status))
    }
    if (text.trim().length === 0) return Either.left(transportError(c, "EmptyBody", "the response body is empty"))
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (cause) {
      return Either.left(
        transportError(c, "InvalidJson", `${cause instanceof Error ? cause.message : String(cause)}: ${snippet(text)}`)
      )
    }
    const envelope = decodeEnvelope(json)
    if (Either.isLeft(envelope)) {
      return Either.left(transportError(c, "ResponseMismatch", `envelope: ${formatParseError(envelope.left)}`))
    }
    if (Envelope.isFailure(envelope.right)) {
      const { ErrorCode: code, ErrorInfo: info } = envelope.right
      return Either.left(c.errorOf(code, regionCodes.has(code) ? `${info} (client calls ${where})` : info))
    }
    const response = c.response.decode(json)
    return Either.isLeft(response)
      ? Either.left(transportError(c, "ResponseMismatch", formatParseError(response.left)))
      : Either.right(response.right)
  }

  const fromHttpError = (c: Compiled, error: HttpClientError.HttpClientError): TransportError => {
    const cause =
      error.cause instanceof Error ? error.cause.message : error.cause === undefined ? "" : String(error.cause)
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
    attempts: number
    random: number
    status: number | undefined
    /** The fiber's Random service when it is not the live default (tests seed it); `undefined`: `Math.random`. */
    readonly rng: Random.Random | undefined
    /** Whether the clock is the live one (see `timed`). */
    readonly live: boolean
  }

  /** Records the outcome on the call's span: the last attempt's redacted URL, status and result. */
  const annotate = (state: CallState, error: AttemptError | undefined): void => {
    const span = state.span
    span.attribute("tim.attempts", state.attempts)
    if (state.attempts > 0) span.attribute("url.full", `${state.c.redactedPrefix}${state.random}&contenttype=json`)
    if (state.status !== undefined) span.attribute("http.response.status_code", state.status)
    if (error === undefined) span.attribute("tim.result_code", 0)
    else if (error._tag === "TransportError") span.attribute("tim.transport_error", error.reason)
    else span.attribute("tim.result_code", error.code)
  }

  /** The call's final failure, recorded on its span. */
  const failed = (state: CallState, error: AttemptError): Effect.Effect<never, AttemptError> => {
    annotate(state, error)
    return Effect.fail(error)
  }

  /** One HTTP exchange through `http`: send, read the body, interpret it. */
  const exchange = (
    http: HttpClient.HttpClient.With<HttpClientError.HttpClientError, Scope.Scope>,
    request: HttpClientRequest.HttpClientRequest,
    state: CallState
  ): Effect.Effect<unknown, AttemptError, Scope.Scope> =>
    Effect.matchEffect(http.execute(request), {
      onFailure: (e) => Effect.fail(fromHttpError(state.c, e)),
      onSuccess: (response: HttpClientResponse.HttpClientResponse) => {
        state.status = response.status
        return Effect.matchEffect(response.text, {
          onFailure: (e) => Effect.fail(fromHttpError(state.c, e)),
          onSuccess: (text) => {
            const result = interpret(state.c, response.status, text)
            if (Either.isRight(result)) annotate(state, undefined)
            return result
          }
        })
      }
    })

  const timeoutError = (state: CallState) =>
    transportError(state.c, "Timeout", `no answer within ${Duration.format(state.timeout)}`, state.status)

  /**
   * The fiber refs of one exchange: the platform's span off and the attempt's scope in context. Set in one update and
   * restored as they were, which costs a third of `Effect.locally` plus `Effect.provideService` (each copies the
   * fiber's refs twice and wraps the effect in `acquireUseRelease`); nothing in an exchange sets a ref to keep.
   */
  const enter = (refs: FiberRefs.FiberRefs, fiberId: FiberId.Runtime, scope: Scope.Scope): FiberRefs.FiberRefs =>
    FiberRefs.updateManyAs(refs, {
      entries: [
        [HttpClient.currentTracerDisabledWhen, [[fiberId, tracerOff]]],
        [
          FiberRef.currentContext,
          [[fiberId, Context.add(FiberRefs.getOrDefault(refs, FiberRef.currentContext), Scope.Scope, scope)]]
        ]
      ]
    })

  /**
   * With the live clock, a timer aborts the request through its scope (the platform aborts a scoped request when
   * its scope closes), which costs a fraction of `Effect.timeout`'s two extra fibers. Under any other clock
   * (`TestClock`) the timeout is `Effect.timeoutFail`, so that tests drive it.
   */
  const timed = (
    request: HttpClientRequest.HttpClientRequest,
    state: CallState
  ): Effect.Effect<unknown, AttemptError> =>
    state.live
      ? Effect.flatMap(Scope.make(), (scope) => withTimer(request, state, scope))
      : Effect.timeoutFail(
          Effect.scoped(
            Effect.locally(exchange(scopedClient, request, state), HttpClient.currentTracerDisabledWhen, tracerOff)
          ),
          { duration: state.timeout, onTimeout: () => timeoutError(state) }
        )

  /** The live clock's exchange: `enter`'s refs, a timer that closes `scope`, and the refs restored at the end. */
  const withTimer = (
    request: HttpClientRequest.HttpClientRequest,
    state: CallState,
    scope: Scope.CloseableScope
  ): Effect.Effect<unknown, AttemptError> => {
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      Effect.runFork(Scope.close(scope, Exit.void))
    }, Duration.toMillis(state.timeout))
    let saved: FiberRefs.FiberRefs | undefined
    const enterRefs = Effect.updateFiberRefs((fiberId, refs) => {
      saved = refs
      return enter(refs, fiberId, scope)
    })
    const leave = Effect.updateFiberRefs(() => saved!)
    // `enter` puts the scope in context, which the type of `exchange` cannot see.
    const exchanged = exchange(scopedClient, request, state) as Effect.Effect<unknown, AttemptError>
    // `Effect.onExit` and `Effect.mapError` in one step: the scope closes (aborting the request) on failure or
    // interruption, and a failure after the timer fired is the timeout.
    return Effect.uninterruptibleMask((restore) =>
      Effect.zipRight(
        enterRefs,
        Effect.matchCauseEffect(restore(exchanged), {
          onFailure: (cause) => {
            clearTimeout(timer)
            const final = timedOut ? Cause.map(cause, () => timeoutError(state)) : cause
            return Effect.zipRight(
              leave,
              Effect.zipRight(Scope.close(scope, Exit.failCause(final)), Effect.failCause(final))
            )
          },
          onSuccess: (value) => {
            clearTimeout(timer)
            return Effect.as(leave, value)
          }
        })
      )
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
    return unlimited ? send : Effect.zipRight(limiter.acquire(c.limiterKey, settings.rateLimit), send)
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

  const run = (state: CallState): Effect.Effect<unknown, AttemptError> => {
    const { policy } = state
    const loop = (retries: number, resigned: boolean): Effect.Effect<unknown, AttemptError> =>
      Effect.catchAll(attempt(state), (error) => {
        const retryClass = classify(error)
        if (retryClass === "final") return failed(state, error)
        if (retryClass === "resign") {
          return resigned ? failed(state, error) : Effect.zipRight(signer.invalidate(), loop(retries, true))
        }
        if (policy === undefined || retries + 1 >= policy.maxAttempts) return failed(state, error)
        return Effect.flatMap(state.rng?.next ?? Effect.sync(Math.random), (r) =>
          Effect.clockWith((clock) => {
            const base = retryClass === "backoff" ? policy.backoffBaseMillis : policy.baseMillis
            let delay = retry.jitteredDelay(base, policy.factor, retries, r)
            if (error._tag !== "TransportError") delay = Math.max(delay, TimError.minRetryDelayOf(error.code))
            const elapsed = clock.unsafeCurrentTimeMillis() - state.startMillis
            return elapsed + delay > policy.maxElapsedMillis
              ? failed(state, error)
              : Effect.zipRight(Effect.sleep(delay), loop(retries + 1, resigned))
          })
        )
      })
    return loop(0, false)
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
          attempts: 0,
          random: 0,
          status: undefined,
          rng: rng === liveRandom() ? undefined : rng,
          live: clock instanceof LiveClock
        })
      )
    }) as Effect.Effect<Api.ResponseOf<A>, CallError<A>>

  return { call, resolvePolicy }
}
