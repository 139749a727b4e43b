/**
 * A custom retry policy and rate limit: the client's own (`retry`, `rateLimit`, `timeout` options), and per-call
 * overrides with `TimClient.withRetry` and `TimClient.withTimeout`. Runs against an in-process emulator that
 * answers some requests with transient errors (30006/30007), and counts the HTTP requests actually sent.
 *
 * Run: pnpm exec tsx --conditions=@effect-tim/source examples/retry-and-rate-limit.ts
 */
import { HttpClient } from "@effect/platform"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Emulator } from "@effect-tim/emulator"
import { Friends } from "@effect-tim/friends"
import { Fields, MultiAccountImport } from "@effect-tim/schema"
import { TimClient } from "@effect-tim/transport"
import { Array as Arr, Console, Effect, Either, Layer, Schema } from "effect"
import { emulatorLive } from "./lib/emulatorLive.js"

/** HTTP requests sent, retries included. */
let sent = 0
const CountingHttpClient = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(HttpClient.HttpClient, (client) =>
    HttpClient.tapRequest(client, () =>
      Effect.sync(() => {
        sent++
      })
    )
  )
).pipe(Layer.provide(NodeHttpClient.layerUndici))

const measure = <A, E, R>(label: string, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const before = sent
    const started = Date.now()
    const result = yield* effect
    yield* Console.log(`${label}: ${Date.now() - started} ms, ${sent - before} HTTP requests`)
    return result
  })

const program = Effect.gen(function* () {
  const client = yield* TimClient.TimClient
  const friends = yield* Friends.Friends
  const emulator = yield* Emulator.Emulator
  const users = Arr.makeBy(41, (i) => `user_${i}`)
  yield* client.call(MultiAccountImport.api, { accounts: Schema.decodeSync(Schema.Array(Fields.UserId))(users) })
  const [me, ...others] = users as [string, ...Array<string>]

  // 1. Rate limit: 20 calls per second per API. 40 friend_check calls: 20 at once, the next 20 a second later.
  yield* measure(
    "40 checks at rateLimit 20/s",
    Effect.forEach(others, (other) => friends.checkOne(me, other), { concurrency: "unbounded" })
  )

  // 2. Retries: 40% of requests now fail with 30006/30007 (nothing applied); the policy sends them again with
  //    exponential backoff and full jitter. Every call still succeeds; the re-sent requests count against the
  //    rate limit too, hence the time.
  yield* emulator.setFaults({ requestError: 0.4, seed: 42 })
  const retried = yield* measure(
    "40 checks, 40% transient failures, client policy (8 attempts)",
    Effect.forEach(others, (other) => Effect.either(friends.checkOne(me, other)), { concurrency: 8 })
  )
  yield* Console.log(`  failed: ${retried.filter(Either.isLeft).length}`)

  // 3. The same calls with retries off for this block only: the transient errors reach you, typed.
  const noRetry = yield* measure(
    "the same with TimClient.withRetry(false)",
    Effect.forEach(others, (other) => Effect.either(friends.checkOne(me, other)), { concurrency: 8 })
  ).pipe(TimClient.withRetry(false))
  const tags = noRetry.flatMap((r) => (Either.isLeft(r) ? [r.left._tag] : []))
  yield* Console.log(`  failed: ${tags.length} (${[...new Set(tags)].join(", ")})`)

  // 4. A stricter policy for one block: 2 attempts, a short budget.
  const strict = yield* measure(
    "withRetry({ maxAttempts: 2, maxElapsed: '1 second' })",
    Effect.forEach(others, (other) => Effect.either(friends.checkOne(me, other)), { concurrency: 8 })
  ).pipe(TimClient.withRetry({ maxAttempts: 2, maxElapsed: "1 second" }))
  yield* Console.log(`  failed: ${strict.filter(Either.isLeft).length}`)

  // 5. A per-attempt timeout for one call: the emulator now takes 300 ms per request.
  yield* emulator.setFaults({ requestError: 0, latencyMs: 300 })
  const timedOut = yield* friends
    .checkOne(me, others[0]!)
    .pipe(TimClient.withTimeout("100 millis"), TimClient.withRetry(false), Effect.flip)
  yield* Console.log(`withTimeout("100 millis") → ${timedOut.message}`)
})

const EmulatorLive = emulatorLive({
  client: {
    rateLimit: 20, // calls per second per API command (Tencent's documented limit is 200)
    retry: { maxAttempts: 8, baseDelay: "20 millis", factor: 2, maxElapsed: "5 seconds" },
    timeout: "2 seconds"
  },
  httpClient: CountingHttpClient
})

program.pipe(Effect.provide(EmulatorLive), NodeRuntime.runMain)
