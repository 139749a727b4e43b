import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeHttpServerRequest } from "@effect/platform-node"
import { Effect, Layer, Context } from "effect"
import { createServer } from "node:http"
import { Worker } from "node:worker_threads"
import { readFileSync } from "node:fs"
import { UserSig } from "@effect-tim/usersig"
import { Emulator } from "../src/index.js"
import * as Auth from "../src/internal/auth.js"
import * as friends from "../src/internal/friends.js"
import * as Faults from "../src/internal/faults.js"
import { noFaults } from "../src/internal/model.js"
import { empty, makeAccount } from "../src/internal/state.js"
const gen = readFileSync(new URL("../../../bench/emulator.ts", import.meta.url), "utf8").split("const loadGenerator = `")[1]!.split("`\n")[0]!
const measure = (url: string, body: string, seconds: number) => new Promise<number>((resolve) => {
  const w = new Worker(gen, { eval: true, workerData: { url, body, concurrency: 32, durationMs: seconds * 1000, warmupMs: 300 } })
  w.once("message", (r) => { void w.terminate(); resolve(r.rps) })
})
const ids = Array.from({ length: 101 }, (_, i) => `bench_user_${i}`)
const body = JSON.stringify({ From_Account: ids[0], To_Account: ids.slice(1), CheckType: "CheckResult_Type_Both" })
const state = empty()
for (const id of ids) state.accounts.set(id, makeAccount(id, "AllowType_Type_AllowAny"))
const ctx = { state, config: { limits: { friends: 3000, blocked: 1000, lists: 32, pending: 100 }, customTags: new Set<string>(), defaultAllowType: "AllowType_Type_AllowAny" as const, friendGetPageSize: 100 }, now: 0, faults: Faults.make(noFaults) }
const route = friends.routes.find((r) => r.api.command === "friend_check")!
const auth = Auth.make({ sdkAppId: Emulator.testDefaults.sdkAppId, secretKey: Emulator.testDefaults.secretKey, admins: new Set(["administrator"]) })
const okMembers = `"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""`
const sample = `{${(route.handle(JSON.parse(body), ctx) as any).members},${okMembers}}`
const raw = (s: string) => HttpServerResponse.raw(s, { contentType: "application/json", contentLength: Buffer.byteLength(s) })
const syncRead = (src: any): Buffer | undefined => {
  if (!src.complete) return undefined
  const chunks: Buffer[] = []
  for (let c = src.read(); c !== null; c = src.read()) chunks.push(c)
  return Buffer.concat(chunks)
}
const hits = { first: 0, second: 0, async: 0 }
const asyncRead = (src: any) => Effect.async<Buffer>((resume) => { const chunks: Buffer[] = []; src.on("data", (c: Buffer) => chunks.push(c)); src.on("end", () => resume(Effect.succeed(Buffer.concat(chunks)))) })
const read = (r: any) => Effect.gen(function* () { const src = NodeHttpServerRequest.toIncomingMessage(r); let b = syncRead(src); if (b !== undefined) { hits.first++; return b } yield* Effect.yieldNow(); b = syncRead(src); if (b !== undefined) { hits.second++; return b } hits.async++; return yield* asyncRead(src) })
const preReading = () => {
  const server = createServer()
  const emit = server.emit
  server.emit = function (this: any, event: string, ...args: any[]) {
    if (event !== "request") return emit.call(this, event, ...args)
    const [req] = args
    const chunks: Buffer[] = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => { req.body = Buffer.concat(chunks); emit.call(this, event, ...args) })
    return true
  } as any
  return server
}
const serve = (router: any, make: () => any = () => createServer()) => Effect.gen(function* () {
  const server = yield* NodeHttpServer.make(make, { host: "127.0.0.1", port: 0 })
  yield* HttpServer.serveEffect(router).pipe(Effect.provideService(HttpServer.HttpServer, server))
  return server.address._tag === "TcpAddress" ? `http://127.0.0.1:${server.address.port}` : ""
})
const v = (e: any) => HttpRouter.empty.pipe(HttpRouter.all("*", e))
const variants: Record<string, any> = {
  fixedRaw: v(Effect.sync(() => raw(sample))),
  _read: v(Effect.gen(function* () { const r = yield* HttpServerRequest.HttpServerRequest; const b = yield* read(r); JSON.parse(new TextDecoder().decode(b)); return raw(sample) })),
  _readAuth: v(Effect.gen(function* () { const r = yield* HttpServerRequest.HttpServerRequest; const u = r.url; const p = new URLSearchParams(u.slice(u.indexOf("?") + 1)); const rej = yield* auth.check(p, Math.floor(Date.now() / 1000)); if (rej) throw new Error(rej.info); const b = yield* read(r); JSON.parse(new TextDecoder().decode(b)); return raw(sample) })),
  readAuthHandle: v(Effect.gen(function* () { const r = yield* HttpServerRequest.HttpServerRequest; const u = r.url; const p = new URLSearchParams(u.slice(u.indexOf("?") + 1)); const rej = yield* auth.check(p, Math.floor(Date.now() / 1000)); if (rej) throw new Error(rej.info); const b = yield* read(r); const j = JSON.parse(new TextDecoder().decode(b)); const res: any = route.handle(j, ctx); return raw(`{${res.members},${okMembers}}`) }))
}
Effect.runPromise(Effect.scoped(Effect.gen(function* () {
  const emu = yield* Emulator.make({ ...Emulator.testDefaults, rateLimit: 0 })
  const sig = yield* UserSig.sign({ sdkAppId: Emulator.testDefaults.sdkAppId, secretKey: Emulator.testDefaults.secretKey, identifier: "administrator", expireSeconds: 86400 })
  const q = `?sdkappid=1400000000&identifier=administrator&usersig=${sig}&random=1&contenttype=json`
  yield* Effect.promise(() => fetch(`${emu.baseUrl}/v4/im_open_login_svc/multiaccount_import${q}`, { method: "POST", body: JSON.stringify({ Accounts: ids.slice(0, 100) }) }))
  yield* Effect.promise(() => fetch(`${emu.baseUrl}/v4/im_open_login_svc/multiaccount_import${q}`, { method: "POST", body: JSON.stringify({ Accounts: ids.slice(100) }) }))
  const urls: Record<string, string> = {}
  for (const [k, vv] of Object.entries(variants).filter(([k]) => !k.startsWith("_"))) urls[k] = (yield* serve(vv)) + "/v4/sns/friend_check" + q
  urls.preRead = (yield* serve(v(Effect.gen(function* () { const r = yield* HttpServerRequest.HttpServerRequest; const u = r.url; const p = new URLSearchParams(u.slice(u.indexOf("?") + 1)); const rej = yield* auth.check(p, Math.floor(Date.now() / 1000)); if (rej) throw new Error(rej.info); const b = (NodeHttpServerRequest.toIncomingMessage(r) as any).body; const j = JSON.parse(new TextDecoder().decode(b)); const res: any = route.handle(j, ctx); return raw(`{${res.members},${okMembers}}`) })), preReading)) + "/v4/sns/friend_check" + q
  urls.emulator = `${emu.baseUrl}/v4/sns/friend_check${q}`
  const res: Record<string, number[]> = {}
  for (let r = 0; r < 3; r++) for (const k of Object.keys(urls)) { (res[k] ??= []).push(yield* Effect.promise(() => measure(urls[k]!, body, 1.5))) }
  console.log(hits)
  for (const [k, vv] of Object.entries(res)) console.log(k.padEnd(20), vv.map((x) => x.toFixed(0)).join(" "))
}))).then(() => process.exit(0))
