/**
 * Transport benchmark: TimClient vs a bare @effect/platform HttpClient vs raw undici, same requests, same local
 * server, same run (see packages/transport/bench/transport.ts).
 *
 * Run: pnpm bench:transport [requests = 20000] [rounds = 1]   (builds, then runs against the packages' dist/)
 */
import { run } from "../packages/transport/bench/transport.js"

run(Number(process.argv[2] ?? 20_000), Number(process.argv[3] ?? 1)).catch((error) => {
  console.error(error)
  process.exit(1)
})
