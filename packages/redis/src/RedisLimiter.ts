/**
 * Transport's {@link CallLimiter.CallLimiter} backed by Redis, so that every process of an app (pods, workers,
 * parallel `tim` runs) draws from one calls-per-second budget per API, as Tencent counts it.
 *
 * Each call makes one round trip: a server-side GCRA script reads the Redis server's clock, reserves the call's
 * slot and answers how long to wait; the caller sleeps that long. Calls are paced one `window / limit` apart (no
 * burst by default), so two calls `limit` places apart are granted at least a window (a second plus a guard for
 * delivery jitter) apart, however many processes share the key. A call that goes later than granted (a busy event
 * loop) says so with its process's next reservation, and the call `limit` places after it is kept a window after
 * it really went. Callers' clocks are never compared: they only measure their own lateness.
 *
 * When Redis is unreachable or slower than `timeout`, a call does not wait for it: it goes through a local memory
 * limiter at `fallbackShare` of the limit, and the limiter tries Redis again `retryAfter` later (at once when the
 * connection comes back). The switches are logged once each, as warnings.
 *
 * @since 0.1.0
 */
import { CallLimiter } from "@effect-tim/transport"
import { Config, type ConfigError, Duration, Effect, Layer, Redacted, type Scope } from "effect"
import { Redis } from "ioredis"
import * as Gcra from "./internal/gcra.js"
import { RedisLimiterError } from "./RedisLimiterError.js"

/**
 * How to reach Redis and how to share the budget. Only `url` is needed; every process that shares a budget must
 * use the same `prefix`, `windowMillis` and `burst`.
 *
 * @since 0.1.0
 */
export interface Options {
  /** `redis://[[user]:password@]host[:port][/db]` or `rediss://…` (TLS). Redacted if it carries a password. */
  readonly url: string | Redacted.Redacted<string>
  /**
   * Prepended to each limiter key (`<SDKAppID>/<api path>`), default `effect-tim:limit:`. The same for every process
   * that shares the app's budget; a different one for deployments that must not share it.
   */
  readonly prefix?: string | undefined
  /** The pacing window, default transport's `CallLimiter.defaultWindowMillis` (a second plus a guard); at least 1000. */
  readonly windowMillis?: number | undefined
  /**
   * Calls let through at once after idle, default `CallLimiter.defaultBurst(limit)` (1: paced only); lowered where
   * it would breach the limit. Each call of burst beyond the first spends one interval of the window's guard.
   */
  readonly burst?: number | undefined
  /** The longest a call waits for Redis's answer before it takes the fallback, default 250 ms (a loaded host can delay a healthy answer by tens of ms; a slip into the fallback costs budget). */
  readonly timeout?: Duration.DurationInput | undefined
  /** The longest start-up waits for the connection and the script, default 2 seconds. */
  readonly connectTimeout?: Duration.DurationInput | undefined
  /**
   * The share of each API's limit a process uses on its own while Redis is unreachable or slow, in (0, 1], default
   * 0.25. Set it to 1 / (the number of processes) to stay within the budget during an outage.
   */
  readonly fallbackShare?: number | undefined
  /** How long after a slow or failed answer the limiter stays on the fallback before trying Redis again, default 1 s. */
  readonly retryAfter?: Duration.DurationInput | undefined
}

/**
 * The key prefix used when none is given.
 *
 * @since 0.1.0
 */
export const defaultPrefix = "effect-tim:limit:"

/**
 * The fallback share used when none is given.
 *
 * @since 0.1.0
 */
export const defaultFallbackShare = 0.25

interface GcraRedis extends Redis {
  readonly timGcra: Gcra.Command
}

/** When a call really went (µs of the Redis server's clock, an upper bound), to be reported with the next reservation. */
interface Report {
  readonly number: number
  readonly created: number
  readonly wentAt: number
}

const invalid = (message: string) => new RedisLimiterError({ reason: "InvalidOptions", message })

/** Host and port of a Redis URL (what messages may show) and its password (what they must not). */
const parseUrl = (url: string): { readonly where: string; readonly password: string } | undefined => {
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") return undefined
    return {
      where: `${parsed.hostname}:${parsed.port === "" ? "6379" : parsed.port}`,
      password: decodeURIComponent(parsed.password)
    }
  } catch {
    return undefined
  }
}

/** An error's text with the URL's password (if any) cut out: error texts come from the network. */
const errorText =
  (secret: string) =>
  (error: unknown): string => {
    const text = error instanceof Error ? error.message : String(error)
    return secret === "" ? text : text.split(secret).join("<redacted>")
  }

/**
 * Connects to Redis, loads the script and builds the limiter; closes the connection when the scope closes. Fails
 * with `InvalidOptions` or `Unavailable`; the limiter it returns never fails.
 *
 * @since 0.1.0
 */
export const make = (
  options: Options
): Effect.Effect<CallLimiter.CallLimiter.Service, RedisLimiterError, Scope.Scope> =>
  Effect.gen(function* () {
    const url = Redacted.isRedacted(options.url) ? Redacted.value(options.url) : options.url
    const parsed = parseUrl(url)
    if (parsed === undefined) return yield* invalid("url must be a redis:// or rediss:// URL")
    const { where } = parsed
    const scrub = errorText(parsed.password)
    const prefix = options.prefix ?? defaultPrefix
    const windowMillis = options.windowMillis ?? CallLimiter.defaultWindowMillis
    if (!(Number.isFinite(windowMillis) && windowMillis >= 1000)) {
      return yield* invalid(`windowMillis must be at least 1000, got ${windowMillis}`)
    }
    if (options.burst !== undefined && !(Number.isSafeInteger(options.burst) && options.burst >= 1)) {
      return yield* invalid(`burst must be a positive integer, got ${options.burst}`)
    }
    const share = options.fallbackShare ?? defaultFallbackShare
    if (!(share > 0 && share <= 1)) return yield* invalid(`fallbackShare must be in (0, 1], got ${share}`)
    const timeout = Duration.decode(options.timeout ?? "250 millis")
    const connectTimeout = Duration.decode(options.connectTimeout ?? "2 seconds")
    const retryAfterMillis = Duration.toMillis(options.retryAfter ?? "1 second")
    for (const [name, d] of [
      ["timeout", timeout],
      ["connectTimeout", connectTimeout]
    ] as const) {
      if (!(Duration.toMillis(d) > 0 && Duration.isFinite(d))) return yield* invalid(`${name} must be positive`)
    }

    let lastError: unknown
    const redis = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const client = new Redis(url, {
          lazyConnect: true,
          // A call never queues behind a reconnect: it takes the fallback at once.
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          connectTimeout: Duration.toMillis(connectTimeout),
          retryStrategy: (times) => Math.min(times * 100, 1000)
        }) as GcraRedis
        // Failures are reported through start-up's error and the fallback's log lines; without a listener ioredis
        // would print each one.
        client.on("error", (error) => {
          lastError = error
        })
        client.defineCommand("timGcra", { numberOfKeys: 1, lua: Gcra.script })
        return client
      }),
      (client) => Effect.sync(() => client.disconnect())
    )
    yield* Effect.tryPromise({
      try: async () => {
        await redis.connect()
        await redis.script("LOAD", Gcra.script)
      },
      // ioredis rejects `connect` with "Connection is closed"; the socket's own error says why.
      catch: (error) => scrub(lastError ?? error)
    }).pipe(
      Effect.timeoutFail({
        duration: connectTimeout,
        onTimeout: () => `no answer within ${Duration.format(connectTimeout)}`
      }),
      Effect.mapError(
        (reason) =>
          new RedisLimiterError({ reason: "Unavailable", message: `Redis at ${where} is unavailable: ${reason}` })
      )
    )

    const fallback = CallLimiter.makeMemory()
    const plans = new Map<number, { readonly interval: number; readonly tolerance: number; readonly local: number }>()
    const planOf = (limit: number) => {
      let plan = plans.get(limit)
      if (plan === undefined) {
        const interval = Gcra.intervalMicros(limit, windowMillis)
        const burst = Gcra.burstFor(limit, interval, options.burst ?? CallLimiter.defaultBurst(limit))
        plan = { interval, tolerance: (burst - 1) * interval, local: Math.max(1, Math.floor(limit * share)) }
        plans.set(limit, plan)
      }
      return plan
    }

    // Local clock, used only to decide when to try Redis again after a slow answer.
    let retryAt = 0
    let onFallback = false
    const toFallback = (reason: string) => {
      if (onFallback) return Effect.void
      onFallback = true
      return Effect.logWarning(
        `effect-tim: Redis limiter at ${where} ${reason}; each process now keeps to ${share * 100}% of each API's limit on its own`
      )
    }
    const backOnRedis = Effect.suspend(() => {
      if (!onFallback) return Effect.void
      onFallback = false
      return Effect.logWarning(`effect-tim: Redis limiter at ${where} answers again; the shared budget applies`)
    })

    const windowMicros = Math.round(windowMillis * 1000)
    const coldMicros = Math.round(CallLimiter.defaultColdMillis * 1000)
    // Per key, when this process made its first call (its calls within a window of it are cold, see transport's
    // `defaultColdMillis`; a window, not `limit` calls: with many processes those would span many windows, and each
    // window's floors would add the margin again), and the report to send with its next reservation.
    const started = new Map<string, number>()
    const reports = new Map<string, Report>()
    const note = (key: string, interval: number, report: Report) => {
      const pending = reports.get(key)
      if (pending === undefined || pending.created !== report.created) return void reports.set(key, report)
      // Two reports become one that asks at least as much of every later call: the earlier number, and the later
      // departure as seen from it (a floor moves the calls paced after it by as much).
      const number = Math.min(pending.number, report.number)
      const offset = Math.max(pending.wentAt - pending.number * interval, report.wentAt - report.number * interval)
      reports.set(key, { number, created: report.created, wentAt: offset + number * interval })
    }

    const reserve = (key: string, limit: number, plan: { readonly interval: number; readonly tolerance: number }) =>
      Effect.suspend(() => {
        const report = reports.get(key)
        reports.delete(key)
        return Effect.tryPromise({
          try: () =>
            redis.timGcra(
              key,
              plan.interval,
              plan.tolerance,
              windowMicros,
              limit,
              report?.number ?? 0,
              report?.created ?? 0,
              report?.wentAt ?? 0
            ),
          catch: scrub
        })
      }).pipe(
        Effect.timeoutFail({ duration: timeout, onTimeout: () => `no answer within ${Duration.format(timeout)}` })
      )

    return CallLimiter.CallLimiter.of({
      acquire: (key, limit) =>
        Effect.clockWith((clock) => {
          const plan = planOf(limit)
          if (redis.status !== "ready") {
            return Effect.zipRight(toFallback("is not connected"), fallback.acquire(key, plan.local))
          }
          if (retryAt !== 0 && clock.unsafeCurrentTimeMillis() < retryAt) return fallback.acquire(key, plan.local)
          const redisKey = prefix + key
          const now = clock.unsafeCurrentTimeMillis()
          const first = started.get(redisKey) ?? now
          if (first === now) started.set(redisKey, now)
          const cold = now - first < windowMillis ? coldMicros : 0
          const sent = clock.unsafeCurrentTimeNanos()
          return Effect.matchEffect(reserve(redisKey, limit, plan), {
            onFailure: (reason) => {
              retryAt = clock.unsafeCurrentTimeMillis() + retryAfterMillis
              return Effect.zipRight(toFallback(`failed (${reason})`), fallback.acquire(key, plan.local))
            },
            onSuccess: ([waitMicros, grant, number, created]) => {
              retryAt = 0
              // The call goes now. The server's clock read between `sent` and now, so it goes at most the local time
              // since `sent`, less the wait, after its grant: late by that, if it slept too long or the answer lagged.
              // A cold call adds the cold margin.
              const went = Effect.sync(() => {
                const late = Math.max(0, Math.ceil(Number(clock.unsafeCurrentTimeNanos() - sent) / 1000) - waitMicros)
                if (late + cold > 0) note(redisKey, plan.interval, { number, created, wentAt: grant + late + cold })
              })
              const wait =
                waitMicros > 0 ? Effect.zipRight(Effect.sleep(Duration.micros(BigInt(waitMicros))), went) : went
              return onFallback ? Effect.zipRight(backOnRedis, wait) : wait
            }
          })
        })
    })
  })

/**
 * A layer providing the Redis limiter as transport's `CallLimiter`; `TimClient` picks it up from its context.
 *
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<CallLimiter.CallLimiter, RedisLimiterError> =>
  Layer.scoped(CallLimiter.CallLimiter, make(options))

/**
 * The same layer with its options read through `effect/Config`, e.g.
 * `layerConfig({ url: Config.redacted("TIM_REDIS_URL") })`.
 *
 * @since 0.1.0
 */
export const layerConfig = (
  options: Config.Config.Wrap<Options>
): Layer.Layer<CallLimiter.CallLimiter, RedisLimiterError | ConfigError.ConfigError> =>
  Layer.scoped(CallLimiter.CallLimiter, Effect.flatMap(Config.unwrap(options), make))
