/**
 * UserSig benchmark: our signer against the official `tls-sig-api-v2` in the same process, same inputs,
 * alternating rounds; then where the time of one sign goes, verify throughput and the cached signer's cost.
 *
 * Run: pnpm bench:usersig   (builds, then = tsx bench/usersig.ts: it measures the built dist/, which users run)
 * Arguments: [rounds = 5] [ops per side per round = 20000], e.g. `pnpm bench:usersig 5 40000`.
 */
import { createHmac } from "node:crypto"
import { createRequire } from "node:module"
import { deflateSync } from "node:zlib"
import { Clock, Effect, Redacted } from "effect"
import type { Api as OfficialApi } from "tls-sig-api-v2"
import { UserSig, UserSigner } from "../packages/usersig/dist/index.js"
import * as codec from "../packages/usersig/dist/internal/codec.js"

// The official signer is a devDependency of @effect-tim/usersig, resolved from there.
const { Api } = createRequire(new URL("../packages/usersig/package.json", import.meta.url))("tls-sig-api-v2") as {
  Api: typeof OfficialApi
}

const ROUNDS = Number(process.argv[2] ?? 5)
const OPS = Number(process.argv[3] ?? 20_000)

const sdkAppId = 1400000000
const key = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
const secretKey = Redacted.make(key)
const expireSeconds = 86_400
const identifiers = Array.from({ length: 64 }, (_, i) => (i % 2 === 0 ? `administrator${i}` : `user_${i}-x`))
const official = new Api(sdkAppId, key)

const now = () => process.hrtime.bigint()
const fmt = (n: number) => Math.round(n).toLocaleString("en-US")

/** Run `f` `ops` times and return ns per op. */
const time = (ops: number, f: (i: number) => unknown): number => {
  const start = now()
  for (let i = 0; i < ops; i++) f(i)
  return Number(now() - start) / ops
}

/** Same inputs in the same second must give the same bytes (Date.now pinned for the check). */
const checkIdentical = () => {
  const realNow = Date.now
  const pinned = realNow()
  try {
    Date.now = () => pinned
    for (const identifier of identifiers) {
      const ours = Effect.runSync(UserSig.sign({ sdkAppId, secretKey, identifier, expireSeconds }))
      if (ours !== official.genUserSig(identifier, expireSeconds)) throw new Error(`not byte-identical: ${identifier}`)
    }
  } finally {
    Date.now = realNow
  }
}

const oursInOneFiber = (ops: number) =>
  Effect.gen(function* () {
    for (let i = 0; i < ops; i++) {
      yield* UserSig.sign({ sdkAppId, secretKey, identifier: identifiers[i & 63]!, expireSeconds })
    }
  })

const signOurs = (i: number) =>
  Effect.runSync(UserSig.sign({ sdkAppId, secretKey, identifier: identifiers[i & 63]!, expireSeconds }))

const mean = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0) / xs.length
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/**
 * Each round runs OPS operations per side, interleaved in slices of SLICE so that load from other processes hits
 * all sides alike. Reported: ops/s over all slices (mean) and of the median slice, the ratio of the means, and the
 * median of the per-slice ratios (official slice time / ours, the neighbouring slice), which shrugs off bursts of
 * outside load.
 */
const signBench = () => {
  const SLICE = 200
  const sides = {
    official: (ops: number) => {
      for (let i = 0; i < ops; i++) official.genUserSig(identifiers[i & 63]!, expireSeconds)
    },
    fiber: (ops: number) => Effect.runSync(oursInOneFiber(ops)),
    runSync: (ops: number) => {
      for (let i = 0; i < ops; i++) signOurs(i)
    }
  }
  type Side = keyof typeof sides
  const names = Object.keys(sides) as Array<Side>
  for (const side of names) sides[side](5_000) // warm-up
  // ns per op of each slice, per side
  const slices: Record<Side, Array<number>> = { official: [], fiber: [], runSync: [] }
  for (let round = 0; round < ROUNDS; round++) {
    for (let done = 0; done < OPS; done += SLICE) {
      for (const side of names) {
        const start = now()
        sides[side](SLICE)
        slices[side].push(Number(now() - start) / SLICE)
      }
    }
  }
  const line = (name: string, side: Side) => {
    const figures = `${fmt(1e9 / mean(slices[side])).padStart(8)} ops/s (median slice ${fmt(1e9 / median(slices[side]))})`
    if (side === "official") return `  ${name.padEnd(34)} ${figures}`
    const pairRatio = median(slices.official.map((o, i) => o / slices[side][i]!))
    const meanRatio = mean(slices.official) / mean(slices[side])
    return `  ${name.padEnd(34)} ${figures}  ratio ${pairRatio.toFixed(2)}x (median of slices), ${meanRatio.toFixed(2)}x (means)`
  }
  console.log(`sign: ${ROUNDS} rounds x ${fmt(OPS)} ops per side, interleaved in slices of ${fmt(SLICE)}`)
  console.log(line("tls-sig-api-v2 genUserSig", "official"))
  console.log(line("UserSig.sign, in one fiber", "fiber"))
  console.log(line("UserSig.sign, Effect.runSync each", "runSync"))
  const perRound = Array.from({ length: ROUNDS }, (_, round) => {
    const part = (side: Side) => mean(slices[side].slice((round * OPS) / SLICE, ((round + 1) * OPS) / SLICE))
    return (part("official") / part("fiber")).toFixed(2)
  })
  console.log(`  per-round ratio of means (official / in one fiber): ${perRound.join("  ")}`)
}

/** Where the time of one sign goes (µs per step, same document). */
const breakdown = () => {
  const fields = {
    identifier: "administrator",
    sdkAppId,
    time: 1_700_000_000,
    expire: expireSeconds,
    userBuf: undefined
  }
  const sig = codec.hmac(secretKey, fields).toString("base64")
  const json = codec.document(fields, sig)
  const input = Buffer.from(json, "latin1")
  const compressed = codec.deflate(input).toString("base64")
  const n = 50_000
  const steps: Array<[string, (i: number) => unknown]> = [
    [
      "hmac-sha256 (createHmac per call)",
      () => createHmac("sha256", key).update(codec.content(fields)).digest("base64")
    ],
    [
      "JSON.stringify of the document",
      () =>
        JSON.stringify({
          "TLS.ver": "2.0",
          "TLS.identifier": "administrator",
          "TLS.sdkappid": sdkAppId,
          "TLS.time": 1_700_000_000,
          "TLS.expire": expireSeconds,
          "TLS.sig": sig
        })
    ],
    ["template string of the document", () => codec.document(fields, sig)],
    ["Buffer.from(json) utf8", () => Buffer.from(json)],
    ["Buffer.from(json, latin1)", () => Buffer.from(json, "latin1")],
    ["zlib.deflateSync, default options", () => deflateSync(input)],
    ["zlib.deflateSync, windowBits 10", () => deflateSync(input, { windowBits: 10 })],
    ["zlib.deflateSync, default, chunkSize 1 KiB", () => deflateSync(input, { chunkSize: 1024 })],
    ["zlib.deflateSync, windowBits 10 + 1 KiB (ours)", () => codec.deflate(input)],
    ["base64 escape, 3 regex replaces", () => compressed.replace(/\+/g, "*").replace(/\//g, "-").replace(/=/g, "_")],
    ["base64 escape, 3 replaceAll (ours)", () => codec.escape(compressed)]
  ]
  console.log(`\nwhere the time goes (one ${input.length}-byte document, ${fmt(n)} ops each)`)
  for (const [name, f] of steps) {
    time(5_000, f)
    console.log(`  ${name.padEnd(42)} ${(time(n, f) / 1000).toFixed(2)} µs/op`)
  }
}

const verifyBench = () => {
  const sigs = identifiers.map((identifier) =>
    Effect.runSync(UserSig.sign({ sdkAppId, secretKey, identifier, expireSeconds }))
  )
  const program = (ops: number) =>
    Effect.gen(function* () {
      for (let i = 0; i < ops; i++) {
        yield* UserSig.verify({ sdkAppId, secretKey, identifier: identifiers[i & 63]!, userSig: sigs[i & 63]! })
      }
    })
  Effect.runSync(program(5_000))
  const start = now()
  Effect.runSync(program(OPS))
  const ns = Number(now() - start) / OPS
  console.log(
    `\nverify, in one fiber                  ${fmt(1e9 / ns).padStart(9)} ops/s  ${(ns / 1000).toFixed(2)} µs/op`
  )
}

const cachedBench = () => {
  const signer = Effect.runSync(UserSigner.make({ sdkAppId, secretKey }))
  const n = 1_000_000
  const loop = (ops: number) =>
    Effect.gen(function* () {
      for (let i = 0; i < ops; i++) yield* signer.sign()
    })
  Effect.runSync(loop(100_000))
  const start = now()
  Effect.runSync(loop(n))
  const inFiber = Number(now() - start) / n
  const clockOnly = (ops: number) =>
    Effect.gen(function* () {
      for (let i = 0; i < ops; i++) yield* Clock.currentTimeMillis
    })
  Effect.runSync(clockOnly(100_000))
  const clockStart = now()
  Effect.runSync(clockOnly(n))
  const clockNs = Number(now() - clockStart) / n
  const perRun = time(200_000, () => Effect.runSync(signer.sign()))
  const baseline = time(200_000, () => Effect.runSync(Effect.void))
  console.log(
    `\ncached UserSigner.sign(), in one fiber ${inFiber.toFixed(0).padStart(6)} ns/op (yield* Clock.currentTimeMillis alone: ${clockNs.toFixed(0)} ns)`
  )
  console.log(
    `cached UserSigner.sign(), runSync each  ${perRun.toFixed(0).padStart(6)} ns/op (Effect.runSync(Effect.void) alone: ${baseline.toFixed(0)} ns)`
  )
}

checkIdentical()
console.log(`node ${process.version}; byte-identical to tls-sig-api-v2 on ${identifiers.length} identifiers\n`)
signBench()
breakdown()
verifyBench()
cachedBench()
