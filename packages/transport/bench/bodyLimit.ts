/**
 * Memory of hostile answers: one TimClient.call against the hostile test server answering 200 MB (with its
 * Content-Length: refused before reading) and an endless chunked body (read up to the limit, then aborted); peak RSS
 * and heap growth over the process's baseline, sampled every 5 ms, for the default 16 MiB limit.
 *
 * Run: pnpm exec tsx --conditions=@effect-tim/source packages/transport/bench/bodyLimit.ts
 * (The server runs in the same process; it streams 64 KiB chunks with backpressure, so it holds little.)
 */
import { NodeHttpClient } from "@effect/platform-node"
import { FriendCheck } from "@effect-tim/schema"
import { TimClient } from "@effect-tim/transport"
import { Effect, Layer, Redacted } from "effect"
import { type Mode, startHostileServerAsync } from "../test/fixtures/hostileServer.js"

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

const measure = async (name: string, mode: Mode) => {
  const server = await startHostileServerAsync(mode)
  const layer = TimClient.layer({
    sdkAppId: 1400000000,
    secretKey: Redacted.make("effect-tim-bench-secret-0123456789"),
    endpoint: server.url,
    retry: false,
    timeout: "60 seconds"
  }).pipe(Layer.provide(NodeHttpClient.layerUndici))
  global.gc?.()
  const base = process.memoryUsage()
  let peakRss = base.rss
  let peakHeap = base.heapUsed
  const timer = setInterval(() => {
    const m = process.memoryUsage()
    peakRss = Math.max(peakRss, m.rss)
    peakHeap = Math.max(peakHeap, m.heapUsed)
  }, 5)
  const started = performance.now()
  const result = await Effect.runPromise(
    Effect.flatMap(TimClient.TimClient, (c) =>
      c.call(FriendCheck.api, {
        fromAccount: "alice",
        toAccounts: ["bob"],
        checkType: "CheckResult_Type_Both"
      } as unknown as FriendCheck.Request)
    ).pipe(Effect.provide(layer), Effect.either)
  )
  const elapsed = performance.now() - started
  clearInterval(timer)
  const outcome =
    result._tag === "Left" ? `${(result.left as { reason?: string }).reason ?? result.left._tag}` : "value"
  console.log(
    `${name.padEnd(34)} ${outcome.padEnd(13)} ${elapsed.toFixed(0).padStart(6)} ms   server wrote ${mb(server.received[0]?.bytesWritten ?? 0).padStart(9)}   peak RSS +${mb(peakRss - base.rss).padStart(8)}   peak heap +${mb(peakHeap - base.heapUsed).padStart(8)}`
  )
  await server.close()
}

const main = async () => {
  console.log(`maxBodyBytes ${mb(TimClient.defaultMaxBodyBytes)} (default); node ${process.version}`)
  await measure("200 MB with Content-Length", "huge")
  await measure("endless chunked body", "endless")
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
