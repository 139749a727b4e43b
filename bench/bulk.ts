/**
 * Friends bulk benchmark: check 200 000 pairs at the 200 calls/s limit, and 10 000 adds under 10% item faults,
 * against an emulator in a child process (see packages/friends/bench/bulk.ts).
 *
 * Run: pnpm exec tsx --conditions=@effect-tim/source bench/bulk.ts [rounds = 3] [accounts = 200] [targets per call = 1000]
 */
import { main } from "../packages/friends/bench/bulk.js"

main(Number(process.argv[2] ?? 3), Number(process.argv[3] ?? 200), Number(process.argv[4] ?? 1000)).catch((error) => {
  console.error(error)
  process.exit(1)
})
