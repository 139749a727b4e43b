/**
 * Emulator throughput: friend_check of 100 accounts at concurrency 32, with auth and validation on, against
 * (a) a minimal `@effect/platform` route answering a fixed JSON body of the same size, (a') the same route reading
 * and parsing the request's JSON body first, and (b) a bare `node:http` server doing the same. All four servers run
 * in this process's main thread, one at a time; the load generator
 * is the same for all of them: a worker thread (same process, own event loop) sending keep-alive `node:http`
 * requests with 32 in flight. The machine is shared, so they are measured in interleaved rounds (A B C D A B C D
 * ...) and each one's median round is reported.
 *
 * Run: pnpm bench:emulator [seconds per round, default 2] [rounds, default 5]   (builds, then measures the built dist/)
 */

import { Worker } from "node:worker_threads"
import { Effect, Layer } from "effect"
import { bareNodeServer, minimalEffectRoute } from "../packages/emulator/bench/baselines.js"
import { Emulator } from "../packages/emulator/dist/index.js"
import { UserSig } from "../packages/usersig/dist/index.js"

const seconds = Number(process.argv[2] ?? 2)
const rounds = Number(process.argv[3] ?? 5)
const concurrency = 32
const targets = 100

/** The load generator, run in a worker thread: keep-alive POSTs, `concurrency` in flight, for `durationMs`. */
const loadGenerator = `
const { parentPort, workerData } = require("node:worker_threads")
const http = require("node:http")
const { url, body, concurrency, durationMs, warmupMs } = workerData
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency })
const target = new URL(url)
const payload = Buffer.from(body)
let done = 0, errors = 0, counting = false, stop = false
const one = () => new Promise((resolve) => {
  const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname + target.search,
    method: "POST", headers: { "content-type": "application/json", "content-length": payload.length } }, (res) => {
    const chunks = []
    res.on("data", (c) => chunks.push(c))
    res.on("end", () => {
      if (counting) {
        if (res.statusCode === 200 && Buffer.concat(chunks).includes('"ErrorCode":0')) done++
        else errors++
      }
      resolve()
    })
  })
  req.on("error", () => { errors++; resolve() })
  req.end(payload)
})
const loop = async () => { while (!stop) await one() }
setTimeout(() => { counting = true; const start = performance.now()
  setTimeout(() => { counting = false; stop = true
    const elapsed = (performance.now() - start) / 1000
    Promise.all(loops).then(() => { agent.destroy(); parentPort.postMessage({ rps: done / elapsed, errors }) })
  }, durationMs) }, warmupMs)
const loops = Array.from({ length: concurrency }, loop)
`

const measure = (url: string, body: string) =>
  Effect.async<{ rps: number; errors: number }>((resume) => {
    const worker = new Worker(loadGenerator, {
      eval: true,
      workerData: { url, body, concurrency, durationMs: seconds * 1000, warmupMs: 300 }
    })
    worker.once("message", (result) => {
      void worker.terminate()
      resume(Effect.succeed(result))
    })
    worker.once("error", (error) => resume(Effect.die(error)))
  })

const program = Effect.gen(function* () {
  const emulator = yield* Emulator.Emulator
  const identifier = "administrator"
  const userSig = yield* UserSig.sign({
    sdkAppId: Emulator.testDefaults.sdkAppId,
    secretKey: Emulator.testDefaults.secretKey,
    identifier,
    expireSeconds: 86400
  })
  const query = `?sdkappid=${Emulator.testDefaults.sdkAppId}&identifier=${identifier}&usersig=${userSig}&random=12345&contenttype=json`
  const post = (path: string, json: unknown) =>
    Effect.promise(() =>
      fetch(`${emulator.baseUrl}/${path}${query}`, { method: "POST", body: JSON.stringify(json) }).then((r) => r.json())
    )
  const accounts = Array.from({ length: targets + 1 }, (_, i) => `bench_user_${i}`)
  yield* post("v4/im_open_login_svc/multiaccount_import", { Accounts: accounts.slice(0, 100) })
  yield* post("v4/im_open_login_svc/multiaccount_import", { Accounts: accounts.slice(100) })
  const [from, ...to] = accounts
  // Half of the targets are friends, so that the answer mixes relations.
  yield* post("v4/sns/friend_add", {
    From_Account: from,
    AddFriendItem: to.slice(0, targets / 2).map((id) => ({ To_Account: id, AddSource: "AddSource_Type_Bench" })),
    ForceAddFlags: 1
  })
  const body = JSON.stringify({ From_Account: from, To_Account: to, CheckType: "CheckResult_Type_Both" })
  const sample = yield* Effect.promise(() =>
    fetch(`${emulator.baseUrl}/v4/sns/friend_check${query}`, { method: "POST", body }).then((r) => r.text())
  )
  if (!sample.includes('"ErrorCode":0')) return yield* Effect.dieMessage(`friend_check failed: ${sample}`)

  const minimal = yield* minimalEffectRoute(sample)
  const reading = yield* minimalEffectRoute(sample, true)
  const bareUrl = yield* bareNodeServer(sample)

  console.log(
    `friend_check of ${targets} accounts, concurrency ${concurrency}, ${rounds} interleaved rounds of ${seconds} s (after 0.3 s warm-up); response ${Buffer.byteLength(sample)} bytes`
  )
  const servers = [
    ["emulator (auth + validation + state)", `${emulator.baseUrl}/v4/sns/friend_check${query}`],
    ["minimal @effect/platform route", `${minimal}/v4/sns/friend_check${query}`],
    ["minimal route reading the JSON body", `${reading}/v4/sns/friend_check${query}`],
    ["bare node:http", `${bareUrl}/v4/sns/friend_check${query}`]
  ] as const
  const samples: Array<Array<number>> = servers.map(() => [])
  let errors = 0
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < servers.length; i++) {
      const result = yield* measure(servers[i]![1], body)
      samples[i]!.push(result.rps)
      errors += result.errors
    }
  }
  const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const [emu, eff, effReading, node] = samples.map(median) as [number, number, number, number]
  servers.forEach(([name], i) => {
    const xs = samples[i]!
    console.log(
      `${name.padEnd(40)} ${median(xs).toFixed(0).padStart(7)} req/s (median; rounds ${xs.map((x) => x.toFixed(0)).join(", ")})`
    )
  })
  if (errors > 0) console.log(`(${errors} failed requests)`)
  // Each round measures the four back to back, so a round's ratio is less exposed to the machine's load
  // changing between rounds than the ratio of medians.
  const paired = median(samples[0]!.map((x, round) => x / samples[1]![round]!))
  console.log(`emulator / minimal Effect route: ${(emu / eff).toFixed(2)}x (goal >= 0.6x)`)
  console.log(`  median of the per-round ratios:  ${paired.toFixed(2)}x`)
  const pairedReading = median(samples[0]!.map((x, round) => x / samples[2]![round]!))
  console.log(
    `emulator / minimal route reading the body: ${(emu / effReading).toFixed(2)}x (per-round median ${pairedReading.toFixed(2)}x)`
  )
  console.log(`emulator / bare node:http:       ${(emu / node).toFixed(2)}x`)
  console.log(`minimal Effect / bare node:http: ${(eff / node).toFixed(2)}x`)
  console.log(`absolute: ${emu >= 1000 ? "meets" : "MISSES"} the 1000 req/s goal`)
})

Effect.runPromise(
  program.pipe(Effect.scoped, Effect.provide(Layer.fresh(Emulator.layerTest({ rateLimit: 0 }))), Effect.orDie)
).catch((error) => {
  console.error(error)
  process.exit(1)
})
