/**
 * Transport benchmark: the same friend_check-shaped requests (100 accounts each) to the same local `node:http`
 * server (in a child process, answering a fixed valid friend_check response), several ways in the same run:
 *  - TimClient (signing with a cached UserSig, request encoding, envelope + response decoding, retry bookkeeping,
 *    a span per call; rate limit unlimited, retry on);
 *  - a bare @effect/platform HttpClient (NodeHttpClient.layerUndici; no signing, no decoding; its own span on),
 *    also with its span off, and with only `JSON.parse` of the answer added (the floor of any client returning data);
 *  - raw `undici.request`.
 * Every side sends the same bytes: the bare sides' URL carries a real UserSig of the same length, signed once, and a
 * `random` of the same width, so the server parses the same request line for all of them.
 * Each is run sequentially and at concurrency 32; the sides alternate in many short slices so that load from other
 * processes hits all of them alike. Ratios are given both as the ratio of the means and as the median of the
 * per-slice ratios (each slice against the bare slice next to it), which a burst of outside load moves less.
 *
 * It measures the built packages (`dist/`), which is what users run: the entry resolves `@effect-tim/*` without the
 * source condition. (Running the sources through tsx costs TimClient ~15% more: esbuild's `keepNames` wraps every
 * function created in a hot path in a `__name(...)` call.)
 *
 * Lives in the package so that its imports resolve from the package's dependencies; the entry is bench/transport.ts.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { HttpBody, HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { FriendCheck } from "@effect-tim/schema"
import { TimClient } from "@effect-tim/transport"
import { UserSig } from "@effect-tim/usersig"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { request as undiciRequest } from "undici"

const SLICES = 16

const BARE = "bare Effect HttpClient"
/** The floor of any client that returns data: the bare client plus `JSON.parse` of the answer, nothing else. */
const FLOOR = "bare Effect + JSON.parse"
const UNDICI = "raw undici.request"
const CONCURRENCY = 32

const accounts = Array.from({ length: 100 }, (_, i) => `user_${String(i).padStart(4, "0")}`)
const answer = JSON.stringify({
  ActionStatus: "OK",
  ErrorCode: 0,
  ErrorInfo: "",
  ErrorDisplay: "",
  InfoItem: accounts.map((a) => ({
    To_Account: a,
    Relation: "CheckResult_Type_BothWay",
    ResultCode: 0,
    ResultInfo: ""
  }))
})

const serverCode = `
const { createServer } = require("node:http")
const answer = Buffer.from(process.env.BENCH_ANSWER)
const server = createServer((req, res) => {
  req.resume()
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": answer.length })
    res.end(answer)
  })
})
server.keepAliveTimeout = 60000
server.listen(0, "127.0.0.1", () => console.log(server.address().port))
`

/** The server runs in its own process, so that this process's CPU time is the client's alone. */
const startServer = () =>
  new Promise<{ readonly url: string; readonly worker: ChildProcess }>((resolve, reject) => {
    const worker = spawn(process.execPath, ["-e", serverCode], {
      env: { ...process.env, BENCH_ANSWER: answer },
      stdio: ["ignore", "pipe", "inherit"]
    })
    worker.stdout?.once("data", (port: Buffer) => resolve({ url: `http://127.0.0.1:${String(port).trim()}`, worker }))
    worker.once("error", reject)
  })

const request = {
  fromAccount: "administrator",
  toAccounts: accounts,
  checkType: "CheckResult_Type_Both"
} as unknown as FriendCheck.Request
const wire = { From_Account: "administrator", To_Account: accounts, CheckType: "CheckResult_Type_Both" }

type Side = (count: number, concurrency: number) => Promise<void>

/**
 * Runs the benchmark with `REQUESTS` per side and mode, in `ROUNDS` alternating rounds.
 */
export const run = async (REQUESTS: number, ROUNDS: number): Promise<void> => {
  const { url, worker } = await startServer()
  const secretKey = Redacted.make("bench-secret-key")
  // The sig TimClient sends (same key, identifier and default validity), signed once: the bare sides do not sign.
  const sig = await Effect.runPromise(
    UserSig.sign({ sdkAppId: 1400000000, secretKey, identifier: "administrator", expireSeconds: 86400 })
  )
  const query = `?sdkappid=1400000000&identifier=administrator&usersig=${encodeURIComponent(sig)}&random=2147483648&contenttype=json`
  const target = `${url}/v4/sns/friend_check${query}`

  const timRuntime = ManagedRuntime.make(
    TimClient.layer({
      sdkAppId: 1400000000,
      secretKey,
      endpoint: url,
      rateLimit: Number.POSITIVE_INFINITY
    }).pipe(Layer.provide(NodeHttpClient.layerUndici))
  )
  const bareRuntime = ManagedRuntime.make(NodeHttpClient.layerUndici)
  const client = await timRuntime.runPromise(TimClient.TimClient)
  const bare = await bareRuntime.runPromise(HttpClient.HttpClient)
  const bareNoSpan = HttpClient.withTracerDisabledWhen(bare, () => true)

  const effectSide =
    <R>(runtime: ManagedRuntime.ManagedRuntime<R, unknown>, one: Effect.Effect<unknown, unknown, R>): Side =>
    (count, concurrency) =>
      runtime.runPromise(
        Effect.forEach(Array.from({ length: count }), () => one, { concurrency, discard: true })
      ) as Promise<void>

  const bareOne = (http: HttpClient.HttpClient) =>
    Effect.suspend(() =>
      http.execute(
        HttpClientRequest.post(target, {
          body: HttpBody.raw(JSON.stringify(wire), { contentType: "application/json" })
        })
      )
    ).pipe(Effect.flatMap((response) => response.text))

  const undiciSide: Side = async (count, concurrency) => {
    let next = 0
    const loop = async () => {
      while (next < count) {
        next++
        const { body } = await undiciRequest(target, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(wire)
        })
        await body.text()
      }
    }
    await Promise.all(Array.from({ length: concurrency }, loop))
  }

  const sides: ReadonlyArray<readonly [string, Side]> = [
    ["TimClient", effectSide(timRuntime, client.call(FriendCheck.api, request))],
    [BARE, effectSide(bareRuntime, bareOne(bare))],
    ["bare Effect, platform span off", effectSide(bareRuntime, bareOne(bareNoSpan))],
    [
      FLOOR,
      effectSide(
        bareRuntime,
        Effect.map(bareOne(bare), (text) => JSON.parse(text))
      )
    ],
    [UNDICI, undiciSide]
  ]

  // warm-up
  for (const [, side] of sides) await side(2_000, CONCURRENCY)

  const median = (values: ReadonlyArray<number>): number => {
    const sorted = [...values].sort((a, b) => a - b)
    const mid = sorted.length >> 1
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  }
  for (const concurrency of [1, CONCURRENCY]) {
    const slices = new Map<string, Array<number>>(sides.map(([name]) => [name, []]))
    const cpu = new Map<string, number>(sides.map(([name]) => [name, 0]))
    const per = Math.ceil(REQUESTS / SLICES)
    for (let slice = 0; slice < SLICES * ROUNDS; slice++) {
      // Alternate the order, so that no side always runs right after the same other one.
      for (const [name, side] of slice % 2 === 0 ? sides : [...sides].reverse()) {
        const start = process.hrtime.bigint()
        const startCpu = process.cpuUsage()
        await side(per, concurrency)
        const usedCpu = process.cpuUsage(startCpu)
        slices.get(name)!.push(Number(process.hrtime.bigint() - start) / per / 1000)
        cpu.set(name, cpu.get(name)! + (usedCpu.user + usedCpu.system))
      }
    }
    const count = per * SLICES * ROUNDS
    const wallUs = (name: string) => slices.get(name)!.reduce((a, b) => a + b, 0) / (SLICES * ROUNDS)
    const cpuUs = (name: string) => cpu.get(name)! / count
    /** The median over slices of this side's time against `base`'s in the same slice. */
    const sliceRatio = (name: string, base: string) =>
      median(slices.get(name)!.map((us, i) => us / slices.get(base)![i]!))
    console.log(
      `\n${concurrency === 1 ? "sequential" : `concurrency ${concurrency}`}: ${count} requests per side (${SLICES * ROUNDS} slices)`
    )
    console.log(
      "side                              wall µs/req   req/s │ × bare: mean median │ × bare+parse │ × undici │ client CPU µs/req  × bare"
    )
    for (const [name] of sides) {
      const wall = wallUs(name)
      console.log(
        [
          name.padEnd(34),
          wall.toFixed(1).padStart(11),
          Math.round(1e6 / wall)
            .toString()
            .padStart(8),
          " │",
          (wall / wallUs(BARE)).toFixed(2).padStart(12),
          sliceRatio(name, BARE).toFixed(2).padStart(7),
          " │",
          sliceRatio(name, FLOOR).toFixed(2).padStart(13),
          " │",
          sliceRatio(name, UNDICI).toFixed(2).padStart(9),
          " │",
          cpuUs(name).toFixed(1).padStart(18),
          (cpuUs(name) / cpuUs(BARE)).toFixed(2).padStart(8)
        ].join("")
      )
    }
  }

  await timRuntime.dispose()
  await bareRuntime.dispose()
  worker.kill()
}
