import { assert, describe, it } from "@effect/vitest"
import { FriendAdd, FriendCheck } from "@effect-tim/schema"
import { Clock, Duration, Effect, Fiber, TestClock } from "effect"
import { CallLimiter, TimClient } from "../src/index.js"
import { checkOk, checkRequest, json, scripted, seedClient } from "./fixtures/scripted.js"

/** `count` callers acquiring under one key at once: when each got its slot (in order), and the fiber running them. */
const acquireAll = (limiter: CallLimiter.CallLimiter.Service, count: number, limit: number) =>
  Effect.gen(function* () {
    const starts: Array<number> = []
    const fiber = yield* Effect.forEach(
      Array.from({ length: count }),
      () =>
        Effect.zipRight(
          limiter.acquire("k", limit),
          Effect.flatMap(Clock.currentTimeMillis, (t) => Effect.sync(() => starts.push(t)))
        ),
      { concurrency: "unbounded", discard: true }
    ).pipe(Effect.fork)
    return { starts, fiber }
  })

describe("CallLimiter.makeMemory", () => {
  it.effect("lets a full burst through, then one call per slot a window later; calls wait, never fail", () =>
    Effect.gen(function* () {
      const limiter = CallLimiter.makeMemory({ windowMillis: 1000, burst: Number.POSITIVE_INFINITY, coldMillis: 0 })
      const { starts, fiber } = yield* acquireAll(limiter, 7, 3)
      yield* TestClock.adjust(0)
      assert.deepStrictEqual(starts, [0, 0, 0])
      yield* TestClock.adjust("999 millis")
      assert.strictEqual(starts.length, 3)
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(starts, [0, 0, 0, 1000, 1000, 1000])
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(starts, [0, 0, 0, 1000, 1000, 1000, 2000])
    })
  )

  it.effect("a sliding window: no window of its length ever holds more than the limit", () =>
    Effect.gen(function* () {
      const limiter = CallLimiter.makeMemory({ windowMillis: 1000, burst: Number.POSITIVE_INFINITY, coldMillis: 0 })
      const starts: Array<number> = []
      // 50 callers arriving every 7 ms against a limit of 10 per second
      const fiber = yield* Effect.forEach(
        Array.from({ length: 50 }, (_, i) => i),
        (i) =>
          Effect.sleep(i * 7).pipe(
            Effect.zipRight(limiter.acquire("k", 10)),
            Effect.zipRight(Clock.currentTimeMillis),
            Effect.map((t) => starts.push(t))
          ),
        { concurrency: "unbounded", discard: true }
      ).pipe(Effect.fork)
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(fiber)
      starts.sort((a, b) => a - b)
      assert.strictEqual(starts.length, 50)
      for (let i = 10; i < starts.length; i++) assert.isAtLeast(starts[i]! - starts[i - 10]!, 1000)
      // and it uses the whole limit: 50 calls within 4 windows after the first burst
      assert.isAtMost(starts[49]!, 4063)
    })
  )

  it.effect("paces calls evenly after a small burst, and never exceeds the window either", () =>
    Effect.gen(function* () {
      const limiter = CallLimiter.makeMemory({ windowMillis: 1000, burst: 4, coldMillis: 0 })
      const { starts, fiber } = yield* acquireAll(limiter, 400, 200)
      yield* TestClock.adjust(0)
      assert.deepStrictEqual(starts, [0, 0, 0, 0]) // the burst
      yield* TestClock.adjust("5 seconds")
      yield* Fiber.join(fiber)
      // then one call every 5 ms (1000 / 200): 400 calls take 1.98 s, not two bursts a second apart
      assert.deepStrictEqual(starts.slice(4, 7), [5, 10, 15])
      assert.strictEqual(starts[399], 1980)
      for (let i = 200; i < starts.length; i++) assert.isAtLeast(starts[i]! - starts[i - 200]!, 1000)
    })
  )

  it.effect("by default no burst: one call, then one every window / limit", () =>
    Effect.gen(function* () {
      assert.strictEqual(CallLimiter.defaultBurst(200), 1)
      assert.strictEqual(CallLimiter.defaultWindowMillis, 1030)
      const limiter = CallLimiter.makeMemory({ windowMillis: 1000 })
      const { starts, fiber } = yield* acquireAll(limiter, 5, 200)
      yield* TestClock.adjust(0)
      assert.deepStrictEqual(starts, [0])
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(starts, [0, 5, 10, 15, 20])
    })
  )

  it.effect("a call that wakes late pushes the call `limit` places later back by as much", () =>
    Effect.gen(function* () {
      // A clock whose sleeps end only when the test says so, at the time the test sets: a late wake-up.
      let now = 0
      const due: Array<number> = []
      const wake: Array<() => void> = []
      const clock: Clock.Clock = {
        [Clock.ClockTypeId]: Clock.ClockTypeId,
        unsafeCurrentTimeMillis: () => now,
        currentTimeMillis: Effect.sync(() => now),
        unsafeCurrentTimeNanos: () => BigInt(now) * 1_000_000n,
        currentTimeNanos: Effect.sync(() => BigInt(now) * 1_000_000n),
        sleep: (duration) =>
          Effect.async<void>((resume) => {
            due.push(now + Duration.toMillis(duration))
            wake.push(() => resume(Effect.void))
          })
      }
      const limiter = CallLimiter.makeMemory({ windowMillis: 1000, burst: 1, coldMillis: 0 })
      const call = Effect.fork(Effect.withClock(limiter.acquire("k", 2), clock))
      yield* Fiber.join(yield* call) // due at 0: no wait
      const second = yield* call
      yield* Effect.yieldNow()
      assert.deepStrictEqual(due, [500])
      now = 700 // its wait ends 200 ms late
      wake.shift()?.()
      yield* Fiber.join(second)
      const third = yield* call
      const fourth = yield* call
      yield* Effect.yieldNow()
      // The third keeps a window after the first (1000); the fourth a window after the second really went: 1700,
      // not 1500, where the server could see the second at 700 and the fourth at 1500, 800 ms apart.
      assert.deepStrictEqual(due, [500, 1000, 1700])
      now = 1700
      for (const f of wake.splice(0)) f()
      yield* Fiber.join(third)
      yield* Fiber.join(fourth)
    })
  )

  it.effect("a key's first calls keep a cold margin: the calls a window after them wait 100 ms more, once", () =>
    Effect.gen(function* () {
      assert.strictEqual(CallLimiter.defaultColdMillis, 100)
      const limiter = CallLimiter.makeMemory({ windowMillis: 1000 })
      const { starts, fiber } = yield* acquireAll(limiter, 6, 2)
      yield* TestClock.adjust("5 seconds")
      yield* Fiber.join(fiber)
      // First lap at 0 and 500; the second lap a window and the margin after them; the third a window after that.
      assert.deepStrictEqual(starts, [0, 500, 1100, 1600, 2100, 2600])
    })
  )

  it.effect("keys are independent", () =>
    Effect.gen(function* () {
      const limiter = CallLimiter.makeMemory()
      const fiber = yield* Effect.all([limiter.acquire("a", 1), limiter.acquire("b", 1)], {
        concurrency: "unbounded"
      }).pipe(Effect.fork)
      yield* TestClock.adjust(0)
      assert.isDefined(fiber.unsafePoll())
    })
  )
})

describe("TimClient rate limit", () => {
  it.effect("at most rateLimit calls per window per API command, the rest wait", () =>
    Effect.gen(function* () {
      const http = scripted((_, seen) =>
        seen.url.includes("friend_check")
          ? checkOk(["bob"])
          : json({ ActionStatus: "OK", ErrorCode: 0, ResultItem: [] })
      )
      const add = {
        fromAccount: "a",
        items: [{ toAccount: "b", addSource: "AddSource_Type_x" }]
      } as unknown as FriendAdd.Request
      const fiber = yield* Effect.gen(function* () {
        const client = yield* TimClient.TimClient
        yield* Effect.all(
          [
            ...Array.from({ length: 5 }, () => client.call(FriendCheck.api, checkRequest())),
            ...Array.from({ length: 2 }, () => client.call(FriendAdd.api, add))
          ],
          { concurrency: "unbounded" }
        )
      }).pipe(Effect.provide(seedClient(http, { rateLimit: 2 })), Effect.fork)
      yield* TestClock.adjust(0)
      const count = (command: string) => http.seen.filter((s) => s.url.includes(command)).length
      // limit 2: a burst of 1, then one call every window / 2, per API command
      assert.strictEqual(count("friend_check"), 1)
      assert.strictEqual(count("friend_add"), 1)
      const interval = CallLimiter.defaultWindowMillis / 2
      yield* TestClock.adjust(`${interval - 1} millis`)
      assert.strictEqual(count("friend_check"), 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(count("friend_check"), 2)
      assert.strictEqual(count("friend_add"), 2)
      // The third waits a window and the cold margin after the first (1130); then one every interval again.
      yield* TestClock.adjust(`${interval} millis`)
      assert.strictEqual(count("friend_check"), 2)
      yield* TestClock.adjust(`${CallLimiter.defaultColdMillis} millis`)
      assert.strictEqual(count("friend_check"), 3)
      yield* TestClock.adjust(`${interval} millis`)
      assert.strictEqual(count("friend_check"), 4)
      yield* TestClock.adjust(`${interval} millis`)
      assert.strictEqual(count("friend_check"), 5)
      yield* Fiber.join(fiber)
    })
  )

  it.effect("Infinity means no limit; the default is 200 per second", () =>
    Effect.gen(function* () {
      const run = (rateLimit?: number) =>
        Effect.gen(function* () {
          const http = scripted([checkOk(["bob"])])
          const fiber = yield* Effect.flatMap(TimClient.TimClient, (client) =>
            Effect.all(
              Array.from({ length: 250 }, () => client.call(FriendCheck.api, checkRequest())),
              { concurrency: "unbounded" }
            )
          ).pipe(Effect.provide(seedClient(http, rateLimit === undefined ? {} : { rateLimit })), Effect.fork)
          yield* TestClock.adjust(0)
          const atOnce = http.seen.length
          yield* TestClock.adjust("2 seconds")
          yield* Fiber.join(fiber)
          return atOnce
        })
      assert.strictEqual(yield* run(Number.POSITIVE_INFINITY), 250)
      assert.strictEqual(yield* run(), CallLimiter.defaultBurst(200)) // then paced, 200 per second
    })
  )

  it.effect("uses a CallLimiter from the context when one is provided", () =>
    Effect.gen(function* () {
      const keys: Array<string> = []
      const http = scripted([checkOk(["bob"])])
      yield* Effect.flatMap(TimClient.TimClient, (client) => client.call(FriendCheck.api, checkRequest())).pipe(
        Effect.provide(seedClient(http, { rateLimit: 7 })),
        Effect.provideService(
          CallLimiter.CallLimiter,
          CallLimiter.CallLimiter.of({ acquire: (key, limit) => Effect.sync(() => keys.push(`${key}@${limit}`)) })
        )
      )
      assert.deepStrictEqual(keys, ["88888888/v4/sns/friend_check@7"])
    })
  )
})
