import { HttpClient, type HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { FriendCheck } from "@effect-tim/schema"
import { Chunk, Clock, Duration, Effect, Fiber, Layer, Random, Schedule, TestClock } from "effect"
import { TimClient, TransportError } from "../src/index.js"
import { checkOk, checkRequest, fail, type Reply, seedSigner } from "./fixtures/scripted.js"

const bodyOf = (reply: Reply): string => (typeof reply === "object" ? reply.body : "")

/** A failure as the engine sees it: a code (an envelope or item code), or an HTTP 429 with its Retry-After. */
type Failure = number | { readonly status: 429; readonly retryAfter: string }

interface Rule {
  readonly name: string
  readonly policy: Partial<TimClient.RetryPolicy>
  readonly random: number
  readonly failures: ReadonlyArray<Failure>
  /** The delays before each retry; fewer delays than failures means the engine refused the next retry. */
  readonly delays: ReadonlyArray<number>
}

/**
 * Each rule of the one retry engine, checked through both of its uses: the schedule that per-item retries drive
 * (`TimClient.retrySchedule`) and the request-level retries of `TimClient.call`.
 */
const rules: ReadonlyArray<Rule> = [
  {
    name: "exponential from baseDelay with full jitter (50, 100, 200 ms at 0.5)",
    policy: {},
    random: 0.5,
    failures: [30006, 30006, 30006],
    delays: [50, 100, 200]
  },
  {
    name: "full jitter reaches down to 0",
    policy: {},
    random: 0,
    failures: [30006, 30006],
    delays: [0, 0]
  },
  {
    name: "at most maxAttempts - 1 retries",
    policy: { maxAttempts: 3 },
    random: 0.5,
    failures: [30006, 30006, 30006, 30006],
    delays: [50, 100]
  },
  {
    name: "the longer base after a frequency-limit code (500 ms at 0.5), the short one after others",
    policy: {},
    random: 0.5,
    failures: [60007, 30006, 60007],
    delays: [500, 100, 2000]
  },
  {
    name: "each code's minimum delay (70050: a minute) within the budget",
    policy: { maxElapsed: "2 minutes" },
    random: 0.5,
    failures: [70050],
    delays: [60_000]
  },
  {
    name: "no retry whose minimum delay would end past maxElapsed",
    policy: {},
    random: 0.5,
    failures: [70050],
    delays: []
  },
  {
    name: "no retry whose delay would end past maxElapsed (1 + 2 + 4 s; 8 more would end at 15 s)",
    policy: { maxAttempts: 50, baseDelay: "2 seconds" },
    random: 0.5,
    failures: [30006, 30006, 30006, 30006, 30006],
    delays: [1000, 2000, 4000]
  },
  {
    name: "429 waits its Retry-After when that is longer than the backoff",
    policy: {},
    random: 0.5,
    failures: [
      { status: 429, retryAfter: "3" },
      { status: 429, retryAfter: "0" }
    ],
    delays: [3000, 1000]
  },
  {
    name: "a Retry-After past the budget is refused",
    policy: {},
    random: 0.5,
    failures: [{ status: 429, retryAfter: "20" }],
    delays: []
  }
]

/** The schedule's input for a failure: what per-item retries pass (a code), or the request's TransportError. */
const inputOf = (failure: Failure): unknown =>
  typeof failure === "number"
    ? failure
    : new TransportError.TransportError({
        reason: "HttpStatus",
        api: "v4/sns/friend_check",
        status: 429,
        detail: "",
        retryAfterMillis: Number(failure.retryAfter) * 1000
      })

/**
 * Drives the schedule with a driver under the TestClock, as per-item retries do: the delay before each retry is how
 * far ahead the driver's sleep is set.
 */
const scheduleDelays = (rule: Rule) =>
  Effect.gen(function* () {
    const driver = yield* Schedule.driver(TimClient.retrySchedule(rule.policy))
    const delays: Array<number> = []
    for (const failure of rule.failures) {
      const fiber = yield* Effect.fork(Effect.either(driver.next(inputOf(failure))))
      yield* TestClock.adjust(0)
      const now = yield* Clock.currentTimeMillis
      const wake = Chunk.head(yield* TestClock.sleeps())
      const delay = wake._tag === "Some" ? wake.value - now : 0
      yield* TestClock.adjust(delay)
      const proceed = yield* Fiber.join(fiber)
      if (proceed._tag === "Left") break
      delays.push(delay)
    }
    return delays
  }).pipe(Effect.withRandom(Random.fixed([rule.random])))

/** The request-level retries of `TimClient.call` against an HttpClient that answers `failures`, then success. */
const requestDelays = (rule: Rule) =>
  Effect.gen(function* () {
    const times: Array<number> = []
    const replies = [...rule.failures, "ok" as const]
    const http = HttpClient.make((request: HttpClientRequest.HttpClientRequest) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const reply = replies[Math.min(times.length, replies.length - 1)]!
        times.push(now)
        const response =
          reply === "ok"
            ? new Response(bodyOf(checkOk(["bob"])))
            : typeof reply === "number"
              ? new Response(bodyOf(fail(reply)))
              : new Response("slow down", { status: 429, headers: { "retry-after": reply.retryAfter } })
        return HttpClientResponse.fromWeb(request, response)
      })
    )
    // No limiter: its pacing (5 ms a call at 200/s) would add to the delays measured here.
    const client = TimClient.layerWithSigner({
      endpoint: "https://xxxxxx",
      retry: rule.policy,
      rateLimit: Number.POSITIVE_INFINITY
    }).pipe(Layer.provide(Layer.merge(seedSigner, Layer.succeed(HttpClient.HttpClient, http))))
    const fiber = yield* TimClient.TimClient.pipe(
      Effect.flatMap((c) => c.call(FriendCheck.api, checkRequest())),
      Effect.provide(client),
      Effect.withRandom(Random.fixed([rule.random])),
      Effect.either,
      Effect.fork
    )
    yield* TestClock.adjust("10 minutes")
    yield* Fiber.join(fiber)
    return times.slice(1).map((t, i) => t - times[i]!)
  })

describe("the retry engine", () => {
  for (const rule of rules) {
    it.effect(`per-item schedule: ${rule.name}`, () =>
      Effect.gen(function* () {
        assert.deepStrictEqual(yield* scheduleDelays(rule), rule.delays)
      })
    )
    it.effect(`request retries: ${rule.name}`, () =>
      Effect.gen(function* () {
        assert.deepStrictEqual(yield* requestDelays(rule), rule.delays)
      })
    )
  }

  it.effect("an array of failures (one chunk's items) takes the most demanding: backoff and the longest minimum", () =>
    Effect.gen(function* () {
      const delays = yield* Schedule.run(Schedule.delays(TimClient.retrySchedule()), 0, [
        [30006, 60007],
        [30006, 70050]
      ]).pipe(Effect.withRandom(Random.fixed([0.5])))
      // 60007 in the first: the 1 s base (500 ms at 0.5); 70050 in the second: a minute, past the 10 s budget
      assert.deepStrictEqual(Chunk.toReadonlyArray(delays).map(Duration.toMillis), [500, 0])
    })
  )

  it.effect("the budget counts from startMillis when given (the call's start), else from the first step", () =>
    Effect.gen(function* () {
      const fromStart = yield* Schedule.run(Schedule.delays(TimClient.retrySchedule({}, -9_990)), 0, [30006]).pipe(
        Effect.withRandom(Random.fixed([0.5]))
      )
      // 9.99 s already spent: a 50 ms delay would end past 10 s
      assert.deepStrictEqual(Chunk.toReadonlyArray(fromStart).map(Duration.toMillis), [0])
    })
  )
})
