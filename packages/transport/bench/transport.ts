/**
 * Transport benchmark: the same friend_check-shaped requests (100 accounts each) to the same local `node:http`
 * server (in a child process, answering a fixed valid friend_check response), several ways in the same run:
 *  - TimClient (signing with a cached UserSig, request encoding, envelope + response decoding, retry bookkeeping,
 *    a span per call; rate limit unlimited, retry on);
 *  - a bare @effect/platform HttpClient (NodeHttpClient.layerUndici; no signing, no decoding; its own span on),
 *    also with its span off, and with only `JSON.parse` of the answer added (the floor of any client returning data);
 *  - raw `undici.request`.
 * Each is run sequentially and at concurrency 32; the sides alternate in slices so that load from other processes
 * hits all of them alike.
 *
 * Lives in the package so that its imports resolve from the package's dependencies; the entry is bench/transport.ts.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { HttpBody, HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { FriendCheck } from "@effect-tim/schema"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { request as undiciRequest } from "undici"
import { TimClient } from "../src/index.js"

const SLICES = 4
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
  const query = "?sdkappid=1400000000&identifier=administrator&usersig=static&random=1&contenttype=json"
  const target = `${url}/v4/sns/friend_check${query}`

  const timRuntime = ManagedRuntime.make(
    TimClient.layer({
      sdkAppId: 1400000000,
      secretKey: Redacted.make("bench-secret-key"),
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
    ["bare Effect HttpClient", effectSide(bareRuntime, bareOne(bare))],
    ["bare Effect, platform span off", effectSide(bareRuntime, bareOne(bareNoSpan))],
    // The floor of any client that returns data: the bare client plus JSON.parse of the answer, nothing else.
    [
      "bare Effect + JSON.parse",
      effectSide(
        bareRuntime,
        Effect.map(bareOne(bare), (text) => JSON.parse(text))
      )
    ],
    ["raw undici.request", undiciSide]
  ]

  // warm-up
  for (const [, side] of sides) await side(2_000, CONCURRENCY)

  for (const concurrency of [1, CONCURRENCY]) {
    const totals = new Map<string, number>(sides.map(([name]) => [name, 0]))
    const cpu = new Map<string, number>(sides.map(([name]) => [name, 0]))
    const per = Math.ceil(REQUESTS / SLICES)
    for (let round = 0; round < ROUNDS; round++) {
      for (let slice = 0; slice < SLICES; slice++) {
        for (const [name, side] of round % 2 === 0 ? sides : [...sides].reverse()) {
          const start = process.hrtime.bigint()
          const startCpu = process.cpuUsage()
          await side(per, concurrency)
          const usedCpu = process.cpuUsage(startCpu)
          totals.set(name, totals.get(name)! + Number(process.hrtime.bigint() - start))
          cpu.set(name, cpu.get(name)! + (usedCpu.user + usedCpu.system) * 1000)
        }
      }
    }
    const count = per * SLICES * ROUNDS
    const wallUs = (name: string) => totals.get(name)! / count / 1000
    const cpuUs = (name: string) => cpu.get(name)! / count / 1000
    console.log(
      `\n${concurrency === 1 ? "sequential" : `concurrency ${concurrency}`}: ${count} requests per side (${ROUNDS} rounds × ${SLICES} slices)`
    )
    console.log(
      "side                              wall µs/req   req/s  × bare  × undici │ client CPU µs/req  × bare  × undici"
    )
    for (const [name] of sides) {
      const wall = wallUs(name)
      const used = cpuUs(name)
      console.log(
        `${name.padEnd(34)}${wall.toFixed(1).padStart(11)}${Math.round(1e6 / wall)
          .toString()
          .padStart(8)}${(wall / wallUs("bare Effect HttpClient")).toFixed(2).padStart(8)}${(
          wall / wallUs("raw undici.request")
        )
          .toFixed(2)
          .padStart(
            9
          )} │${used.toFixed(1).padStart(18)}${(used / cpuUs("bare Effect HttpClient")).toFixed(2).padStart(8)}${(
          used / cpuUs("raw undici.request")
        )
          .toFixed(2)
          .padStart(9)}`
      )
    }
  }

  await timRuntime.dispose()
  await bareRuntime.dispose()
  worker.kill()
}
