/**
 * `tim demo`: the whole system in one command. An in-process emulator (in memory), 2 000 accounts imported,
 * 10 000 friend relations added with 5% injected item faults (so per-item retries show), every relation checked,
 * then a summary.
 */
import { Command, Options } from "@effect/cli"
import type { Prng } from "@effect-tim/emulator"
import { Friends, type FriendsError } from "@effect-tim/friends"
import { Fields, Limits, MultiAccountImport, PortraitSet } from "@effect-tim/schema"
import { TimClient } from "@effect-tim/transport"
import { Array as Arr, Console, Effect, Layer } from "effect"
import { rowsOf } from "./bulk.js"
import { CallCounter, type ConnectionError, embeddedKit } from "./connection.js"
import type { Subcommand } from "./errors.js"
import * as Lazy from "./lazy.js"
import { renderSummary, Tally } from "./output.js"

/** The demo's shape. */
export interface DemoOptions {
  readonly accounts: number
  readonly relations: number
  readonly itemError: number
  readonly concurrency: number
  readonly seed: number
}

/** The defaults `pnpm start` runs with. */
export const defaults: DemoOptions = { accounts: 2000, relations: 10_000, itemError: 0.05, concurrency: 16, seed: 7 }

const userId = (i: number) => Fields.UserId.make(`user${String(i).padStart(5, "0")}`)

/**
 * The relations to add, grouped by from-account: distinct pairs, plus about 3% that repeat an earlier pair in the
 * other direction (a two-way add already made them friends, so they come back as `AlreadyFriends`).
 */
export const plan = (o: DemoOptions, prng: typeof Prng): ReadonlyArray<readonly [string, ReadonlyArray<string>]> => {
  // The emulator's seeded generator, so every run plans the same relations.
  const random = prng.make(o.seed).next
  const seen = new Set<string>()
  const pairs: Array<readonly [number, number]> = []
  const repeats = Math.floor(o.relations * 0.03)
  while (pairs.length < o.relations - repeats) {
    const from = Math.floor(random() * o.accounts)
    const to = Math.floor(random() * o.accounts)
    const key = from < to ? `${from}:${to}` : `${to}:${from}`
    if (from === to || seen.has(key)) continue
    seen.add(key)
    pairs.push([from, to])
  }
  const distinct = pairs.length
  const repeated = new Set<number>()
  while (repeated.size < repeats) {
    const index = Math.floor(random() * distinct)
    if (repeated.has(index)) continue
    repeated.add(index)
    const [from, to] = pairs[index]!
    pairs.push([to, from])
  }
  const byFrom = new Map<string, Array<string>>()
  for (const [from, to] of pairs) {
    const list = byFrom.get(userId(from)) ?? []
    list.push(userId(to))
    byFrom.set(userId(from), list)
  }
  return [...byFrom]
}

/** Outcomes, failures by code and retries over the batch results of the planned from-accounts. */
const tally = <A, E>(
  planned: ReadonlyArray<readonly [string, ReadonlyArray<string>]>,
  results: ReadonlyArray<Friends.BatchResult<A, E>>
): Tally => {
  const tally = new Tally()
  results.forEach((result, i) => {
    tally.retries += result.retries
    for (const row of rowsOf(planned[i]![0], result, (a) => a)) tally.add(row)
  })
  return tally
}

/** What a demo run measured. */
export interface Summary {
  readonly accounts: number
  readonly relations: number
  readonly injectedItemErrors: number
  readonly rateLimit: string
  readonly add: {
    readonly added: number
    readonly pending: number
    readonly alreadyFriends: number
    readonly failed: Record<string, number>
    readonly retries: number
    readonly calls: number
    readonly callsPerSecond: number
    readonly elapsedMs: number
  }
  readonly check: {
    readonly relations: Record<string, number>
    readonly failed: Record<string, number>
    readonly retries: number
    readonly calls: number
    readonly callsPerSecond: number
    readonly elapsedMs: number
  }
  readonly calls: number
  readonly callsPerSecond: number
  readonly elapsedMs: number
}

/** What a demo run can fail with. */
export type DemoError =
  | ConnectionError
  | FriendsError.InvalidRequest
  | TimClient.CallError<typeof MultiAccountImport.api>
  | TimClient.CallError<typeof PortraitSet.api>

/** Runs the demo and returns its summary. */
export const run = (o: DemoOptions): Effect.Effect<Summary, DemoError> =>
  Effect.gen(function* () {
    const started = Date.now()
    const counter = new CallCounter()
    const { Emulator, Prng } = yield* Lazy.emulator
    // In memory, emulator and client unlimited; accounts accept requests unless the demo says otherwise.
    const kit = embeddedKit(
      { emulator: { rateLimit: 0, defaultAllowType: "AllowType_Type_AllowAny" }, rateLimit: 0 },
      counter
    )
    const program = Effect.gen(function* () {
      const em = yield* Emulator.Emulator
      const timClient = yield* TimClient.TimClient
      const friends = yield* Friends.Friends
      yield* Console.error(
        `tim demo: emulator at ${em.baseUrl} (in memory); rate limit lifted for the demo (emulator and client unlimited; Tencent allows 200 calls/s per API)`
      )

      const ids = Arr.makeBy(o.accounts, userId)
      yield* Console.error(`tim demo: importing ${ids.length} accounts…`)
      yield* Effect.forEach(
        Arr.chunksOf(ids, Limits.maxAccountItems),
        (batch) => timClient.call(MultiAccountImport.api, { accounts: batch }),
        { concurrency: 4, discard: true }
      )
      // 10% of the accounts want to confirm requests (Pending), 2% refuse all (AddDenied).
      const confirm = ids.filter((_, i) => i % 10 === 3)
      const deny = ids.filter((_, i) => i % 50 === 7)
      yield* Effect.forEach(
        [
          ...confirm.map((id) => [id, "AllowType_Type_NeedConfirm"] as const),
          ...deny.map((id) => [id, "AllowType_Type_DenyAny"] as const)
        ],
        ([id, value]) =>
          timClient.call(PortraitSet.api, {
            fromAccount: id,
            profileItems: [{ tag: "Tag_Profile_IM_AllowType", value }]
          }),
        { concurrency: 8, discard: true }
      )

      const planned = plan(o, Prng)
      const relations = planned.reduce((n, [, to]) => n + to.length, 0)
      yield* em.setFaults({ itemError: o.itemError, seed: o.seed })
      yield* Console.error(
        `tim demo: adding ${relations} friend relations from ${planned.length} accounts with ${o.itemError * 100}% injected item faults…`
      )
      const addStarted = Date.now()
      const callsBefore = counter.calls
      const adds = yield* Effect.forEach(
        planned,
        ([from, to]) => friends.add(from, to, { type: "both", addSource: "AddSource_Type_Demo" }),
        { concurrency: o.concurrency }
      )
      const addMs = Date.now() - addStarted
      const addCalls = counter.calls - callsBefore
      const added = tally(planned, adds)

      yield* Console.error(`tim demo: checking all ${relations} relations…`)
      const checkStarted = Date.now()
      const checkCallsBefore = counter.calls
      const checks = yield* Effect.forEach(planned, ([from, to]) => friends.check(from, to, { type: "both" }), {
        concurrency: o.concurrency
      })
      const checkMs = Date.now() - checkStarted
      const checkCalls = counter.calls - checkCallsBefore
      const checked = tally(planned, checks)
      const elapsedMs = Date.now() - started
      const perSecond = (calls: number, ms: number) => (ms > 0 ? Math.round((calls * 1000) / ms) : 0)
      return {
        accounts: ids.length,
        relations,
        injectedItemErrors: o.itemError,
        rateLimit: "lifted (unlimited) for the demo",
        add: {
          added: added.outcomes.get("Added") ?? 0,
          pending: added.outcomes.get("Pending") ?? 0,
          alreadyFriends: added.outcomes.get("AlreadyFriends") ?? 0,
          failed: Object.fromEntries(added.failures),
          retries: added.retries,
          calls: addCalls,
          callsPerSecond: perSecond(addCalls, addMs),
          elapsedMs: addMs
        },
        check: {
          relations: Object.fromEntries(checked.outcomes),
          failed: Object.fromEntries(checked.failures),
          retries: checked.retries,
          calls: checkCalls,
          callsPerSecond: perSecond(checkCalls, checkMs),
          elapsedMs: checkMs
        },
        calls: counter.calls,
        callsPerSecond: perSecond(counter.calls, elapsedMs),
        elapsedMs
      }
    })
    return yield* program.pipe(
      Effect.provide(Friends.layer({ concurrency: o.concurrency }).pipe(Layer.provideMerge(kit)))
    )
  })

/** The readable report of a demo run. */
export const report = (s: Summary): string => {
  const sec = (ms: number) => `${(ms / 1000).toFixed(2)}s`
  return [
    `tim demo: ${s.accounts} accounts, ${s.relations} friend relations, ${s.injectedItemErrors * 100}% injected item faults`,
    `rate limit: ${s.rateLimit}`,
    "",
    "friend add",
    renderSummary({
      added: s.add.added,
      pending: s.add.pending,
      "already friends": s.add.alreadyFriends,
      "failed by code": s.add.failed,
      retries: s.add.retries,
      calls: `${s.add.calls} (${s.add.callsPerSecond}/s)`,
      elapsed: sec(s.add.elapsedMs)
    }).replace(/^/gm, "  "),
    "",
    "friend check",
    renderSummary({
      relations: s.check.relations,
      "failed by code": s.check.failed,
      retries: s.check.retries,
      calls: `${s.check.calls} (${s.check.callsPerSecond}/s)`,
      elapsed: sec(s.check.elapsedMs)
    }).replace(/^/gm, "  "),
    "",
    `total: ${s.calls} calls, ${s.callsPerSecond} calls/s, ${sec(s.elapsedMs)}`
  ].join("\n")
}

/** `tim demo`. */
export const command: Subcommand<"demo"> = Command.make(
  "demo",
  { json: Options.boolean("json").pipe(Options.withDescription("print the summary as one JSON object")) },
  (o) => Effect.flatMap(run(defaults), (summary) => Console.log(o.json ? JSON.stringify(summary) : report(summary)))
).pipe(
  Command.withDescription(
    "run the whole system in memory: 2 000 accounts, 10 000 friend adds with 5% injected faults, all checked"
  )
)
