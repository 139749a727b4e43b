/**
 * What only some commands need, imported when they run. In the bundled bin these are separate chunks, so
 * `tim --version`, `tim --help` and `tim usersig …` never load them (see scripts/build-bin.mjs).
 */
import { Effect } from "effect"

/** `@effect-tim/emulator`: `tim emulator`, `tim demo`, and the embedded emulator when no connection is set. */
export const emulator = Effect.promise(() => import("@effect-tim/emulator"))

/** Node's HTTP client (undici), for the commands that call the API. */
export const nodeHttpClient = Effect.promise(() => import("@effect/platform-node/NodeHttpClient"))

/** `@effect-tim/redis` (and ioredis): only when `--redis` or TIM_REDIS_URL shares the rate limit. */
export const redis = Effect.promise(() => import("@effect-tim/redis"))
