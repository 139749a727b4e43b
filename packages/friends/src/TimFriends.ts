/**
 * A Promise API over the `Friends` service for code that does not use Effect: `new TimFriends({ sdkAppId,
 * secretKey, region })`, then `await friends.add("alice", ["bob"])`. It owns a `ManagedRuntime` (UploadThing's
 * `UTApi` is the model) with the client, the signer and `FetchHttpClient` (no Node-only dependency); its methods
 * return plain objects, and reject with {@link TimRequestError}, which carries the same `tag`, `code` and `info`
 * as the typed Effect error.
 *
 * @since 0.1.0
 */
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { type Api, GroupAdd, GroupDelete, GroupGet } from "@effect-tim/schema"
import { type Region, TimClient } from "@effect-tim/transport"
import {
  Cause,
  Chunk,
  type Context,
  Effect,
  Either,
  Exit,
  Layer,
  ManagedRuntime,
  Option,
  Redacted,
  Runtime,
  Stream
} from "effect"
import * as AccountsModule from "./Accounts.js"
import * as Friends from "./Friends.js"
import { InvalidRequest } from "./FriendsError.js"
import { ops as accountOps, singles as accountSingles } from "./internal/accountOps.js"
import { ops as friendOps, singles as friendSingles } from "./internal/friendOps.js"
import type * as Operation from "./internal/operation.js"

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

/**
 * The rejection of every {@link TimFriends} method: a real `Error` with the typed Effect error's `tag` (its
 * `_tag`: `BlockedByTarget`, `InvalidRequest`, `TransportError`, `UnknownCode`, ...), Tencent's numeric `code` and
 * `info` when the server answered with one, and that typed error as `cause`. Failures that are not typed errors
 * have the tag `Disposed` (a call after `dispose()`), `Interrupted` or `Defect`. Never contains the secret key or
 * the UserSig.
 *
 * @since 0.1.0
 */
export class TimRequestError extends Error {
  /** The typed error's `_tag`, e.g. `BlockedByTarget` (or `Disposed`, `Interrupted`, `Defect`). */
  readonly tag: string
  /** Tencent's error code (`ErrorCode` or the item's `ResultCode`), when there is one. */
  readonly code: number | undefined
  /** Tencent's `ErrorInfo` / `ResultInfo`, when there is one. */
  readonly info: string | undefined

  constructor(props: {
    readonly tag: string
    readonly message: string
    readonly code?: number | undefined
    readonly info?: string | undefined
    readonly cause?: unknown
  }) {
    super(props.message, { cause: props.cause })
    this.name = "TimRequestError"
    this.tag = props.tag
    this.code = props.code
    this.info = props.info
  }
}

const fieldOf = <K extends string, T>(error: unknown, key: K, type: "number" | "string"): T | undefined => {
  if (typeof error !== "object" || error === null) return undefined
  const value = (error as Record<string, unknown>)[key]
  return typeof value === type ? (value as T) : undefined
}

/** Server text made safe to show: the client's scrub (its sigs and secret key removed). */
type Scrub = (text: string) => string

/**
 * The tag, code, info and message of a typed error (a `_tag`ged object), without undefined keys; the texts
 * scrubbed again, whatever produced them.
 */
const describeError = (error: unknown, scrub: Scrub): TimFriends.OutcomeError => {
  const tag = fieldOf<"_tag", string>(error, "_tag", "string") ?? "Unknown"
  const code = fieldOf<"code", number>(error, "code", "number")
  const info = fieldOf<"info", string>(error, "info", "string")
  const message = scrub(error instanceof Error ? error.message : String(error))
  return {
    tag,
    ...(code === undefined ? {} : { code }),
    ...(info === undefined ? {} : { info: scrub(info) }),
    message
  }
}

const requestErrorOf = (error: unknown, scrub: Scrub): TimRequestError => {
  const { code, info, message, tag } = describeError(error, scrub)
  return new TimRequestError({ tag, code, info, message, cause: error })
}

const requestErrorOfCause = (cause: Cause.Cause<unknown>, scrub: Scrub): TimRequestError => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) return requestErrorOf(failure.value, scrub)
  if (Cause.isInterruptedOnly(cause)) {
    return new TimRequestError({ tag: "Interrupted", message: "the call was interrupted", cause: Cause.squash(cause) })
  }
  // A defect is not ours to trust: only its scrubbed message goes out, not the object.
  const defect = Cause.squash(cause)
  const message = scrub(defect instanceof Error ? defect.message : String(defect))
  return new TimRequestError({ tag: "Defect", message: `unexpected failure: ${message}`, cause: new Error(message) })
}

const disposed = () =>
  new TimRequestError({ tag: "Disposed", message: "this TimFriends has been disposed: create a new one" })

// ---------------------------------------------------------------------------------------------------------------
// Plain results
// ---------------------------------------------------------------------------------------------------------------

const toBatch = <A, E extends { readonly _tag: string }>(
  result: Friends.BatchResult<A, E>,
  scrub: Scrub
): TimFriends.BatchResult<A, E["_tag"]> => ({
  items: result.items.map(
    (item): TimFriends.Outcome<A> =>
      Either.isRight(item.result)
        ? { toAccount: item.toAccount, ok: true, value: item.result.right }
        : { toAccount: item.toAccount, ok: false, error: describeError(item.result.left, scrub) }
  ) as ReadonlyArray<TimFriends.Outcome<A, E["_tag"]>>,
  retries: result.retries
})

/** Refuses a non-array argument (a JavaScript caller passing `"bob"` for `["bob"]`) with `InvalidRequest`. */
const arrayArg = <A>(
  api: Api.Any,
  field: string,
  value: ReadonlyArray<A>
): Effect.Effect<ReadonlyArray<A>, InvalidRequest> =>
  Array.isArray(value)
    ? Effect.succeed(value)
    : Effect.fail(new InvalidRequest({ api: api.path, field, reason: `must be an array, got ${typeof value}` }))

// ---------------------------------------------------------------------------------------------------------------
// The class
// ---------------------------------------------------------------------------------------------------------------

/**
 * Types of {@link TimFriends}.
 *
 * @since 0.1.0
 */
export declare namespace TimFriends {
  /**
   * The app, its credentials and how to reach it; the client's and the service's tuning.
   *
   * @since 0.1.0
   */
  export interface Options {
    /** The app's SDKAppID. */
    readonly sdkAppId: number
    /** The app's secret key; a plain string is wrapped in `Redacted` at once and never kept in clear. */
    readonly secretKey: string | Redacted.Redacted<string>
    /** The app admin the calls are made as (default `administrator`). */
    readonly identifier?: string | undefined
    /** The data center (default `china`). Give either `region` or `endpoint`. */
    readonly region?: Region.Region | undefined
    /** A base URL instead of the region's: `https://...`, or `http://` on loopback (the emulator). */
    readonly endpoint?: string | undefined
    /** The retry policy (durations as milliseconds or strings such as `"1 second"`), or `false` for none. */
    readonly retry?: Partial<TimClient.RetryPolicy> | false | undefined
    /** Calls per second per API (default 200); `Infinity` for no client-side limit. */
    readonly rateLimit?: number | undefined
    /** The timeout of each attempt, in milliseconds or as a string such as `"5 seconds"` (default 5 s). */
    readonly timeout?: TimClient.ClientOptions["timeout"]
    /** Accounts written at once (default 8; one account's writes are always serialised). */
    readonly concurrency?: number | undefined
    /** Requests of one read call in flight at once (default 16). */
    readonly readConcurrency?: number | undefined
    /** Entries per black_list_get page (default 100). */
    readonly blocklistPageSize?: number | undefined
    /** The HTTP client (default `FetchHttpClient.layer`, the global `fetch`), e.g. `NodeHttpClient.layerUndici`. */
    readonly httpClient?: Layer.Layer<HttpClient.HttpClient> | undefined
  }

  /**
   * A typed error as plain data: its `_tag`, Tencent's `code` and `info` when it has them, and its message.
   *
   * @since 0.1.0
   */
  export interface OutcomeError<Tag extends string = string> {
    readonly tag: Tag
    readonly code?: number
    readonly info?: string
    readonly message: string
  }

  /**
   * The outcome for one requested target.
   *
   * @since 0.1.0
   */
  export type Outcome<A, Tag extends string = string> =
    | { readonly toAccount: string; readonly ok: true; readonly value: A }
    | { readonly toAccount: string; readonly ok: false; readonly error: OutcomeError<Tag> }

  /**
   * The result of a bulk call: one outcome per requested target, in the caller's order, and the item re-sends.
   *
   * @since 0.1.0
   */
  export interface BatchResult<A, Tag extends string = string> {
    readonly items: ReadonlyArray<Outcome<A, Tag>>
    readonly retries: number
  }

  /**
   * The result of `addLists`: the lists' sequence and one outcome per account put in them.
   *
   * @since 0.1.0
   */
  export interface AddListsResult {
    readonly sequence: number | undefined
    readonly members: BatchResult<void>
  }

  /**
   * A service's methods as Promises: same arguments; a bulk result (`Friends.BatchResult`) becomes a
   * {@link TimFriends.BatchResult} whose error tags are the typed errors' `_tag`s; any other value as it is.
   *
   * @since 0.1.0
   */
  export type Promised<S> = {
    readonly [K in keyof S]: S[K] extends (...args: infer P) => Effect.Effect<infer R, infer _E>
      ? (
          ...args: P
        ) => Promise<
          R extends Friends.BatchResult<infer V, infer E>
            ? BatchResult<V, E extends { readonly _tag: infer T extends string } ? T : string>
            : R
        >
      : never
  }

  /**
   * `TimFriends.accounts`: the `Accounts` service as Promises.
   *
   * @since 0.1.0
   */
  export type Accounts = Promised<AccountsModule.Accounts.Service>
}

/** The services a `TimFriends` runs on. */
type Services = Friends.Friends | AccountsModule.Accounts | TimClient.TimClient

/** Every method derived from operations: its name and whether it is a bulk form (or a single-target one). */
const derivedOf = (ops: object, singles: object): ReadonlyArray<readonly [string, boolean]> => [
  ...Object.keys(ops).map((name) => [name, true] as const),
  ...Object.keys(singles).map((name) => [name, false] as const)
]

/**
 * The relationship-chain API as Promises. Every method mirrors the `Friends` service's (same arguments, same
 * bulk semantics), and `accounts` mirrors the `Accounts` service's; bulk results are `{ items: [{ toAccount, ok:
 * true, value } | { toAccount, ok: false, error: { tag, code?, info?, message } }], retries }`. Rejections are
 * {@link TimRequestError}. Invalid options (a bad SDKAppID, an empty secret key, an unknown region) make the
 * constructor throw a `TimRequestError`. Call `dispose()` (or `await using`) when done.
 *
 * The bulk methods (`add`, `addOne`, `import`, `update`, `updateOne`, `remove`, `removeOne`, `check`, `checkOne`,
 * `getProfiles`, `block`, `blockOne`, `unblock`, `unblockOne`, `checkBlocked`, `checkBlockedOne`) and `accounts`'
 * are derived from the operations the services are derived from; see {@link TimFriends.Promised}.
 *
 * @since 0.1.0
 */
export interface TimFriends extends TimFriends.Promised<Operation.Methods<typeof friendOps, typeof friendSingles>> {}

/**
 * @since 0.1.0
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above
export class TimFriends {
  /** The app this client talks to. */
  readonly sdkAppId: number
  /** The admin identifier the calls are made as. */
  readonly identifier: string
  /**
   * Accounts as Promises: `import`, `check`, `remove`, `setAllowType(accounts, allowType)`, `getAllowType`, and
   * their single-account forms (`importOne`, …), mirroring the `Accounts` service.
   */
  readonly accounts: TimFriends.Accounts
  readonly #runtime: ManagedRuntime.ManagedRuntime<Services, unknown>
  #disposed = false
  /** The client's scrub, once the client is built (before that, nothing from a server can have arrived). */
  #scrub: Scrub = (text) => text

  constructor(options: TimFriends.Options) {
    const secretKey = Redacted.isRedacted(options.secretKey)
      ? options.secretKey
      : Redacted.make(String(options.secretKey))
    this.sdkAppId = options.sdkAppId
    this.identifier = options.identifier ?? "administrator"
    const client = TimClient.layer({
      sdkAppId: options.sdkAppId,
      secretKey,
      identifier: options.identifier,
      region: options.region,
      endpoint: options.endpoint,
      retry: options.retry,
      rateLimit: options.rateLimit,
      timeout: options.timeout
    }).pipe(
      // TimClient runs every exchange with `redirect: "manual"`: fetch never follows a 3xx (test/Hostile.test.ts).
      Layer.provide(options.httpClient ?? FetchHttpClient.layer)
    )
    this.#runtime = ManagedRuntime.make(
      Layer.mergeAll(
        Friends.layer({
          concurrency: options.concurrency,
          readConcurrency: options.readConcurrency,
          blocklistPageSize: options.blocklistPageSize
        }),
        AccountsModule.layer({ concurrency: options.readConcurrency })
      ).pipe(Layer.provideMerge(client))
    )
    for (const [name, bulk] of derivedOf(friendOps, friendSingles)) {
      ;(this as unknown as Record<string, unknown>)[name] = this.#derived(Friends.Friends, name, bulk)
    }
    const accounts: Record<string, unknown> = {}
    for (const [name, bulk] of derivedOf(accountOps, accountSingles))
      accounts[name] = this.#derived(AccountsModule.Accounts, name, bulk)
    this.accounts = accounts as unknown as TimFriends.Accounts
    // Builds the layers now (they are synchronous unless a custom HTTP client's is not), so invalid options throw
    // here rather than rejecting the first call.
    const built = this.#runtime.runSyncExit(TimClient.TimClient)
    if (Exit.isSuccess(built)) this.#scrub = built.value.scrub
    else if (!isAsyncBuild(built.cause)) {
      this.#disposed = true
      this.#runtime.dispose().catch(() => undefined) // a failed build has nothing left to release
      throw requestErrorOfCause(built.cause, this.#scrub)
    }
  }

  /** Runs an effect on the services and settles with its value, or rejects with a `TimRequestError`. */
  #run<A, E>(f: Effect.Effect<A, E, Services>): Promise<A> {
    if (this.#disposed) return Promise.reject(disposed())
    const run = Effect.flatMap(TimClient.TimClient, (client) => {
      this.#scrub = client.scrub
      return f
    })
    return this.#runtime
      .runPromiseExit(run)
      .then((exit) =>
        Exit.isSuccess(exit) ? exit.value : Promise.reject(requestErrorOfCause(exit.cause, this.#scrub))
      )
  }

  /** A derived method: calls the service's method of that name; a bulk result becomes plain outcomes. */
  #derived<I extends Services, S>(tag: Context.Tag<I, S>, name: string, bulk: boolean) {
    return (...args: ReadonlyArray<unknown>): Promise<unknown> =>
      this.#run(
        Effect.flatMap(tag, (service) => {
          const effect = (service as Record<string, (...a: ReadonlyArray<unknown>) => Effect.Effect<unknown, unknown>>)[
            name
          ]!(...args)
          return bulk
            ? Effect.map(effect, (result) =>
                toBatch(result as Friends.BatchResult<unknown, { readonly _tag: string }>, this.#scrub)
              )
            : effect
        })
      )
  }

  /** Runs an effect on the `Friends` service. */
  #friends<A, E>(f: (friends: Friends.Friends.Service) => Effect.Effect<A, E>): Promise<A> {
    return this.#run(Effect.flatMap(Friends.Friends, (friends) => Effect.suspend(() => f(friends))))
  }

  /** Iterates a stream of the service; a failure rejects the iteration with a `TimRequestError`. */
  async *#iterate<A, E>(
    f: (friends: Friends.Friends.Service) => Stream.Stream<A, E>
  ): AsyncGenerator<A, void, undefined> {
    if (this.#disposed) throw disposed()
    const exit = await this.#runtime.runPromiseExit(Effect.runtime<Services>())
    if (Exit.isFailure(exit)) throw requestErrorOfCause(exit.cause, this.#scrub)
    const stream = Stream.unwrap(Effect.map(Friends.Friends, (friends) => Stream.suspend(() => f(friends)))).pipe(
      Stream.catchAllCause((cause) => Stream.fail(requestErrorOfCause(cause, this.#scrub)))
    )
    yield* Stream.toAsyncIterableRuntime(stream, exit.value)
  }

  /** friend_delete_all: removes every friend (`type` defaults to `"single"`). */
  removeAll(from: string, options?: { readonly type?: Friends.Direction | undefined }): Promise<void> {
    return this.#friends((f) => f.removeAll(from, options))
  }

  /** friend_get: every friend (all pages). For a lazy, page-by-page read use {@link TimFriends.iterateList}. */
  list(from: string): Promise<Array<Friends.Friend>> {
    return this.#friends((f) => Stream.runCollect(f.list(from)).pipe(Effect.map(Chunk.toArray)))
  }

  /** friend_get as an async iterable: `for await (const friend of friends.iterateList("alice"))`. */
  iterateList(from: string): AsyncIterable<Friends.Friend> {
    return this.#iterate((f) => f.list(from))
  }

  /** black_list_get: the whole blocklist. For a lazy read use {@link TimFriends.iterateBlocklist}. */
  blocklist(from: string): Promise<Array<Friends.BlockedEntry>> {
    return this.#friends((f) => Stream.runCollect(f.blocklist(from)).pipe(Effect.map(Chunk.toArray)))
  }

  /** black_list_get as an async iterable. */
  iterateBlocklist(from: string): AsyncIterable<Friends.BlockedEntry> {
    return this.#iterate((f) => f.blocklist(from))
  }

  /** group_add: creates friend lists (at most 32 names), optionally putting friends in them. */
  addLists(
    from: string,
    names: ReadonlyArray<string>,
    toAccounts?: ReadonlyArray<string>
  ): Promise<TimFriends.AddListsResult> {
    return this.#friends((f) =>
      Effect.flatMap(arrayArg(GroupAdd.api, "names", names), (n) =>
        Effect.flatMap(arrayArg(GroupAdd.api, "toAccounts", toAccounts ?? []), (a) => f.addLists(from, n, a))
      ).pipe(Effect.map((r) => ({ sequence: r.sequence, members: toBatch(r.members, this.#scrub) })))
    )
  }

  /** group_delete: deletes friend lists (the friendships stay). */
  removeLists(from: string, names: ReadonlyArray<string>): Promise<{ readonly sequence: number | undefined }> {
    return this.#friends((f) =>
      Effect.flatMap(arrayArg(GroupDelete.api, "names", names), (n) => f.removeLists(from, n))
    )
  }

  /** group_get: the friend lists (all, or the named ones), with their members if asked. */
  getLists(
    from: string,
    options?: { readonly names?: ReadonlyArray<string> | undefined; readonly withMembers?: boolean | undefined }
  ): Promise<Array<Friends.FriendList>> {
    const names = options?.names
    return this.#friends((f) =>
      Effect.zipRight(
        names === undefined ? Effect.void : arrayArg(GroupGet.api, "names", names),
        Effect.map(f.getLists(from, options), (lists) => [...lists])
      )
    )
  }

  /** Releases the runtime (its scope and layers). Calls made afterwards reject with the tag `Disposed`. */
  async dispose(): Promise<void> {
    if (this.#disposed) return
    this.#disposed = true
    await this.#runtime.dispose()
  }

  /** `await using friends = new TimFriends(...)` disposes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose()
  }

  /** The app and admin only: never the secret key. */
  toJSON(): { readonly sdkAppId: number; readonly identifier: string } {
    return { sdkAppId: this.sdkAppId, identifier: this.identifier }
  }

  /** `TimFriends(sdkAppId=…, identifier=…)`: never the secret key. */
  toString(): string {
    return `TimFriends(sdkAppId=${this.sdkAppId}, identifier=${this.identifier})`
  }

  /** What `util.inspect` and `console.log` show: the app and admin only. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString()
  }
}

/** A layer that needs an asynchronous build (a custom HTTP client's) is built on the first call instead. */
const isAsyncBuild = (cause: Cause.Cause<unknown>): boolean =>
  Cause.isDie(cause) && Option.exists(Cause.dieOption(cause), Runtime.isAsyncFiberException)
