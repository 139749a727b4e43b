/**
 * A local Tencent Cloud Chat REST server: the account, profile and relationship-chain (`v4/sns/*`) APIs on a real
 * HTTP server (`@effect/platform` + Node), with Tencent's authentication, limits, error codes and fault injection.
 *
 * @since 0.1.0
 */

import { HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Enums, Fields, Limits } from "@effect-tim/schema"
import {
  Console,
  Context,
  Duration,
  Effect,
  Either,
  ExecutionStrategy,
  Exit,
  Layer,
  Option,
  Redacted,
  Schema,
  Scope
} from "effect"
import { EmulatorError } from "./EmulatorError.js"
import * as Auth from "./internal/auth.js"
import * as CallbackSender from "./internal/callbacks.js"
import * as FaultState from "./internal/faults.js"
import type { Config } from "./internal/handler.js"
import * as model from "./internal/model.js"
import * as Persistence from "./internal/persistence.js"
import * as RateLimit from "./internal/rateLimit.js"
import * as Routes from "./internal/routes.js"
import * as Server from "./internal/server.js"
import { toSnapshot } from "./internal/snapshot.js"
import { empty, type SeedAccount, seedAccounts } from "./internal/state.js"
import * as StatsCounters from "./internal/stats.js"

/**
 * Fault injection settings: `itemError` (share of batch items answered 30006/30007, their effect not applied),
 * `requestError` (share of requests answered 30006/30007 at the top level, nothing applied), `http502` (share
 * answered HTTP 502 with an HTML body), `drop` (share whose connection is destroyed without an answer),
 * `latencyMs` (added to every API request) and `seed` (of the PRNG that picks which requests and items fail).
 *
 * @since 0.1.0
 */
export const Faults = model.Faults

/**
 * Fault injection settings.
 *
 * @since 0.1.0
 */
export interface Faults extends model.Faults {}

/**
 * No faults (every share 0, no latency): the emulator is deterministic.
 *
 * @since 0.1.0
 */
export const noFaults: Faults = model.noFaults

/**
 * The whole state as JSON (`GET /_emulator/state`): accounts, directed friendships (a two-way friendship is two
 * entries), blocklists, friend lists and pending friend requests.
 *
 * @since 0.1.0
 */
export const StateSnapshot = model.StateSnapshot

/**
 * The whole state as JSON.
 *
 * @since 0.1.0
 */
export interface StateSnapshot extends model.StateSnapshot {}

/**
 * What the emulator answered since it started or since the last `resetStats` (`GET /_emulator/stats`):
 * `{ since, calls, answers, apis }`. `calls` counts requests to `/v4/...` paths; `answers` counts answers by key:
 * the envelope's ErrorCode as a string (`"0"` for success, `"60007"` for the frequency limit), `"http502"` for
 * the injected 502 and `"none"` for a dropped connection. `apis` has the same two counts per API command path
 * (`"v4/sns/friend_check"`), and `"unknown"` for paths that are no API.
 *
 * @since 0.1.0
 */
export const Stats = StatsCounters.Stats

/**
 * The emulator's answer counts.
 *
 * @since 0.1.0
 */
export interface Stats extends Schema.Schema.Type<typeof StatsCounters.Stats> {}

/**
 * How to run an emulator. Only `sdkAppId`, `secretKey` and `admins` are required.
 *
 * @since 0.1.0
 */
export interface Options {
  /** The interface to listen on (default `127.0.0.1`). */
  readonly host?: string | undefined
  /** The port (default 0: any free port; read the `baseUrl`). */
  readonly port?: number | undefined
  /** The SDKAppID requests must carry and UserSigs must be signed for. */
  readonly sdkAppId: number
  /** The app's secret key, which verifies UserSigs. */
  readonly secretKey: Redacted.Redacted<string>
  /** The app admin identifiers allowed to call the API (others get 60010). */
  readonly admins: ReadonlyArray<string>
  /** Calls per second per API command (sliding one-second window), default 200; 0 = unlimited. Over it: 60007. */
  readonly rateLimit?: number | undefined
  /** Fault injection at start (default none); change it later with `setFaults` or `POST /_emulator/faults`. */
  readonly faults?: Partial<Faults> | undefined
  /**
   * A JSON file to load the state from at start and save every write to before answering it (default: memory
   * only). A symlink is written through; a lock file `<target>.lock` keeps a second emulator off the file.
   */
  readonly stateFile?: string | undefined
  /**
   * How long to wait for the state file's lock when another emulator holds it (default 0: fail at once with
   * `StateFileLocked`). The CLI's embedded emulator waits, so that parallel `tim` runs take turns.
   */
  readonly stateFileLockWait?: Duration.DurationInput | undefined
  /**
   * Serve the admin routes `/_emulator/*` (default true). They answer only requests addressed to this server
   * (`Host` is its address or `localhost`) with no foreign `Origin`, and POSTs only with a JSON content type.
   */
  readonly admin?: boolean | undefined
  /** The configured custom friend fields (`Tag_SNS_Custom_*`); other custom tags answer 30001 `Invalid field`. */
  readonly customFriendTags?: ReadonlyArray<string> | undefined
  /**
   * The configured custom profile fields (`Tag_Profile_Custom_*`, string values of at most 500 bytes); portrait_set
   * and portrait_get answer others 40009.
   */
  readonly customProfileTags?: ReadonlyArray<string> | undefined
  /** The AllowType of newly imported accounts (default `AllowType_Type_NeedConfirm`). */
  readonly defaultAllowType?: Enums.AllowType | undefined
  /** Per-account limits (defaults 3000 friends, 1000 blocked, 32 lists, 100 pending requests). */
  readonly limits?: Partial<{ friends: number; blocked: number; lists: number; pending: number }> | undefined
  /** Friends per friend_get page (default 100). */
  readonly friendGetPageSize?: number | undefined
  /**
   * The app's callback URL: after each REST write the emulator POSTs the after-callbacks Tencent documents
   * (Sns.CallbackFriendAdd, FriendDelete, BlackListAdd, BlackListDelete), and `POST /_emulator/client/friend_add`
   * asks Sns.CallbackPrevFriendAdd first. Sent after the answer, retried 3 times; counted in `GET /_emulator/stats`.
   */
  readonly callbackUrl?: string | undefined
  /** The callback token: callbacks then carry `RequestTime` and `Sign` (hex SHA-256 of token + RequestTime). */
  readonly callbackToken?: Redacted.Redacted<string> | undefined
}

/**
 * The built-in default app: what `layerTest` and `TestKit` emulate unless told otherwise, and the one source of
 * the default SDKAppID, admin and secret key of the `tim` CLI's embedded emulator and of `tim emulator`. The key is
 * public: use it only on loopback.
 *
 * @since 0.1.0
 */
export const testDefaults = {
  sdkAppId: 1400000000,
  secretKey: Redacted.make("effect-tim-test-secret"),
  admins: ["administrator"] as ReadonlyArray<string>
} as const

/**
 * Accounts to create in one step, without API calls: UserIDs, or `{ userId, allowType?, nick? }`. Accounts that
 * exist already keep their relations and get the given AllowType and nick. `allowType` applies to the plain
 * UserIDs (default: the emulator's `defaultAllowType`).
 *
 * @since 0.1.0
 */
export interface Seed {
  readonly accounts: ReadonlyArray<
    | string
    | { readonly userId: string; readonly allowType?: Enums.AllowType | undefined; readonly nick?: string | undefined }
  >
  readonly allowType?: Enums.AllowType | undefined
}

const isAllowType = Schema.is(Enums.AllowType)

/** The seed as accounts to create, or the error that says which entry is wrong. */
const checkSeed = (seed: Seed): ReadonlyArray<SeedAccount> | EmulatorError => {
  const invalid = (message: string) => new EmulatorError({ reason: "InvalidOptions", message: `seed: ${message}` })
  if (seed.allowType !== undefined && !isAllowType(seed.allowType)) {
    return invalid(`allowType ${JSON.stringify(seed.allowType)} is not an AllowType`)
  }
  const out: Array<SeedAccount> = []
  for (const [index, entry] of seed.accounts.entries()) {
    const item = typeof entry === "string" ? { userId: entry, allowType: seed.allowType } : entry
    if (typeof item.userId !== "string" || !Fields.isUserId(item.userId)) {
      return invalid(`accounts[${index}]: ${JSON.stringify(item.userId)} is not a valid UserID`)
    }
    if (item.allowType !== undefined && !isAllowType(item.allowType)) {
      return invalid(`accounts[${index}]: allowType ${JSON.stringify(item.allowType)} is not an AllowType`)
    }
    if (item.nick !== undefined && typeof item.nick !== "string") {
      return invalid(`accounts[${index}]: nick must be a string`)
    }
    out.push({ userId: item.userId, allowType: item.allowType ?? seed.allowType, nick: item.nick })
  }
  return out
}

/**
 * @since 0.1.0
 */
export declare namespace Emulator {
  /**
   * @since 0.1.0
   */
  export interface Service {
    /** Where it listens, e.g. `http://127.0.0.1:53117` (no trailing slash). */
    readonly baseUrl: string
    /** Changes fault injection (a new `seed` restarts the PRNG). */
    readonly setFaults: (faults: Partial<Faults>) => Effect.Effect<void, EmulatorError>
    /** Empties the state (saved before it succeeds, with a state file). */
    readonly reset: Effect.Effect<void, EmulatorError>
    /** The current state. */
    readonly snapshot: Effect.Effect<StateSnapshot>
    /** Saves the state file now (no-op without one). */
    readonly save: Effect.Effect<void, EmulatorError>
    /** What was answered since start or the last `resetStats`, per API and ErrorCode. */
    readonly stats: Effect.Effect<Stats>
    /** Starts counting again. */
    readonly resetStats: Effect.Effect<void>
    /**
     * Creates accounts (and sets their AllowType) directly in the state, saved before it succeeds; fails on an
     * invalid entry, changing nothing.
     */
    readonly seed: (seed: Seed) => Effect.Effect<void, EmulatorError>
  }
}

/**
 * A running emulator.
 *
 * @since 0.1.0
 */
export class Emulator extends Context.Tag("@effect-tim/emulator/Emulator")<Emulator, Emulator.Service>() {}

const invalidOptions = (message: string) => new EmulatorError({ reason: "InvalidOptions", message })

const positiveInt = (n: number) => Number.isSafeInteger(n) && n > 0

const isCustomTag = Schema.is(Fields.CustomTag)
const isCustomProfileTag = Schema.is(Fields.CustomProfileTag)

const checkOptions = (options: Options): EmulatorError | undefined => {
  if (!positiveInt(options.sdkAppId))
    return invalidOptions(`sdkAppId must be a positive integer, got ${options.sdkAppId}`)
  if (!Redacted.isRedacted(options.secretKey) || Redacted.value(options.secretKey).length === 0) {
    return invalidOptions("secretKey must be a non-empty Redacted string")
  }
  if (options.admins.length === 0) return invalidOptions("admins must name at least one admin identifier")
  for (const admin of options.admins) {
    if (!Fields.isUserId(admin)) return invalidOptions(`admin ${JSON.stringify(admin)} is not a valid UserID`)
  }
  if (
    options.port !== undefined &&
    !(Number.isSafeInteger(options.port) && options.port >= 0 && options.port < 65536)
  ) {
    return invalidOptions(`port must be an integer from 0 to 65535, got ${options.port}`)
  }
  if (options.rateLimit !== undefined && !(Number.isSafeInteger(options.rateLimit) && options.rateLimit >= 0)) {
    return invalidOptions(`rateLimit must be a non-negative integer (0 = unlimited), got ${options.rateLimit}`)
  }
  for (const tag of options.customFriendTags ?? []) {
    if (!isCustomTag(tag)) {
      return invalidOptions(
        `custom friend tag ${JSON.stringify(tag)} must be "Tag_SNS_Custom_" and 1 to ${Limits.maxCustomTagKeywordBytes} letters`
      )
    }
  }
  for (const tag of options.customProfileTags ?? []) {
    if (!isCustomProfileTag(tag)) {
      return invalidOptions(
        `custom profile tag ${JSON.stringify(tag)} must be "Tag_Profile_Custom_" and 1 to ${Limits.maxCustomProfileKeywordBytes} letters`
      )
    }
  }
  for (const [name, value] of Object.entries(options.limits ?? {})) {
    if (value !== undefined && !positiveInt(value)) {
      return invalidOptions(`limits.${name} must be a positive integer, got ${value}`)
    }
  }
  if (options.stateFileLockWait !== undefined && Option.isNone(Duration.decodeUnknown(options.stateFileLockWait))) {
    return invalidOptions(`stateFileLockWait must be a duration, got ${JSON.stringify(options.stateFileLockWait)}`)
  }
  if (options.friendGetPageSize !== undefined && !positiveInt(options.friendGetPageSize)) {
    return invalidOptions(`friendGetPageSize must be a positive integer, got ${options.friendGetPageSize}`)
  }
  return undefined
}

const invalidFaults = (message: string) => new EmulatorError({ reason: "InvalidFaults", message })

/**
 * Starts an emulator: validates the options, opens the state file (lock, load), listens, and saves every write
 * before answering it; when the scope closes, stops listening, saves and releases the state file.
 *
 * @since 0.1.0
 */
export const make = (options: Options): Effect.Effect<Emulator.Service, EmulatorError, Scope.Scope> =>
  // In a scope of its own, closed at once when starting fails: a failed start never keeps the state file's lock.
  Effect.flatMap(Effect.scope, (scope) =>
    Effect.flatMap(Scope.fork(scope, ExecutionStrategy.sequential), (child) =>
      start(options).pipe(
        Scope.extend(child),
        Effect.onExit((exit) => (Exit.isFailure(exit) ? Scope.close(child, exit) : Effect.void))
      )
    )
  )

const start = (options: Options): Effect.Effect<Emulator.Service, EmulatorError, Scope.Scope> =>
  Effect.gen(function* () {
    const invalid = checkOptions(options)
    if (invalid !== undefined) return yield* invalid
    const initialFaults = yield* Either.mapLeft(Server.decodeFaults(options.faults ?? {}), invalidFaults)
    // The store is opened before the server starts, so its finalizer (the last save, then the lock's release)
    // runs after the server has closed.
    const store =
      options.stateFile === undefined
        ? undefined
        : yield* Persistence.open(options.stateFile, {
            lockWaitMillis: Duration.toMillis(Duration.decode(options.stateFileLockWait ?? 0))
          })
    const state = store?.state ?? empty()
    const clock = yield* Effect.clock
    const config: Config = {
      limits: {
        friends: options.limits?.friends ?? Limits.maxFriends,
        blocked: options.limits?.blocked ?? Limits.maxBlocked,
        lists: options.limits?.lists ?? Limits.maxFriendLists,
        pending: options.limits?.pending ?? Limits.maxPendingRequests
      },
      customTags: new Set(options.customFriendTags ?? []),
      customProfileTags: new Set(options.customProfileTags ?? []),
      defaultAllowType: options.defaultAllowType ?? "AllowType_Type_NeedConfirm",
      friendGetPageSize: options.friendGetPageSize ?? 100
    }
    const callbacks =
      options.callbackUrl === undefined
        ? undefined
        : yield* CallbackSender.make({
            url: options.callbackUrl,
            token: options.callbackToken,
            sdkAppId: options.sdkAppId,
            admin: options.admins[0] ?? ""
          })
    const rt: Server.Runtime = {
      state,
      config,
      faults: FaultState.make({ ...model.noFaults, ...initialFaults }),
      auth: Auth.make({
        sdkAppId: options.sdkAppId,
        secretKey: options.secretKey,
        admins: new Set(options.admins)
      }),
      routes: new Map(
        Routes.all.map((route) => [
          `/${route.api.path}`,
          { route, window: RateLimit.make(options.rateLimit ?? Limits.defaultCallsPerSecond) }
        ])
      ),
      nowMillis: () => clock.unsafeCurrentTimeMillis(),
      stats: StatsCounters.make(clock.unsafeCurrentTimeMillis()),
      commit: store?.commit,
      admin: { enabled: options.admin ?? true, hosts: new Set() },
      callbacks
    }

    /** Saves (with a state file) and turns a failed save into the error of `reset`, `save` and `seed`. */
    const commit = (force: boolean): Effect.Effect<void, EmulatorError> =>
      store === undefined
        ? Effect.void
        : Effect.flatMap(store.commit(force), (failure) =>
            failure === undefined
              ? Effect.void
              : Effect.fail(new EmulatorError({ reason: "StateFileWrite", message: failure }))
          )

    const host = options.host ?? "127.0.0.1"
    const server = yield* NodeHttpServer.make(Server.createBufferingServer, { host, port: options.port ?? 0 }).pipe(
      Effect.mapError(
        (error) =>
          new EmulatorError({
            reason: "Listen",
            message: `cannot listen on ${host}:${options.port ?? 0}: ${error.cause instanceof Error ? error.cause.message : String(error.cause)}`
          })
      )
    )
    yield* HttpServer.serveEffect(Server.router(rt)).pipe(Effect.provideService(HttpServer.HttpServer, server))
    const address = server.address
    const baseUrl =
      address._tag === "TcpAddress"
        ? `http://${address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname}:${address.port}`
        : `http+unix://${address.path}`
    if (address._tag === "TcpAddress") rt.admin.hosts = Server.adminHosts(address.hostname, address.port)

    return Emulator.of({
      baseUrl,
      setFaults: (faults) =>
        Effect.suspend(() => Server.applyFaults(rt, faults)).pipe(Effect.mapError(invalidFaults), Effect.asVoid),
      reset: Effect.suspend(() => {
        Server.resetState(rt)
        return commit(false)
      }),
      snapshot: Effect.sync(() => toSnapshot(rt.state)),
      save: commit(true),
      stats: Effect.sync(() => StatsCounters.toJson(rt.stats, rt.callbacks?.stats())),
      resetStats: Effect.sync(() => {
        StatsCounters.reset(rt.stats, clock.unsafeCurrentTimeMillis())
        rt.callbacks?.resetStats()
      }),
      seed: (seed) =>
        Effect.suspend(() => {
          const accounts = checkSeed(seed)
          if (accounts instanceof EmulatorError) return accounts
          seedAccounts(rt.state, accounts, config.defaultAllowType)
          return commit(false)
        })
    })
  })

/**
 * An emulator listening on `options.host:options.port` (defaults `127.0.0.1:0`), with its own Node HTTP server.
 *
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<Emulator, EmulatorError> => Layer.scoped(Emulator, make(options))

/**
 * An emulator for tests: port 0, the {@link testDefaults} app, no frequency limit unless `rateLimit` is given.
 *
 * @since 0.1.0
 */
export const layerTest = (options?: Partial<Options>): Layer.Layer<Emulator, EmulatorError> =>
  layer({ ...testDefaults, rateLimit: 0, ...options })

const waitForSignal = Effect.async<void>((resume) => {
  const onSignal = () => resume(Effect.void)
  process.once("SIGINT", onSignal)
  process.once("SIGTERM", onSignal)
  return Effect.sync(() => {
    process.off("SIGINT", onSignal)
    process.off("SIGTERM", onSignal)
  })
})

/**
 * Runs an emulator in the foreground: prints its base URL as the first line on stdout, serves until SIGINT or
 * SIGTERM, saves the state file and returns.
 *
 * @since 0.1.0
 */
export const run = (options: Options): Effect.Effect<void, EmulatorError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const emulator = yield* make(options)
      yield* Console.log(emulator.baseUrl)
      yield* waitForSignal
    })
  )
