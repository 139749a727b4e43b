/**
 * Shared-budget benchmark: 1, 2 and 4 processes sharing one app's rate limit through Redis (aggregate rate as a
 * share of the limit, 60007 answers, Redis round trips per call), the Redis limiter's cost per call against the
 * memory limiter, and @effect/experimental's RateLimiter bursts against the GCRA (see packages/redis/bench).
 *
 * Run: pnpm exec tsx --conditions=@effect-tim/source bench/shared-budget.ts [limit = 60] [seconds = 10]
 */
import { main } from "../packages/redis/bench/sharedBudget.js"

main(Number(process.argv[2] ?? 60), Number(process.argv[3] ?? 10)).then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
