/**
 * The REST client core: one generic, typed call for every Tencent Cloud Chat API.
 *
 * CONTRACT (written first so that `friends` can be built against it while this module is implemented):
 * the service shape, the error types and the combinators below are fixed; the implementation fills in `make`
 * and the layers.
 *
 * @since 0.1.0
 */
import type { Api, TimError } from "@effect-tim/schema"
import { Context, type Duration, type Effect } from "effect"
import type { TransportError } from "./TransportError.js"

/**
 * What a call can fail with: the codes the API documents, the public REST codes, undocumented codes, and
 * transport failures.
 *
 * @since 0.1.0
 */
export type CallError<A extends Api.Any> = Api.ErrorOf<A> | TimError.PublicError | TimError.UnknownCode | TransportError

/**
 * The retry policy for request-level retries (and, in `friends`, per-item retries).
 *
 * @since 0.1.0
 */
export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). 1 disables retries. */
  readonly maxAttempts: number
  /** The first backoff delay (default 100 ms); each next one is `factor` times longer, with full jitter. */
  readonly baseDelay: Duration.DurationInput
  /** Growth factor of the delay (default 2). */
  readonly factor: number
  /** The time budget of all retries together (default 10 s). */
  readonly maxElapsed: Duration.DurationInput
  /** The first delay after a frequency-limit code (60007, 60011, 60018, 60019, 30540, 31707; default 1 s). */
  readonly backoffBaseDelay: Duration.DurationInput
}

/**
 * @since 0.1.0
 */
export declare namespace TimClient {
  /**
   * @since 0.1.0
   */
  export interface Service {
    /** The app this client talks to. */
    readonly sdkAppId: number
    /** The admin identifier the calls are made as. */
    readonly identifier: string
    /** The base URL, e.g. `https://adminapisgp.im.qcloud.com` (never contains credentials). */
    readonly baseUrl: string
    /** Sends one request with signing, envelope decoding, retry, rate limiting, timeout and a span. */
    readonly call: <A extends Api.Any>(
      api: A,
      request: Api.RequestOf<A>
    ) => Effect.Effect<Api.ResponseOf<A>, CallError<A>>
    /** The retry policy in force for the current fiber (the client's, or the one set with `withRetry`). */
    readonly retryPolicy: Effect.Effect<RetryPolicy | undefined>
  }
}

/**
 * The client service.
 *
 * @since 0.1.0
 */
export class TimClient extends Context.Tag("@effect-tim/transport/TimClient")<TimClient, TimClient.Service>() {}
