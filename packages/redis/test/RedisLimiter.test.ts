import { assert, describe, it } from "@effect/vitest"
import { CallLimiter } from "@effect-tim/transport"
import { Array as Arr, Clock, Duration, Effect, Exit, Fiber, Logger, Redacted } from "effect"
import { Redis } from "ioredis"
import { RedisLimiter, RedisLimiterError } from "../src/index.js"
import * as Gcra from "../src/internal/gcra.js"
import { maxInSpan } from "./fixtures/spans.js"
import { redisServer } from "./redisServer.js"

interface ScriptRedis extends Redis {
  readonly gcra: Gcra.Command
}

/** A plain client with the limiter's script, for looking at what the server decides and stores. */
const plainClient = (url: string) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const client = new Redis(url) as ScriptRedis
      client.defineCommand("gcra", { numberOfKeys: 1, lua: Gcra.script })
      return client
    }),
    (client) => Effect.promise(() => client.quit())
  )

const commandCalls = (client: Redis, command: string) =>
  Effect.promise(async () => {
    const info = await client.info("commandstats")
    const match = new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)
    return match === null ? 0 : Number(match[1])
  })

/** Acquires under `key` in `fibers` loops for `millis`; the wake-up times (ms) of all of them. */
const drive = (limiter: CallLimiter.CallLimiter.Service, key: string, limit: number, fibers: number, millis: number) =>
  Effect.gen(function* () {
    const times: Array<number> = []
    const end = Date.now() + millis
    const loop = Effect.gen(function* () {
      while (true) {
        yield* limiter.acquire(key, limit)
        const now = Date.now()
        if (now >= end) return
        times.push(now)
      }
    })
    yield* Effect.all(Arr.replicate(loop, fibers), { concurrency: "unbounded" })
    return times
  })

describe("the GCRA script", () => {
  it.scopedLive(
    "three clients sharing a key: no one-second span holds more than the limit, and the rest is paced",
    () =>
      Effect.gen(function* () {
        const server = yield* redisServer
        const clients = yield* Effect.all(Arr.replicate(plainClient(server.url), 3))
        const limit = 100
        const interval = Gcra.intervalMicros(limit, CallLimiter.defaultWindowMillis)
        const burst = Gcra.burstFor(limit, interval, 5)
        assert.strictEqual(burst, 3, "a burst of 5 at 100/s over 1030 ms would allow 102 in a second: lowered to 3")
        assert.strictEqual(Gcra.burstFor(50, Gcra.intervalMicros(50, 1020), 3), 1, "no room for a burst at 50/s")
        const answers = yield* Effect.promise(() =>
          Promise.all(
            clients.flatMap((client) =>
              Array.from({ length: 100 }, () =>
                client.gcra("k", interval, (burst - 1) * interval, 1_030_000, limit, 0, 0, 0)
              )
            )
          )
        )
        const grants = answers.map(([, grant]) => grant).sort((a, b) => a - b)
        for (let i = 0; i + limit < grants.length; i++) {
          assert.isAtLeast(
            (grants[i + limit] as number) - (grants[i] as number),
            1_000_000,
            `limit + 1 grants from #${i}`
          )
        }
        // Past the burst (and the one call that may arrive after its first grant), one call every interval exactly.
        for (let i = burst + 1; i < grants.length; i++) {
          assert.strictEqual((grants[i] as number) - (grants[i - 1] as number), interval, "evenly paced")
        }
        // 300 calls take 300 intervals: the shared rate is limit / 1.03 = 97% of the limit.
        const rate = (grants.length - 1) / (((grants.at(-1) as number) - (grants[0] as number)) / 1e6)
        assert.isAtLeast(rate, 0.95 * limit)
        // The key expires two windows after its last reservation: nothing accumulates in Redis.
        const ttl = yield* Effect.promise(() => clients[0]!.pttl("k"))
        assert.isAtMost(ttl, 300 * (interval / 1000) + 2 * 1030 + 2)
      })
  )
})

describe("the GCRA script, late calls", () => {
  it.scopedLive("a call reported late keeps the call `limit` places after it a window after it went", () =>
    Effect.gen(function* () {
      const server = yield* redisServer
      const client = yield* plainClient(server.url)
      const limit = 5
      const window = 1_030_000
      const interval = Gcra.intervalMicros(limit, 1030)
      const reserve = (key: string, report?: readonly [number, number, number]) =>
        Effect.promise(() => client.gcra(key, interval, 0, window, limit, ...(report ?? [0, 0, 0])))
      // Five calls back to back: granted one interval apart, numbers 1 to 5, one life of the key.
      const calls = yield* Effect.all(Arr.replicate(reserve("k"), limit))
      const [, first, , created] = calls[0]!
      assert.deepStrictEqual(
        calls.map(([, grant, number, life]) => [grant - first, number, life]),
        Arr.makeBy(limit, (i) => [i * interval, i + 1, created])
      )
      // Unreported, the sixth would go a window after the first (5 intervals). The first reports it went 150 ms late.
      const [, sixth, number] = yield* reserve("k", [1, created, first + 150_000])
      assert.strictEqual(number, 6)
      assert.strictEqual(sixth - first, window + 150_000)
      // A report about the second, 20 ms late: the seventh is already a window and more after it (nothing moves).
      const [, seventh] = yield* reserve("k", [2, created, first + interval + 20_000])
      assert.strictEqual(seventh - sixth, interval)
      // Too late to help (the call limit places after the reported one is already reserved): nothing moves either.
      const [, eighth] = yield* reserve("k", [1, created, first + 400_000])
      assert.strictEqual(eighth - seventh, interval)

      // A report from an earlier life of the key: how many calls came after it is unknown, the next call keeps the window.
      const other = yield* Effect.all(Arr.replicate(reserve("j"), 2))
      const [, jFirst, , jCreated] = other[0]!
      const [, jThird] = yield* reserve("j", [3, jCreated - 1, jFirst + 500_000])
      assert.strictEqual(jThird - jFirst, 500_000 + window)
      // The calls in between keep their slots: a report about the third (50 ms late), with the fourth reservation,
      // moves only the eighth; the ones after it pace on from it.
      const fourth = yield* reserve("j", [3, jCreated, jThird + 50_000])
      const later = yield* Effect.all(Arr.replicate(reserve("j"), 5))
      assert.deepStrictEqual(
        [fourth, ...later].map(([, grant, number]) => [number, grant - jThird]),
        [
          [4, interval],
          [5, 2 * interval],
          [6, 3 * interval],
          [7, 4 * interval],
          [8, window + 50_000],
          [9, window + 50_000 + interval]
        ]
      )
    })
  )
})

describe("RedisLimiter", () => {
  it.scopedLive("limiters in one budget: together at most the limit, at least 90% of it, one round trip per call", () =>
    Effect.gen(function* () {
      const server = yield* redisServer
      const limiters = yield* Effect.all(Arr.replicate(RedisLimiter.make({ url: server.url }), 3))
      const limit = 20
      const runs = yield* Effect.all(
        limiters.map((limiter) => drive(limiter, "1400000000/v4/sns/friend_check", limit, 4, 2000)),
        { concurrency: "unbounded" }
      )
      const times = runs.flat()
      // The grants themselves are exact (see the script's test); these are wake-up times, which a loaded machine
      // delays by tens of milliseconds: the bounds say "one budget, paced", not "three budgets" (120) or bursts.
      assert.isAtMost(times.length, 2 * limit + 4, "three limiters with the full limit each share one budget")
      assert.isAtLeast(times.length, 0.9 * 2 * limit)
      assert.isAtMost(maxInSpan(times, 1000), limit + 4)
      assert.isAtMost(maxInSpan(times, 200), 8, "paced: a fifth of a second holds about a fifth of the budget")
      const plain = yield* plainClient(server.url)
      // One round trip per acquire (the ones that woke after the end included): ioredis sends the script once per
      // connection (EVAL), then its hash (EVALSHA).
      const evals = yield* commandCalls(plain, "eval")
      const roundTrips = evals + (yield* commandCalls(plain, "evalsha"))
      assert.isAtMost(evals, 3)
      assert.isAtLeast(roundTrips, times.length)
      assert.isAtMost(roundTrips, times.length + 12)
    })
  )

  it.scopedLive("a call that wakes late, or a key's first calls, report it with the next reservation", () =>
    Effect.gen(function* () {
      const server = yield* redisServer
      // The timeout's timer runs on the same clock: 7 s, told apart from the waits and never fired.
      const limiter = yield* RedisLimiter.make({ url: server.url, timeout: "7 seconds" })
      // A clock whose sleeps end only when the test says so, at the time the test sets: a late wake-up.
      let nanos = 0n
      const waits: Array<number> = []
      const wake: Array<() => void> = []
      const clock: Clock.Clock = {
        [Clock.ClockTypeId]: Clock.ClockTypeId,
        unsafeCurrentTimeMillis: () => Number(nanos / 1_000_000n),
        currentTimeMillis: Effect.sync(() => Number(nanos / 1_000_000n)),
        unsafeCurrentTimeNanos: () => nanos,
        currentTimeNanos: Effect.sync(() => nanos),
        sleep: (duration) =>
          Effect.async<void>((resume) => {
            if (Duration.toMillis(duration) === 7000) return
            // When the wait ends in real time: the grant on the server's clock (same host), give or take the answer's way.
            waits.push(Date.now() + Duration.toMillis(duration))
            wake.push(() => resume(Effect.void))
          })
      }
      const limit = 2 // one call every 515 ms
      const call = Effect.fork(Effect.withClock(limiter.acquire("k", limit), clock))
      const waitFor = (n: number) =>
        Effect.gen(function* () {
          while (waits.length < n) yield* Effect.sleep("5 millis")
          return waits[n - 1] as number
        })
      yield* Fiber.join(yield* call) // at once
      const second = yield* call
      const secondDue = yield* waitFor(1)
      nanos += BigInt(Math.round((secondDue - Date.now() + 300) * 1e6)) // it wakes 300 ms late
      wake.shift()?.()
      yield* Fiber.join(second)
      // Both first calls are cold: the calls `limit` places after them keep a window and the cold margin (100 ms)
      // after them. The third: 1130 after the first, 615 after the second. The fourth: a window and the margin
      // after the second really went, 300 + 100 + 1030 after its grant (not 1030).
      const third = yield* call
      const thirdDue = yield* waitFor(2)
      const fourth = yield* call
      const fourthDue = yield* waitFor(3)
      assert.closeTo(thirdDue - secondDue, 615, 40, "the third: the cold margin after the first")
      assert.closeTo(fourthDue - secondDue, 300 + 100 + 1030, 40, "the fourth a window after the second went")
      for (const f of wake.splice(0)) f()
      yield* Fiber.join(third)
      yield* Fiber.join(fourth)
    })
  )

  it.scopedLive("keys are separate per prefix and per API", () =>
    Effect.gen(function* () {
      const server = yield* redisServer
      const a = yield* RedisLimiter.make({ url: server.url, prefix: "staging:" })
      const b = yield* RedisLimiter.make({ url: server.url, prefix: "prod:" })
      // At one call a second, a key lives three windows after its call: long enough to look at.
      yield* a.acquire("1/v4/sns/friend_check", 1)
      yield* b.acquire("1/v4/sns/friend_check", 1)
      yield* b.acquire("1/v4/sns/friend_add", 1)
      yield* b.acquire(`${RedisLimiter.defaultPrefix}x`, 1)
      const plain = yield* plainClient(server.url)
      const keys = yield* Effect.promise(() => plain.keys("*"))
      assert.deepStrictEqual(keys.sort(), [
        "prod:1/v4/sns/friend_add",
        "prod:1/v4/sns/friend_check",
        `prod:${RedisLimiter.defaultPrefix}x`,
        "staging:1/v4/sns/friend_check"
      ])
      const ttl = yield* Effect.promise(() => plain.pttl("prod:1/v4/sns/friend_add"))
      assert.isTrue(ttl > 0 && ttl <= 3 * 1030 + 1, `the key expires two windows after its reservation (pttl ${ttl})`)
    })
  )

  it.scopedLive(
    "a frozen Redis costs a call at most the timeout, then the local share applies until it answers again",
    () =>
      Effect.gen(function* () {
        const server = yield* redisServer
        const logs: Array<string> = []
        const logger = Logger.make(({ message }) => {
          logs.push(String(Arr.isArray(message) ? message.join(" ") : message))
        })
        const limiter = yield* RedisLimiter.make({
          url: server.url,
          timeout: "50 millis",
          retryAfter: "300 millis",
          fallbackShare: 0.5
        })
        const limit = 40
        yield* limiter.acquire("k", limit)
        yield* server.pause
        const started = Date.now()
        yield* limiter.acquire("k", limit).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
        const waited = Date.now() - started
        assert.isBelow(waited, 500, `a call waited ${waited} ms on a frozen Redis`)
        assert.match(
          logs.join("\n"),
          /Redis limiter at 127\.0\.0\.1:\d+ failed \(no answer within 50ms\).*50%/,
          logs.join("\n")
        )
        // On the fallback: 50% of 40/s, paced locally.
        const local = yield* drive(limiter, "k", limit, 4, 1000)
        assert.isAtMost(local.length, 21, "never unlimited: the local share")
        assert.isAtLeast(local.length, 15)
        yield* server.resume
        yield* Effect.sleep("400 millis")
        const plain = yield* plainClient(server.url)
        const before = yield* commandCalls(plain, "evalsha")
        const shared = yield* drive(limiter, "k", limit, 4, 1000).pipe(
          Effect.provide(Logger.replace(Logger.defaultLogger, logger))
        )
        assert.isAtLeast(shared.length, 30, "the shared budget again (at most 38.8 a second), not the local 20")
        assert.isAtLeast((yield* commandCalls(plain, "evalsha")) - before, shared.length, "through Redis")
        assert.match(logs.join("\n"), /answers again/)
      })
  )

  it.scopedLive("Redis stopped mid-run and started again: calls go on at the local share, then share Redis again", () =>
    Effect.gen(function* () {
      const server = yield* redisServer
      const limiter = yield* RedisLimiter.make({ url: server.url, fallbackShare: 0.25 })
      const limit = 40
      const run = yield* Effect.fork(drive(limiter, "k", limit, 4, 6000))
      yield* Effect.sleep("1000 millis")
      yield* server.stop
      const stoppedAt = Date.now()
      yield* Effect.sleep("1500 millis")
      yield* server.start
      const startedAt = Date.now()
      const times = yield* Fiber.join(run)
      const during = times.filter((t) => t >= stoppedAt + 100 && t < startedAt).length
      const end = Math.max(...times)
      const after = times.filter((t) => t >= end - 1000).length
      // About 1.4 s (longer when the restart is slow) at 25% of 40/s: about 14 calls; unlimited would be thousands,
      // a stall would be none.
      const local = ((startedAt - stoppedAt - 100) / 1000) * limit * 0.25
      assert.isAtMost(during, Math.ceil(local) + 3, "never unlimited while Redis is down")
      assert.isAtLeast(during, 8, "calls go on while Redis is down")
      assert.isAtLeast(end - startedAt, 1500, "the run went on after the restart")
      // The shared budget again (at most 38.8 a second, less where a loaded host makes calls late), not the local 10.
      assert.isAtLeast(after, 30, "the shared budget after the restart")
      const plain = yield* plainClient(server.url)
      assert.isAtLeast(yield* commandCalls(plain, "evalsha"), 20, "the restarted server is used (script reloaded)")
    })
  )

  it.scopedLive("start-up fails with a typed error naming host and port, never the password", () =>
    Effect.gen(function* () {
      const server = yield* redisServer
      yield* server.stop
      const exit = yield* Effect.exit(
        RedisLimiter.make({
          url: Redacted.make(`redis://:pass-word-1234567890@127.0.0.1:${server.port}`),
          connectTimeout: "1 second"
        })
      )
      assert.isTrue(Exit.isFailure(exit) && exit.cause._tag === "Fail")
      const error = Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
      assert.instanceOf(error, RedisLimiterError.RedisLimiterError)
      assert.strictEqual(error?.reason, "Unavailable")
      assert.match(
        error?.message ?? "",
        new RegExp(`^Redis at 127\\.0\\.0\\.1:${server.port} is unavailable: .*ECONNREFUSED`)
      )
      assert.notInclude(JSON.stringify(exit), "pass-word")
    })
  )

  it.effect("invalid options are refused before connecting", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<[RedisLimiter.Options, RegExp]> = [
        [{ url: "http://127.0.0.1:6379" }, /redis:\/\/ or rediss:\/\//],
        [{ url: "not a url" }, /redis:\/\//],
        [{ url: "redis://127.0.0.1:1", fallbackShare: 0 }, /fallbackShare must be in \(0, 1\]/],
        [{ url: "redis://127.0.0.1:1", fallbackShare: 1.5 }, /fallbackShare/],
        [{ url: "redis://127.0.0.1:1", windowMillis: 500 }, /windowMillis must be at least 1000/],
        [{ url: "redis://127.0.0.1:1", burst: 0 }, /burst must be a positive integer/],
        [{ url: "redis://127.0.0.1:1", timeout: 0 }, /timeout must be positive/]
      ]
      for (const [options, message] of cases) {
        const error = yield* Effect.flip(Effect.scoped(RedisLimiter.make(options)))
        assert.instanceOf(error, RedisLimiterError.RedisLimiterError)
        assert.strictEqual(error.reason, "InvalidOptions")
        assert.match(error.message, message)
      }
    })
  )
})
