/**
 * The emulator's callback sender: after each REST write it serves, it POSTs the after-callbacks Tencent documents
 * (Sns.CallbackFriendAdd for friend_add, including one-way and forced adds, not friend_import; Sns.CallbackFriendDelete
 * for friend_delete, friend_delete_all and for the friendships black_list_add removes; Sns.CallbackBlackListAdd,
 * Sns.CallbackBlackListDelete) to the app's callback URL, signed like Tencent's (`Sign` = hex SHA-256 of token +
 * `RequestTime`). What changed is found by comparing the written account's relations before and after the handler,
 * so a partly failed batch reports exactly the pairs it changed.
 *
 * Sending never slows the REST answer: the write only queues the callback; one fiber sends the queue in order,
 * each callback tried up to `attempts` times with a per-attempt timeout, and counts what happened (in
 * `GET /_emulator/stats`, `callbacks`).
 *
 * It also runs the client actions REST cannot perform (`POST /_emulator/client/friend_add`): it asks the app with
 * Sns.CallbackPrevFriendAdd first and adds only the friends the app allows.
 */
import { FetchHttpClient, HttpClient, HttpClientRequest, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Callback, Envelope } from "@effect-tim/schema"
import { CallbackToken } from "@effect-tim/usersig"
import { Duration, Effect, Either, Queue, type Redacted, Schedule, Schema, type Scope } from "effect"
import { EmulatorError } from "../EmulatorError.js"
import type { Ctx, Route } from "./handler.js"
import { Failure, RawJson } from "./handler.js"
import type { State } from "./state.js"
import { touch } from "./state.js"

/** Where and how to send. */
export interface Options {
  readonly url: string
  readonly token?: Redacted.Redacted<string> | undefined
  readonly sdkAppId: number
  /** The admin named in `Admin_Account` of REST-triggered adds. */
  readonly admin: string
  /** Tries per callback (default 3). */
  readonly attempts?: number | undefined
  /** Per try (default 2 s). */
  readonly timeout?: Duration.DurationInput | undefined
  /** Callbacks waiting beyond this many are dropped and counted (default 10000). */
  readonly maxQueued?: number | undefined
}

/** What the sender has done. */
export interface Stats {
  /** Callbacks queued by writes. */
  queued: number
  /** Answered with HTTP 2xx. */
  delivered: number
  /** Tries after a failed one. */
  retried: number
  /** Given up after every try failed. */
  failed: number
  /** Not queued because the queue was full. */
  dropped: number
}

/** The relations of one written account that a write may change, before it runs. */
export interface Observation {
  readonly path: string
  readonly from: string
  readonly forceFlag: number
  readonly candidates: ReadonlyArray<string>
  readonly friendsOut: ReadonlySet<string>
  readonly friendsIn: ReadonlySet<string>
  readonly blocked: ReadonlySet<string>
}

/** The sender. */
export interface Sender {
  /** Records what a write may change (undefined when the API triggers no callback or changes nothing). */
  readonly observe: (path: string, body: Record<string, unknown>, state: State) => Observation | undefined
  /**
   * The callbacks for what the write changed: call it right after the write, before awaiting anything (with a
   * state file, other writes are served while this one is saved, and would be taken for this one's changes).
   */
  readonly settle: (observation: Observation, state: State, origin?: Origin) => Settled
  /** Queues a write's callbacks (once its answer is a success). */
  readonly emit: (settled: Settled) => void
  readonly stats: () => Stats
  /** Starts counting again (with the other stats). */
  readonly resetStats: () => void
  /** Sends a before-callback and waits for the app's answer (undefined: no usable answer in time). */
  readonly ask: (body: Record<string, unknown>) => Effect.Effect<Callback.DecisionAnswer | undefined>
}

/** Who triggered a write: REST (an admin) or a simulated client. */
export interface Origin {
  readonly adminAccount: string
  readonly optPlatform: string
}

const writes = new Set([
  "v4/sns/friend_add",
  "v4/sns/friend_delete",
  "v4/sns/friend_delete_all",
  "v4/sns/black_list_add",
  "v4/sns/black_list_delete"
])

const strings = (value: unknown): Array<string> =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []

/** The accounts a write names: `To_Account[]`, or `AddFriendItem[].To_Account` for friend_add. */
const targetsOf = (path: string, body: Record<string, unknown>): Array<string> =>
  path === "v4/sns/friend_add"
    ? (Array.isArray(body.AddFriendItem) ? body.AddFriendItem : []).flatMap((item: unknown) =>
        typeof item === "object" && item !== null && typeof (item as { To_Account?: unknown }).To_Account === "string"
          ? [(item as { To_Account: string }).To_Account]
          : []
      )
    : strings(body.To_Account)

const relations = (state: State, from: string, candidates: ReadonlyArray<string>) => {
  const account = state.accounts.get(from)
  const friendsOut = new Set<string>()
  const friendsIn = new Set<string>()
  const blocked = new Set<string>()
  for (const c of candidates) {
    if (account?.friends.has(c)) friendsOut.add(c)
    if (account?.blocked.has(c)) blocked.add(c)
    if (state.accounts.get(c)?.friends.has(from)) friendsIn.add(c)
  }
  return { friendsOut, friendsIn, blocked }
}

const minus = (a: ReadonlySet<string>, b: ReadonlySet<string>) => [...a].filter((x) => !b.has(x))

const decodeDecision = Schema.decodeUnknownEither(Callback.DecisionAnswer)

interface Delivery {
  readonly command: string
  readonly body: Record<string, unknown>
  readonly optPlatform: string
}

/** A write's callbacks, computed when it ran, queued when it is answered. */
export type Settled = ReadonlyArray<Delivery>

/** Starts a sender; its fiber stops with the scope (callbacks still queued then are not sent). */
export const make = (options: Options): Effect.Effect<Sender, EmulatorError, Scope.Scope> =>
  Effect.gen(function* () {
    let base: URL
    try {
      base = new URL(options.url)
    } catch {
      return yield* new EmulatorError({ reason: "InvalidOptions", message: "callbackUrl is not a URL" })
    }
    if (base.protocol !== "http:" && base.protocol !== "https:") {
      return yield* new EmulatorError({ reason: "InvalidOptions", message: "callbackUrl must be http:// or https://" })
    }
    const tokenProblem = CallbackToken.problem(options.token)
    if (tokenProblem !== undefined) {
      return yield* new EmulatorError({ reason: "InvalidOptions", message: `callbackToken ${tokenProblem}` })
    }
    const attempts = Math.max(1, options.attempts ?? 3)
    const timeout = options.timeout ?? Duration.seconds(2)
    const maxQueued = options.maxQueued ?? 10_000
    const stats: Stats = { queued: 0, delivered: 0, retried: 0, failed: 0, dropped: 0 }
    const queue = yield* Queue.unbounded<Delivery>()
    const client = (yield* HttpClient.HttpClient.pipe(Effect.provide(FetchHttpClient.layer))).pipe(
      HttpClient.filterStatusOk
    )

    const request = (delivery: Delivery) =>
      Effect.gen(function* () {
        const nowSeconds = Math.floor((yield* Effect.clockWith((c) => c.currentTimeMillis)) / 1000)
        const url = new URL(base)
        url.searchParams.set(Callback.QueryParams.sdkAppId, String(options.sdkAppId))
        url.searchParams.set(Callback.QueryParams.command, delivery.command)
        url.searchParams.set(Callback.QueryParams.contentType, "json")
        url.searchParams.set(Callback.QueryParams.clientIp, "127.0.0.1")
        url.searchParams.set(Callback.QueryParams.optPlatform, delivery.optPlatform)
        if (options.token !== undefined) {
          // Signed per try, as a retried request is a new request.
          url.searchParams.set(Callback.QueryParams.requestTime, String(nowSeconds))
          url.searchParams.set(Callback.QueryParams.sign, CallbackToken.sign(options.token, nowSeconds))
        }
        return HttpClientRequest.post(url.toString()).pipe(
          HttpClientRequest.bodyText(JSON.stringify(delivery.body), "application/json")
        )
      })

    const once = (delivery: Delivery) =>
      Effect.flatMap(request(delivery), (req) =>
        client.execute(req).pipe(
          Effect.flatMap((response) => response.text),
          Effect.scoped,
          Effect.timeout(timeout)
        )
      )

    let tries = 0
    const send = (delivery: Delivery) =>
      Effect.suspend(() => {
        if (tries++ > 0) stats.retried++
        return once(delivery)
      }).pipe(Effect.retry(Schedule.exponential("100 millis").pipe(Schedule.intersect(Schedule.recurs(attempts - 1)))))

    yield* Queue.take(queue).pipe(
      Effect.flatMap((delivery) => {
        tries = 0
        return send(delivery).pipe(
          Effect.matchEffect({
            onSuccess: () => Effect.sync(() => void stats.delivered++),
            onFailure: () =>
              Effect.zipRight(
                Effect.sync(() => void stats.failed++),
                Effect.logWarning(`emulator: callback ${delivery.command} not delivered after ${attempts} tries`)
              )
          })
        )
      }),
      Effect.forever,
      Effect.forkScoped
    )

    const emit = (settled: Settled): void => {
      for (const delivery of settled) {
        if (stats.queued - stats.delivered - stats.failed >= maxQueued) {
          stats.dropped++
          continue
        }
        stats.queued++
        Queue.unsafeOffer(queue, delivery)
      }
    }

    const observe = (path: string, body: Record<string, unknown>, state: State): Observation | undefined => {
      const key = path.startsWith("/") ? path.slice(1) : path
      if (!writes.has(key)) return undefined
      const from = body.From_Account
      if (typeof from !== "string") return undefined
      const account = state.accounts.get(from)
      if (account === undefined) return undefined
      const targets = targetsOf(key, body)
      const candidates = key === "v4/sns/friend_delete_all" ? [...account.friends.keys()] : targets
      return {
        path: key,
        from,
        forceFlag: body.ForceAddFlags === 1 ? 1 : 0,
        candidates,
        ...relations(state, from, candidates)
      }
    }

    const settle = (
      o: Observation,
      state: State,
      origin: Origin = { adminAccount: options.admin, optPlatform: "RESTAPI" }
    ): Settled => {
      const settled: Array<Delivery> = []
      const enqueue = (command: Callback.Command, body: Record<string, unknown>, optPlatform: string) =>
        void settled.push({ command, body: { CallbackCommand: command, ...body }, optPlatform })
      const now = relations(state, o.from, o.candidates)
      const eventTime = Date.now()
      const pair = (from: string, to: string) => ({ From_Account: from, To_Account: to })
      const added = [
        ...minus(now.friendsOut, o.friendsOut).map((c) => pair(o.from, c)),
        ...minus(now.friendsIn, o.friendsIn).map((c) => pair(c, o.from))
      ]
      const deleted = [
        ...minus(o.friendsOut, now.friendsOut).map((c) => pair(o.from, c)),
        ...minus(o.friendsIn, now.friendsIn).map((c) => pair(c, o.from))
      ]
      const blockedAdded = minus(now.blocked, o.blocked).map((c) => pair(o.from, c))
      const blockedDeleted = minus(o.blocked, now.blocked).map((c) => pair(o.from, c))
      if (added.length > 0) {
        enqueue(
          "Sns.CallbackFriendAdd",
          {
            PairList: added.map((p) => ({ ...p, Initiator_Account: o.from })),
            ClientCmd: "friend_add",
            Admin_Account: origin.adminAccount,
            ForceFlag: o.forceFlag,
            EventTime: eventTime
          },
          origin.optPlatform
        )
      }
      if (deleted.length > 0) {
        enqueue("Sns.CallbackFriendDelete", { PairList: deleted, EventTime: eventTime }, origin.optPlatform)
      }
      if (blockedAdded.length > 0) {
        enqueue("Sns.CallbackBlackListAdd", { PairList: blockedAdded, EventTime: eventTime }, origin.optPlatform)
      }
      if (blockedDeleted.length > 0) {
        enqueue("Sns.CallbackBlackListDelete", { PairList: blockedDeleted, EventTime: eventTime }, origin.optPlatform)
      }
      return settled
    }

    const ask = (body: Record<string, unknown>) =>
      Effect.gen(function* () {
        const text = yield* once({
          command: "Sns.CallbackPrevFriendAdd",
          body: { CallbackCommand: "Sns.CallbackPrevFriendAdd", ...body },
          optPlatform: "Web"
        })
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch {
          return undefined
        }
        const decoded = decodeDecision(json)
        return Either.isRight(decoded) ? decoded.right : undefined
      }).pipe(
        Effect.catchAll(() => Effect.succeed(undefined)),
        Effect.withSpan("tim.emulator.callback.ask")
      )

    const resetStats = () => {
      // What is still queued stays counted as queued, so that the queue bound keeps working.
      const waiting = stats.queued - stats.delivered - stats.failed
      Object.assign(stats, { queued: waiting, delivered: 0, retried: 0, failed: 0, dropped: 0 })
    }

    return { observe, settle, emit, stats: () => ({ ...stats }), resetStats, ask }
  })

const badRequest = (error: string) => HttpServerResponse.unsafeJson({ error }, { status: 400 })

/** What the client route needs from the server. */
export interface ClientDeps {
  readonly state: State
  readonly sender: Sender | undefined
  readonly friendAdd: Route | undefined
  readonly ctx: () => Ctx
  /** Saves the state file with this write (when there is one); a failure says why. */
  readonly commit: (() => Effect.Effect<string | undefined>) | undefined
  /** The request's body as a JSON object, or why not (the server has read it already). */
  readonly readJson: (request: HttpServerRequest.HttpServerRequest) => Record<string, unknown> | string
}

/**
 * `POST /_emulator/client/friend_add`: a user's friend request from a client, which REST cannot perform. The body
 * is friend_add's (`From_Account`, `AddFriendItem[]`, `AddType`). With a callback URL, Sns.CallbackPrevFriendAdd
 * is sent first: accounts the app refuses get its `ResultCode` and are not added; without an answer in time, or
 * with `ErrorCode` not 0, every item goes ahead (Tencent ignores a failed before-callback). The rest is added as
 * friend_add would (AllowType, blocklists and limits apply), and the after-callbacks follow.
 */
export const clientFriendAdd = (deps: ClientDeps) =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const record = deps.readJson(request)
    if (typeof record === "string") return badRequest(record)
    if (typeof record.From_Account !== "string") return badRequest("From_Account must be a string")
    if (
      !Array.isArray(record.AddFriendItem) ||
      !record.AddFriendItem.every((item) => typeof item === "object" && item !== null && !Array.isArray(item))
    ) {
      return badRequest("AddFriendItem must be an array of objects")
    }
    if (deps.friendAdd === undefined) return badRequest("friend_add is not served")
    const from = record.From_Account
    const items = record.AddFriendItem as Array<Record<string, unknown>>
    const refused = new Map<string, { code: number; info: string }>()
    let asked: "none" | "answered" | "unanswered" = "none"
    // Tencent asks the app only about a request it would serve: not for an account that does not exist.
    if (deps.sender !== undefined && deps.state.accounts.has(from)) {
      const answer = yield* deps.sender.ask({
        Requester_Account: from,
        From_Account: from,
        FriendItem: items.map((item) => ({
          To_Account: item.To_Account,
          ...(item.Remark === undefined ? {} : { Remark: item.Remark }),
          ...(item.GroupName === undefined ? {} : { GroupName: item.GroupName }),
          ...(item.AddSource === undefined ? {} : { AddSource: item.AddSource }),
          ...(item.AddWording === undefined ? {} : { AddWording: item.AddWording })
        })),
        AddType: typeof record.AddType === "string" ? record.AddType : "Add_Type_Both",
        ForceAddFlags: 0,
        EventTime: Date.now()
      })
      asked = answer === undefined ? "unanswered" : "answered"
      if (answer !== undefined && answer.actionStatus === "OK" && answer.errorCode === 0) {
        for (const item of answer.resultItems) {
          if (item.resultCode !== 0) refused.set(item.toAccount, { code: item.resultCode, info: item.resultInfo })
        }
      }
    }
    const allowed = items.filter((item) => typeof item.To_Account !== "string" || !refused.has(item.To_Account))
    const refusedItems = [...refused].map(([to, r]) => ({ To_Account: to, ResultCode: r.code, ResultInfo: r.info }))
    if (allowed.length === 0) {
      return HttpServerResponse.unsafeJson({ ...Envelope.ok, ResultItem: refusedItems, PrevCallback: asked })
    }
    const addBody = { ...record, AddFriendItem: allowed, ForceAddFlags: 0 }
    const observation = deps.sender?.observe("v4/sns/friend_add", addBody, deps.state)
    const result = deps.friendAdd.handle(addBody, deps.ctx())
    if (result instanceof Failure) {
      return HttpServerResponse.unsafeJson({ ...Envelope.fail(result.code, result.info), PrevCallback: asked })
    }
    const settled =
      observation === undefined
        ? undefined
        : deps.sender?.settle(observation, deps.state, { adminAccount: "", optPlatform: "Web" })
    touch(deps.state)
    const unsaved = deps.commit === undefined ? undefined : yield* deps.commit()
    if (unsaved !== undefined) {
      return HttpServerResponse.unsafeJson({ error: `the write could not be saved (${unsaved})` }, { status: 500 })
    }
    if (settled !== undefined) deps.sender?.emit(settled)
    const answer = result instanceof RawJson ? JSON.parse(`{${result.members}}`) : result
    const items2 = Array.isArray(answer.ResultItem) ? answer.ResultItem : []
    return HttpServerResponse.unsafeJson({
      ...answer,
      ...Envelope.ok,
      ResultItem: [...refusedItems, ...items2],
      PrevCallback: asked
    })
  })
