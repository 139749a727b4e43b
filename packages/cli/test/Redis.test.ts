/**
 * `--redis URL` / `TIM_REDIS_URL`: parallel `tim` runs share the app's rate limit through Redis (the real entry
 * point in child processes, against one emulator with that same limit and a private redis-server).
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Emulator } from "@effect-tim/emulator"
import { Effect, Fiber } from "effect"
// The redis package's private server for tests (a free port, no persistence, stopped with the scope).
import { redisServer } from "../../redis/test/redisServer.js"
import { binArgs, envFor, tim } from "./helpers.js"

const LIMIT = 10
const ACCOUNTS = 30

const run = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.async<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }>((resume) => {
    const child = spawn(process.execPath, [...binArgs(), ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => {
      stdout += d
    })
    child.stderr.on("data", (d) => {
      stderr += d
    })
    child.on("close", (code) => resume(Effect.succeed({ code, stdout, stderr })))
    return Effect.sync(() => child.kill("SIGKILL"))
  })

describe("tim --redis", () => {
  it.scopedLive(
    "two parallel runs with one Redis share the limit: the emulator never sees more, never answers 60007",
    () =>
      Effect.gen(function* () {
        const redis = yield* redisServer
        // Two calls of headroom over LIMIT for delivery jitter on a loaded machine (paced grants can arrive bunched);
        // two runs that did not share the budget would send 2 x LIMIT a second and be refused far more.
        const emulator = yield* Emulator.make({ ...Emulator.testDefaults, rateLimit: LIMIT + 2 })
        const accounts = Array.from({ length: ACCOUNTS }, (_, i) => `redis-u${i}`)
        yield* emulator.seed({ accounts: [...accounts, "redis-t"] })
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tim-redis-"))
        const file = path.join(dir, "pairs.csv")
        // One From_Account per row: one friend_check call each, 2 x 30 calls against 10/s.
        fs.writeFileSync(file, `${accounts.map((a) => `${a},redis-t`).join("\n")}\n`)
        const env = { ...envFor(emulator.baseUrl), TIM_REDIS_URL: redis.url }
        const args = ["friend", "check", "--file", file, "--json", "--rate-limit", String(LIMIT)]

        // The emulator's call count every 50 ms, to find the busiest second as the emulator saw it.
        const samples: Array<readonly [number, number]> = []
        const sampler = yield* Effect.fork(
          Effect.forever(
            Effect.flatMap(emulator.stats, (s) =>
              Effect.sync(() => samples.push([Date.now(), s.apis["v4/sns/friend_check"]?.calls ?? 0]))
            ).pipe(Effect.zipRight(Effect.sleep("50 millis")))
          )
        )
        // One run reads TIM_REDIS_URL, the other takes --redis.
        const [a, b] = yield* Effect.all(
          [run(args, env), run([...args, "--redis", redis.url], envFor(emulator.baseUrl))],
          { concurrency: 2 }
        )
        yield* Fiber.interrupt(sampler)

        assert.strictEqual(a.code, 0, a.stderr)
        assert.strictEqual(b.code, 0, b.stderr)
        const stats = yield* emulator.stats
        assert.deepStrictEqual(
          stats.apis["v4/sns/friend_check"]?.answers,
          { "0": 2 * ACCOUNTS },
          `no 60007\n${a.stderr}\n${b.stderr}`
        )
        let busiest = 0
        for (const [t0, c0] of samples) {
          for (const [t1, c1] of samples) if (t1 > t0 && t1 - t0 <= 1000) busiest = Math.max(busiest, c1 - c0)
        }
        // Sampling adds at most one call at each end of a window.
        assert.isAtMost(busiest, LIMIT + 2, `the emulator saw ${busiest} calls in one second`)
        assert.isAtLeast(busiest, LIMIT / 2, "the runs did overlap")
      }),
    120_000
  )

  it.live("an unreachable Redis is an error naming it, before any call; --rate-limit 0 is refused", () =>
    Effect.gen(function* () {
      const env = { ...envFor("http://127.0.0.1:9"), TIM_REDIS_URL: "redis://:pw-0123456789abcdef@127.0.0.1:9" }
      const down = yield* tim(env, "friend", "check", "a", "b")
      assert.strictEqual(down.code, 1)
      assert.match(down.stderr, /Redis at 127\.0\.0\.1:9 is unavailable/)
      assert.notInclude(down.stderr + down.stdout, "pw-0123456789abcdef")
      const unlimited = yield* tim(env, "friend", "check", "a", "b", "--rate-limit", "0")
      assert.strictEqual(unlimited.code, 1)
      assert.match(unlimited.stderr, /--redis \(TIM_REDIS_URL\) shares a rate limit/)
    })
  )
})
