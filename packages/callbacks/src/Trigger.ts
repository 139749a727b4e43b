/**
 * Send a callback the way Tencent does (POST, the URL parameters, signed with the token) and judge the answer:
 * what `tim callback trigger` runs, and a way to test a deployed receiver end to end.
 *
 * @since 0.1.0
 */
import { Callback } from "@effect-tim/schema"
import { Clock, Duration, Effect, Either, type Redacted, Schema } from "effect"
import { describe } from "./internal/describe.js"
import * as Signature from "./Signature.js"

/**
 * What to send.
 *
 * @since 0.1.0
 */
export interface Options {
  /** The receiver's URL (its own query parameters are kept). */
  readonly url: string
  readonly command: Callback.Command
  /** The wire body (default: the command's sample from {@link Samples}). */
  readonly body: Readonly<Record<string, unknown>>
  readonly sdkAppId: number
  /** The callback token: the request is signed when given. */
  readonly token?: Redacted.Redacted<string> | undefined
  /** How long to wait for the answer (default 5 s). */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * The receiver's answer and whether it is one Tencent accepts for this command.
 *
 * @since 0.1.0
 */
export interface Result {
  readonly status: number
  readonly elapsedMillis: number
  /** The answer's text (at most 64 KiB). */
  readonly text: string
  /** Undefined when valid, else what is wrong. */
  readonly problem: string | undefined
  /** The `ErrorInfo` of a valid answer that reports a failure (`ActionStatus: FAIL`), e.g. a refused signature. */
  readonly failed: string | undefined
}

/**
 * The request could not be sent or no answer came in time.
 *
 * @since 0.1.0
 */
export class TriggerError extends Schema.TaggedError<TriggerError>()("TriggerError", {
  reason: Schema.Literal("InvalidUrl", "Unreachable", "Timeout"),
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.reason}: ${this.detail}`
  }
}

const maxText = 64 * 1024

const answerProblem = (command: Callback.Command, body: Readonly<Record<string, unknown>>, text: string) => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return "the answer is not JSON"
  }
  if (!Callback.beforeCommands.includes(command)) {
    const decoded = Schema.decodeUnknownEither(Callback.Answer)(json)
    return Either.isLeft(decoded) ? `the answer is not Tencent's envelope: ${describe(decoded.left)}` : undefined
  }
  const decoded = Schema.decodeUnknownEither(Callback.DecisionAnswer)(json)
  if (Either.isLeft(decoded)) {
    return `the answer is not a before-callback answer: ${describe(decoded.left)}`
  }
  const answer = decoded.right
  // A failed answer is valid: Tencent then lets the action go ahead.
  if (answer.actionStatus !== "OK" || answer.errorCode !== 0) return undefined
  const items = (command === "Sns.CallbackPrevFriendAdd" ? body.FriendItem : body.ResponseFriendItem) as
    | ReadonlyArray<{ readonly To_Account?: unknown }>
    | undefined
  const asked = (items ?? []).map((i) => String(i.To_Account))
  const answered = new Set(answer.resultItems.map((i) => i.toAccount))
  const missing = asked.filter((to) => !answered.has(to))
  if (missing.length > 0) return `no ResultItem for ${missing.join(", ")}`
  const outOfRange = answer.resultItems.filter(
    (i) => i.resultCode !== 0 && (i.resultCode < Callback.minRefuseCode || i.resultCode > Callback.maxRefuseCode)
  )
  return outOfRange.length > 0
    ? `refusal codes must be ${Callback.minRefuseCode} to ${Callback.maxRefuseCode}: ${outOfRange.map((i) => `${i.toAccount} ${i.resultCode}`).join(", ")}`
    : undefined
}

/**
 * Sends one callback and judges the answer.
 *
 * @since 0.1.0
 */
export const send = (options: Options): Effect.Effect<Result, TriggerError> =>
  Effect.gen(function* () {
    let url: URL
    try {
      url = new URL(options.url)
    } catch {
      return yield* new TriggerError({ reason: "InvalidUrl", detail: "not a URL" })
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return yield* new TriggerError({ reason: "InvalidUrl", detail: "use http:// or https://" })
    }
    const started = yield* Clock.currentTimeMillis
    const params = Signature.queryParams({
      sdkAppId: options.sdkAppId,
      command: options.command,
      token: options.token,
      nowSeconds: Math.floor(started / 1000)
    })
    for (const [k, v] of params) url.searchParams.set(k, v)
    const timeout = Duration.toMillis(Duration.decode(options.timeout ?? Duration.seconds(5)))
    const body = JSON.stringify({ CallbackCommand: options.command, ...options.body })
    const response = yield* Effect.tryPromise({
      try: async (signal) => {
        const r = await fetch(url, {
          method: "POST",
          body,
          headers: { "content-type": "application/json" },
          redirect: "manual",
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeout)])
        })
        const reader = r.body?.getReader()
        const chunks: Array<Uint8Array> = []
        let size = 0
        while (reader !== undefined && size < maxText) {
          const { done, value } = await reader.read()
          if (done) break
          chunks.push(value)
          size += value.length
        }
        await reader?.cancel().catch(() => undefined)
        return { status: r.status, text: Buffer.concat(chunks).subarray(0, maxText).toString("utf8") }
      },
      catch: (error) =>
        error instanceof DOMException && error.name === "TimeoutError"
          ? new TriggerError({ reason: "Timeout", detail: `no answer in ${timeout} ms` })
          : new TriggerError({
              reason: "Unreachable",
              detail:
                error instanceof Error
                  ? error.cause instanceof Error
                    ? error.cause.message
                    : error.message
                  : "fetch failed"
            })
    })
    const elapsedMillis = (yield* Clock.currentTimeMillis) - started
    const problem =
      response.status < 200 || response.status > 299
        ? `HTTP ${response.status}: Tencent expects HTTP 200`
        : answerProblem(options.command, options.body, response.text)
    let failed: string | undefined
    if (problem === undefined) {
      const envelope = Schema.decodeUnknownEither(Schema.parseJson(Callback.Answer))(response.text)
      if (Either.isRight(envelope) && (envelope.right.actionStatus !== "OK" || envelope.right.errorCode !== 0)) {
        failed = `${envelope.right.errorCode} ${envelope.right.errorInfo}`.trim()
      }
    }
    return { status: response.status, elapsedMillis, text: response.text, problem, failed }
  }).pipe(Effect.withSpan("tim.callback.trigger", { attributes: { "tim.callback.command": options.command } }))
