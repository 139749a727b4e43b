/**
 * Bulk CPU benchmark: client CPU per call of Friends.check / Friends.add with 1 000 targets, of TimClient.call
 * with the same requests, and of raw undici.request + JSON.parse (the floor), against a canned answer from a server
 * in another process (see packages/friends/bench/bulkCpu.ts).
 *
 * Run: pnpm bench:bulk-cpu [calls per side and slice = 40] [slices = 24] [concurrency = 1]
 *      (builds, then measures the packages' dist/), or while developing, on the sources:
 *      pnpm exec tsx --conditions=@effect-tim/source bench/bulk-cpu.ts 10 6
 */
import { run } from "../packages/friends/bench/bulkCpu.js"

run(Number(process.argv[2] ?? 40), Number(process.argv[3] ?? 24), Number(process.argv[4] ?? 1)).catch((error) => {
  console.error(error)
  process.exit(1)
})
