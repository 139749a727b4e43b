/**
 * Bulk CPU benchmark: the client CPU of one call with 1 000 targets, against a canned answer served by a
 * `node:http` server in another process (so this process's CPU time is the client's alone).
 *
 * Sides, each one call with the same 1 000 targets:
 *  - `Friends.check` and `Friends.add` (validation, chunking, TimClient.call, outcome objects);
 *  - `TimClient.call` with the same friend_check and friend_add requests (signing, encoding, envelope and response
 *    decoding, retry bookkeeping, span);
 *  - the floor: raw `undici.request` of the same bytes plus `JSON.parse` of the answer, nothing else;
 *  - for reference, the bare `@effect/platform` `HttpClient` (the same undici underneath, as TimClient uses it)
 *    posting the same bytes plus `JSON.parse`: what any client built on the platform pays before doing anything.
 * The sides alternate in short slices (the order reversed every other slice) so that load from other processes hits
 * them alike; each ratio is the median over slices of a side's CPU per call against its floor's in the same slice.
 * The last column is what 200 calls/s (Tencent's ceiling per API) would cost in cores for the client alone.
 *
 * Run: pnpm bench:bulk-cpu [calls per side and slice = 40] [slices = 24] [concurrency = 1]
 * It measures what the process resolves `@effect-tim/*` to: the built packages (`dist/`, what users run; the
 * script builds first), or the sources when started with `--conditions=@effect-tim/source` (quicker while
 * developing; tsx's `keepNames` makes the sources cost a little more).
 *
 * Lives in the package so that its imports resolve from the package's dependencies; the entry is bench/bulk-cpu.ts.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { HttpBody, HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Friends } from "@effect-tim/friends"
import { FriendAdd, FriendCheck } from "@effect-tim/schema"
import { TimClient } from "@effect-tim/transport"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { request as undiciRequest } from "undici"
// Only to sign the floor's URL once (same length as TimClient's); friends does not depend on usersig.
import { UserSig } from "../../usersig/src/index.js"

const TARGETS = 1000
const CALLS_PER_SECOND = 200
const SDK_APP_ID = 1400000000

const targets = Array.from({ length: TARGETS }, (_, i) => `user_${String(i).padStart(5, "0")}`)

const checkAnswer = JSON.stringify({
  ActionStatus: "OK",
  ErrorCode: 0,
  ErrorInfo: "",
  ErrorDisplay: "",
  InfoItem: targets.map((a) => ({
    To_Account: a,
    Relation: "CheckResult_Type_BothWay",
    ResultCode: 0,
    ResultInfo: ""
  }))
})
const addAnswer = JSON.stringify({
  ActionStatus: "OK",
  ErrorCode: 0,
  ErrorInfo: "",
  ErrorDisplay: "",
  ResultItem: targets.map((a) => ({ To_Account: a, ResultCode: 0, ResultInfo: "" }))
})

// The server answers by command (the path's last segment), whatever the request says.
const serverCode = `
const { createServer } = require("node:http")
const answers = { friend_check: Buffer.from(process.env.CHECK_ANSWER), friend_add: Buffer.from(process.env.ADD_ANSWER) }
const server = createServer((req, res) => {
  req.resume()
  req.on("end", () => {
    const command = req.url.split("?")[0].split("/").pop()
    const answer = answers[command]
    if (answer === undefined) { res.writeHead(404); res.end(); return }
    res.writeHead(200, { "content-type": "application/json", "content-length": answer.length })
    res.end(answer)
  })
})
server.keepAliveTimeout = 60000
server.listen(0, "127.0.0.1", () => console.log(server.address().port))
`

const startServer = () =>
  new Promise<{ readonly url: string; readonly worker: ChildProcess }>((resolve, reject) => {
    const worker = spawn(process.execPath, ["-e", serverCode], {
      env: { ...process.env, CHECK_ANSWER: checkAnswer, ADD_ANSWER: addAnswer },
      stdio: ["ignore", "pipe", "inherit"]
    })
    worker.stdout?.once("data", (port: Buffer) => resolve({ url: `http://127.0.0.1:${String(port).trim()}`, worker }))
    worker.once("error", reject)
  })

type Side = (count: number, concurrency: number) => Promise<void>

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Runs the benchmark and prints its table. */
export const run = async (perSlice: number, slices: number, concurrency: number): Promise<void> => {
  const { url, worker } = await startServer()
  try {
    const secretKey = Redacted.make("bench-secret-key")
    // The sig TimClient sends (same key, identifier and default validity), signed once: the floor does not sign.
    const sig = await Effect.runPromise(
      UserSig.sign({ sdkAppId: SDK_APP_ID, secretKey, identifier: "administrator", expireSeconds: 86400 })
    )
    const query = `?sdkappid=${SDK_APP_ID}&identifier=administrator&usersig=${encodeURIComponent(sig)}&random=2147483648&contenttype=json`

    const runtime = ManagedRuntime.make(
      Friends.layer().pipe(
        Layer.provideMerge(
          TimClient.layer({
            sdkAppId: SDK_APP_ID,
            secretKey,
            endpoint: url,
            rateLimit: Number.POSITIVE_INFINITY
          })
        ),
        Layer.provideMerge(NodeHttpClient.layerUndici),
        Layer.orDie
      )
    )
    const { client, friends, http } = await runtime.runPromise(
      Effect.all({ client: TimClient.TimClient, friends: Friends.Friends, http: HttpClient.HttpClient })
    )

    // Each side checks what it got, so that a broken side cannot pass for a fast one.
    const expectItems = (n: number) => {
      if (n !== TARGETS) throw new Error(`expected ${TARGETS} items, got ${n}`)
    }
    const effectSide =
      (one: Effect.Effect<number, unknown, never>): Side =>
      (count, parallel) =>
        runtime.runPromise(
          Effect.forEach(Array.from({ length: count }), () => Effect.map(one, expectItems), {
            concurrency: parallel,
            discard: true
          })
        )
    const undiciSide =
      (command: string, wire: unknown, items: (answer: any) => ReadonlyArray<unknown>): Side =>
      async (count, parallel) => {
        let next = 0
        const loop = async () => {
          while (next < count) {
            next++
            const { body } = await undiciRequest(`${url}/v4/sns/${command}${query}`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(wire)
            })
            expectItems(items(JSON.parse(await body.text())).length)
          }
        }
        await Promise.all(Array.from({ length: parallel }, loop))
      }

    // Branded UserIds: these are valid, and TimClient.call validates them again.
    const checkRequest = {
      fromAccount: "owner",
      toAccounts: targets,
      checkType: "CheckResult_Type_Both"
    } as unknown as FriendCheck.Request
    const addRequest = {
      fromAccount: "owner",
      items: targets.map((toAccount) => ({ toAccount, addSource: "AddSource_Type_Bench" })),
      addType: "Add_Type_Both"
    } as unknown as FriendAdd.Request
    const checkWire = { From_Account: "owner", To_Account: targets, CheckType: "CheckResult_Type_Both" }
    const addWire = {
      From_Account: "owner",
      AddFriendItem: targets.map((a) => ({ To_Account: a, AddSource: "AddSource_Type_Bench" })),
      AddType: "Add_Type_Both"
    }

    const platformSide = (command: string, wire: unknown, items: (answer: any) => ReadonlyArray<unknown>) =>
      effectSide(
        Effect.orDie(
          Effect.flatMap(
            http.execute(
              HttpClientRequest.post(`${url}/v4/sns/${command}${query}`, {
                body: HttpBody.raw(JSON.stringify(wire), { contentType: "application/json" })
              })
            ),
            (response) => Effect.map(response.text, (text) => items(JSON.parse(text)).length)
          )
        )
      )

    const CHECK_FLOOR = "floor: undici + JSON.parse (check)"
    const ADD_FLOOR = "floor: undici + JSON.parse (add)"
    const sides: ReadonlyArray<{ readonly name: string; readonly floor: string; readonly side: Side }> = [
      {
        name: "Friends.check",
        floor: CHECK_FLOOR,
        side: effectSide(Effect.map(friends.check("owner", targets), (r) => r.items.length))
      },
      {
        name: "Friends.add",
        floor: ADD_FLOOR,
        side: effectSide(
          Effect.map(friends.add("owner", targets, { addSource: "AddSource_Type_Bench" }), (r) => r.items.length)
        )
      },
      {
        name: "TimClient.call friend_check",
        floor: CHECK_FLOOR,
        side: effectSide(Effect.map(client.call(FriendCheck.api, checkRequest), (r) => r.infoItems.length))
      },
      {
        name: "TimClient.call friend_add",
        floor: ADD_FLOOR,
        side: effectSide(Effect.map(client.call(FriendAdd.api, addRequest), (r) => r.resultItems.length))
      },
      { name: CHECK_FLOOR, floor: CHECK_FLOOR, side: undiciSide("friend_check", checkWire, (a) => a.InfoItem) },
      { name: ADD_FLOOR, floor: ADD_FLOOR, side: undiciSide("friend_add", addWire, (a) => a.ResultItem) },
      {
        name: "platform HttpClient + JSON.parse (check)",
        floor: CHECK_FLOOR,
        side: platformSide("friend_check", checkWire, (a) => a.InfoItem)
      }
    ]

    // Warm-up (JIT, connections), not measured.
    for (const { side } of sides) await side(Math.max(20, perSlice), concurrency)

    const cpuPerCall = new Map<string, Array<number>>(sides.map(({ name }) => [name, []]))
    for (let slice = 0; slice < slices; slice++) {
      for (const { name, side } of slice % 2 === 0 ? sides : [...sides].reverse()) {
        const before = process.cpuUsage()
        await side(perSlice, concurrency)
        const used = process.cpuUsage(before)
        cpuPerCall.get(name)!.push((used.user + used.system) / 1000 / perSlice)
      }
    }

    console.log(
      `bulk CPU: ${TARGETS} targets per call, ${perSlice} calls per side × ${slices} alternating slices, ` +
        `concurrency ${concurrency}; server in a child process`
    )
    console.log(
      "side                                  CPU ms/call (median)  × floor (median of slices)  cores at 200 calls/s"
    )
    for (const { name, floor } of sides) {
      const own = cpuPerCall.get(name)!
      const base = cpuPerCall.get(floor)!
      const ms = median(own)
      console.log(
        [
          name.padEnd(38),
          ms.toFixed(3).padStart(20),
          median(own.map((v, i) => v / base[i]!))
            .toFixed(2)
            .padStart(28),
          ((ms * CALLS_PER_SECOND) / 1000).toFixed(2).padStart(22)
        ].join("")
      )
    }
    await runtime.dispose()
  } finally {
    worker.kill()
  }
}
