/**
 * Friends bulk benchmark, against an emulator running in a child process (its own event loop and core).
 *
 * 1. check: `accounts` From_Accounts × 1000 targets (200 × 1000 = 200 000 pairs a round) with the client's limit
 *    at 200 calls/s and the emulator's at exactly 200 calls/s: achieved calls/s as a share of the limit, HTTP
 *    requests sent (more requests than calls would mean request-level retries, e.g. after a 60007), peak RSS.
 * 2. add: 10 000 adds (10 accounts × 1000) without faults (the baseline), then 10 000 with 10% item faults:
 *    elapsed, ratio to the baseline, item retries, and proof that no outcome was lost (outcomes counted and
 *    compared with the emulator's state).
 *
 * Run: pnpm exec tsx --conditions=@effect-tim/source bench/bulk.ts [rounds = 3] [accounts = 200] [targets per call = 1000]
 * (bench/bulk.ts runs this file; it lives here to resolve the package's dependencies.)
 */
import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Emulator } from "@effect-tim/emulator"
import { MultiAccountImport } from "@effect-tim/schema"
import { TimClient } from "@effect-tim/transport"
import { Array as Arr, Effect, Layer } from "effect"
import { Friends } from "../src/index.js"

const LIMIT = 200

// ---------------------------------------------------------------------------------------------------------------
// Child: the emulator
// ---------------------------------------------------------------------------------------------------------------

// The emulator half, when this file is started as `bulk.ts serve <rateLimit>`.
if (process.argv[2] === "serve") {
  Effect.runPromise(
    Emulator.run({
      ...Emulator.testDefaults,
      rateLimit: Number(process.argv[3]),
      defaultAllowType: "AllowType_Type_AllowAny"
    })
  ).then(
    () => process.exit(0),
    (error) => {
      console.error(error)
      process.exit(1)
    }
  )
}

async function startEmulator(rateLimit: number) {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), "serve", String(rateLimit)],
    {
      stdio: ["ignore", "pipe", "inherit"]
    }
  )
  const lines = createInterface({ input: child.stdout! })
  const baseUrl = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve)
    child.once("exit", (code) => reject(new Error(`emulator exited with ${code}`)))
  })
  lines.on("line", () => {})
  return {
    baseUrl,
    admin: async (path: string, body?: unknown) => {
      const response = await fetch(`${baseUrl}/_emulator/${path}`, {
        method: body === undefined ? "GET" : "POST",
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } })
      })
      return (await response.json()) as any
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve())
        child.kill("SIGTERM")
      })
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Parent: the client
// ---------------------------------------------------------------------------------------------------------------

/** Runs both benchmarks and prints their figures. */
export async function main(rounds = 3, accounts = 200, perCall = 1000) {
  const emulator = await startEmulator(LIMIT)
  let requests = 0
  const counting = Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, (client) =>
      HttpClient.transform(client, (response) =>
        Effect.zipRight(
          Effect.sync(() => void requests++),
          response
        )
      )
    )
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))
  const client = TimClient.layer({
    sdkAppId: Emulator.testDefaults.sdkAppId,
    secretKey: Emulator.testDefaults.secretKey,
    endpoint: emulator.baseUrl,
    rateLimit: LIMIT
  }).pipe(Layer.provide(counting))
  const live = Friends.layer().pipe(Layer.provideMerge(client), Layer.orDie)

  const program = Effect.gen(function* () {
    const friends = yield* Friends.Friends
    const tim = yield* TimClient.TimClient
    const importAll = (ids: ReadonlyArray<string>) =>
      Effect.forEach(
        Arr.chunksOf(ids, 100),
        (chunk) => tim.call(MultiAccountImport.api, { accounts: chunk as never }),
        { concurrency: 8, discard: true }
      )
    const froms = Array.from({ length: accounts }, (_, i) => `from${i}`)
    const targets = Array.from({ length: 1000 }, (_, i) => `to${i}`)
    const checked = targets.slice(0, perCall)
    yield* importAll([...froms, ...targets])

    // --- 1. check ---------------------------------------------------------------------------------------------
    console.log(`check: ${rounds} round(s) of ${accounts} From_Accounts × ${perCall} targets, limit ${LIMIT} calls/s`)
    // Warm both processes' JIT first (a cold emulator builds a backlog, then counts it in one burst), then let the
    // emulator's one-second window empty.
    yield* Effect.forEach(froms.slice(0, 40), (from) => friends.check(from, checked), { concurrency: 8, discard: true })
    yield* Effect.sleep("1200 millis")
    const rssBefore = process.memoryUsage().rss
    requests = 0
    const cpuBefore = process.cpuUsage()
    const started = performance.now()
    let firstRoundMs = 0
    let pairs = 0
    let failed = 0
    // One pipeline for every round (no barrier between rounds), 32 calls in flight: the limiter sets the pace.
    let done = 0
    yield* Effect.forEach(
      Array.from({ length: rounds * accounts }, (_, i) => froms[i % accounts]!),
      (from) =>
        Effect.map(friends.check(from, checked), (r) => {
          pairs += r.items.length
          failed += Friends.failures(r).length
          if (++done === accounts) firstRoundMs = performance.now() - started
        }),
      { concurrency: 32, discard: true }
    )
    const elapsedMs = performance.now() - started
    const cpu = process.cpuUsage(cpuBefore)
    const clientCpuMs = (cpu.user + cpu.system) / 1000
    const calls = rounds * accounts
    const rate = calls / (elapsedMs / 1000)
    // The first `LIMIT` calls fit in one window of the limiter; the sustained rate is measured after it.
    const sustained = rounds > 1 ? (calls - accounts) / ((elapsedMs - firstRoundMs) / 1000) : rate
    console.log(
      `  ${pairs.toLocaleString("en-US")} pairs (${failed} failed) in ${calls} calls, ${requests} HTTP requests, ` +
        `${(elapsedMs / 1000).toFixed(2)} s`
    )
    console.log(`  first round (one limiter window): ${(firstRoundMs / 1000).toFixed(2)} s`)
    console.log(
      `  client process CPU: ${(clientCpuMs / 1000).toFixed(2)} s = ${(clientCpuMs / calls).toFixed(2)} ms per call ` +
        `(${((clientCpuMs / elapsedMs) * 100).toFixed(0)}% of one core; the emulator runs in its own process)`
    )
    console.log(
      `  overall ${rate.toFixed(1)} calls/s = ${((rate / LIMIT) * 100).toFixed(1)}% of the limit; ` +
        `after the first window ${sustained.toFixed(1)} calls/s = ${((sustained / LIMIT) * 100).toFixed(1)}%`
    )
    console.log(
      `  request-level retries (60007 or other): ${requests - calls}; ` +
        `RSS ${(rssBefore / 2 ** 20).toFixed(0)} MB before, peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`
    )

    // --- 2. add with item faults ------------------------------------------------------------------------------
    const addRun = (prefix: string) =>
      Effect.gen(function* () {
        const owners = Array.from({ length: 10 }, (_, i) => `${prefix}${i}`)
        yield* importAll(owners)
        const t0 = performance.now()
        const results = yield* Effect.forEach(owners, (owner) => friends.add(owner, targets, { type: "single" }), {
          concurrency: "unbounded"
        })
        const ms = performance.now() - t0
        return { owners, results, ms }
      })
    console.log("add: 10 000 adds (10 From_Accounts × 1000), type single")
    const baseline = yield* addRun("base")
    console.log(
      `  no faults:   ${(baseline.ms / 1000).toFixed(2)} s, retries ${sum(baseline.results.map((r) => r.retries))}`
    )
    yield* Effect.promise(() => emulator.admin("faults", { itemError: 0.1, seed: 42 }))
    const faulty = yield* addRun("fault")
    yield* Effect.promise(() => emulator.admin("faults", { itemError: 0 }))
    const outcomes = sum(faulty.results.map((r) => r.items.length))
    const retries = sum(faulty.results.map((r) => r.retries))
    const succeeded = new Set<string>()
    const byTag: Record<string, number> = {}
    faulty.results.forEach((r, i) => {
      for (const [key, n] of Object.entries(Friends.countOutcomes(r))) byTag[key] = (byTag[key] ?? 0) + n
      for (const { toAccount } of Friends.successes(r)) succeeded.add(`${faulty.owners[i]}>${toAccount}`)
    })
    const state = yield* Effect.promise(() => emulator.admin("state"))
    const stored = new Set<string>(
      state.friendships
        .filter((f: any) => faulty.owners.includes(f.from))
        .map((f: any) => `${f.from}>${f.to}`) as Array<string>
    )
    const missingInState = [...succeeded].filter((k) => !stored.has(k)).length
    const unreported = [...stored].filter((k) => !succeeded.has(k)).length
    console.log(
      `  10% faults:  ${(faulty.ms / 1000).toFixed(2)} s (${(faulty.ms / baseline.ms).toFixed(2)}× the baseline), ` +
        `item retries ${retries}`
    )
    console.log(`  outcomes ${outcomes} for 10000 requested: ${JSON.stringify(byTag)}`)
    console.log(
      `  emulator state: ${stored.size} friendships; successes missing from the state ${missingInState}, ` +
        `friendships not reported as successes ${unreported} => ${
          outcomes === 10_000 && missingInState === 0 && unreported === 0 ? "no outcome lost" : "MISMATCH"
        }`
    )
  })

  try {
    await Effect.runPromise(program.pipe(Effect.provide(live)))
  } finally {
    await emulator.stop()
  }
}

function sum(ns: ReadonlyArray<number>) {
  return ns.reduce((a, b) => a + b, 0)
}
