/**
 * The emulator sends callbacks; this package receives them: every REST write → callback → handler round trip, and a
 * simulated client add that a before-callback refuses.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Emulator, TestKit } from "@effect-tim/emulator"
import {
  BlocklistAdd,
  BlocklistDelete,
  FriendAdd,
  FriendDelete,
  FriendDeleteAll,
  FriendImport,
  MultiAccountImport
} from "@effect-tim/schema"
import { TimClient } from "@effect-tim/transport"
import { Effect, Layer, Redacted, type Scope } from "effect"
import { Callbacks } from "../src/index.js"

const token = Redacted.make("emulator-callback-token-0123456789")

interface Seen {
  readonly command: string
  readonly pairs: ReadonlyArray<string>
  readonly extra?: unknown
}

/** A receiver on 127.0.0.1:0 recording what its handlers saw; refuses client adds to accounts ending in `_no`. */
const receiver = (options: { delayMs?: number } = {}) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const seen: Array<Seen> = []
      const pairs = (e: { pairs: ReadonlyArray<{ fromAccount: string; toAccount: string }> }) =>
        e.pairs.map((p) => `${p.fromAccount}>${p.toAccount}`).sort()
      const delay = Effect.sleep(options.delayMs ?? 0)
      const handler = Callbacks.toNodeHandler(
        {
          onPrevFriendAdd: (e) =>
            Effect.sync(() => {
              seen.push({ command: e.command, pairs: e.items.map((i) => `${e.fromAccount}>${i.toAccount}`) })
              return (to: string) =>
                to.endsWith("_no") ? Callbacks.refuse("not allowed here", 38005) : Callbacks.allow
            }),
          onFriendAdd: (e) =>
            Effect.zipRight(
              delay,
              Effect.sync(
                () =>
                  void seen.push({
                    command: e.command,
                    pairs: pairs(e),
                    extra: [e.clientCmd, e.adminAccount, e.forceFlag]
                  })
              )
            ),
          onFriendDelete: (e) => Effect.sync(() => void seen.push({ command: e.command, pairs: pairs(e) })),
          onBlackListAdd: (e) => Effect.sync(() => void seen.push({ command: e.command, pairs: pairs(e) })),
          onBlackListDelete: (e) => Effect.sync(() => void seen.push({ command: e.command, pairs: pairs(e) }))
        },
        { sdkAppId: Emulator.testDefaults.sdkAppId, token, deadline: "5 seconds" }
      )
      const server: Server = createServer(handler)
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
      return { seen, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb` }
    }),
    ({ server }) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
  )

const withEmulator = <A, E>(
  callbackUrl: string,
  use: (emulator: Emulator.Emulator.Service) => Effect.Effect<A, E, TimClient.TimClient | Scope.Scope>,
  stateFile?: string
) =>
  Effect.flatMap(Emulator.Emulator, use).pipe(
    Effect.provide(
      TestKit.layer({
        emulator: {
          ...(stateFile === undefined ? {} : { stateFile }),
          defaultAllowType: "AllowType_Type_AllowAny",
          callbackUrl,
          callbackToken: token
        },
        client: { retry: false }
      }).pipe(Layer.orDie)
    )
  )

const call = <A extends Parameters<TimClient.TimClient["Type"]["call"]>[0]>(api: A, request: unknown) =>
  Effect.flatMap(TimClient.TimClient, (client) => client.call(api, request as never)).pipe(Effect.orDie)

/** Waits (up to 5 s) until `seen` has `n` entries. */
const until = (seen: ReadonlyArray<unknown>, n: number) =>
  Effect.gen(function* () {
    for (let i = 0; i < 500 && seen.length < n; i++) yield* Effect.sleep("10 millis")
    assert.strictEqual(seen.length, n, `expected ${n} callbacks, got ${JSON.stringify(seen)}`)
  })

const getJson = (url: string, init?: RequestInit) =>
  Effect.promise(() => fetch(url, init).then((r) => r.json() as Promise<Record<string, any>>))

let run = 0
const ids = (...names: Array<string>) => {
  const prefix = `cb${run++}${Date.now().toString(36)}`
  return names.map((n) => `${prefix}_${n}`)
}

describe("emulator → callbacks → handler", () => {
  it.live("an empty callback token fails the emulator's start with a typed error (anyone could sign)", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Effect.provide(
          Emulator.Emulator,
          Emulator.layerTest({ callbackUrl: "http://127.0.0.1:9/cb", callbackToken: Redacted.make("") })
        )
      )
      assert.strictEqual(error.reason, "InvalidOptions")
      assert.include(error.message, "callbackToken must not be empty")
    })
  )

  it.live("every after-callback a REST write triggers, signed, in the documented shape", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { seen, url } = yield* receiver()
        yield* withEmulator(url, (emulator) =>
          Effect.gen(function* () {
            const [a, b, c, d] = ids("a", "b", "c", "d") as [string, string, string, string]
            yield* call(MultiAccountImport.api, { accounts: [a, b, c, d] })
            const src = "AddSource_Type_Test"
            // Two-way add with a peer that allows anyone: both directions.
            yield* call(FriendAdd.api, { fromAccount: a, items: [{ toAccount: b, addSource: src }] })
            yield* until(seen, 1)
            assert.deepStrictEqual(seen[0], {
              command: "Sns.CallbackFriendAdd",
              pairs: [`${a}>${b}`, `${b}>${a}`].sort(),
              extra: ["friend_add", "administrator", 0]
            })
            // One-way forced add.
            yield* call(FriendAdd.api, {
              fromAccount: a,
              items: [{ toAccount: c, addSource: src }],
              addType: "Add_Type_Single",
              forceAddFlags: 1
            })
            yield* until(seen, 2)
            assert.deepStrictEqual(seen[1], {
              command: "Sns.CallbackFriendAdd",
              pairs: [`${a}>${c}`],
              extra: ["friend_add", "administrator", 1]
            })
            // friend_import triggers nothing (page 34359).
            yield* call(FriendImport.api, { fromAccount: a, items: [{ toAccount: d, addSource: src }] })
            // Deleting both ways.
            yield* call(FriendDelete.api, { fromAccount: a, toAccounts: [b], deleteType: "Delete_Type_Both" })
            yield* until(seen, 3)
            assert.deepStrictEqual(seen[2], {
              command: "Sns.CallbackFriendDelete",
              pairs: [`${a}>${b}`, `${b}>${a}`].sort()
            })
            // Blocking a friend deletes the friendship, then blocks.
            yield* call(BlocklistAdd.api, { fromAccount: a, toAccounts: [c] })
            yield* until(seen, 5)
            assert.deepStrictEqual(seen.slice(3), [
              { command: "Sns.CallbackFriendDelete", pairs: [`${a}>${c}`] },
              { command: "Sns.CallbackBlackListAdd", pairs: [`${a}>${c}`] }
            ])
            yield* call(BlocklistDelete.api, { fromAccount: a, toAccounts: [c] })
            yield* until(seen, 6)
            assert.deepStrictEqual(seen[5], { command: "Sns.CallbackBlackListDelete", pairs: [`${a}>${c}`] })
            // friend_delete_all removes the imported friend d (which never had a callback of its own).
            yield* call(FriendDeleteAll.api, { fromAccount: a, deleteType: "Delete_Type_Single" })
            yield* until(seen, 7)
            assert.deepStrictEqual(seen[6], { command: "Sns.CallbackFriendDelete", pairs: [`${a}>${d}`] })
            // A write that changes nothing sends nothing.
            yield* call(BlocklistDelete.api, { fromAccount: a, toAccounts: [c] })
            yield* Effect.sleep("100 millis")
            assert.strictEqual(seen.length, 7)
            const stats = (yield* getJson(`${emulator.baseUrl}/_emulator/stats`)).callbacks
            assert.deepStrictEqual(stats, { queued: 7, delivered: 7, retried: 0, failed: 0, dropped: 0 })
          })
        )
      })
    )
  )

  it.live("a simulated client add asks Sns.CallbackPrevFriendAdd; a refused account is not added", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { seen, url } = yield* receiver()
        yield* withEmulator(url, (emulator) =>
          Effect.gen(function* () {
            const [a, ok, no] = ids("a", "ok", "no") as [string, string, string]
            yield* call(MultiAccountImport.api, { accounts: [a, ok, no] })
            const answer = yield* getJson(`${emulator.baseUrl}/_emulator/client/friend_add`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({
                From_Account: a,
                AddFriendItem: [
                  { To_Account: ok, AddSource: "AddSource_Type_Web" },
                  { To_Account: no, AddSource: "AddSource_Type_Web" }
                ]
              })
            })
            assert.strictEqual(answer.PrevCallback, "answered")
            const codes = Object.fromEntries(
              (answer.ResultItem as Array<{ To_Account: string; ResultCode: number }>).map((i) => [
                i.To_Account,
                i.ResultCode
              ])
            )
            assert.deepStrictEqual(codes, { [ok]: 0, [no]: 38005 })
            yield* until(seen, 2)
            assert.deepStrictEqual(seen[0], {
              command: "Sns.CallbackPrevFriendAdd",
              pairs: [`${a}>${ok}`, `${a}>${no}`]
            })
            assert.deepStrictEqual(seen[1], {
              command: "Sns.CallbackFriendAdd",
              pairs: [`${a}>${ok}`, `${ok}>${a}`].sort(),
              extra: ["friend_add", "", 0]
            })
            const state = yield* emulator.snapshot
            const friendsOf = (who: string) => state.friendships.filter((f) => f.from === who).map((f) => f.to)
            assert.deepStrictEqual(friendsOf(a), [ok])
            assert.deepStrictEqual(friendsOf(no), [])
          })
        )
      })
    )
  )

  it.live(
    "a simulated client add with items that are not objects is answered 400, not 500; one from a missing account asks nothing",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const { seen, url } = yield* receiver()
          yield* withEmulator(url, (emulator) =>
            Effect.gen(function* () {
              const [a] = ids("a") as [string]
              yield* call(MultiAccountImport.api, { accounts: [a] })
              for (const items of [[null], [5], [["x"]]]) {
                const response = yield* Effect.promise(() =>
                  fetch(`${emulator.baseUrl}/_emulator/client/friend_add`, {
                    method: "POST",
                    headers: { "content-type": "application/json" },
                    body: JSON.stringify({ From_Account: a, AddFriendItem: items })
                  }).then(async (r) => ({ status: r.status, body: await r.text() }))
                )
                assert.deepStrictEqual(response, {
                  status: 400,
                  body: JSON.stringify({ error: "AddFriendItem must be an array of objects" })
                })
              }
              // A request from an account that does not exist is refused without asking the app.
              const unknown = yield* getJson(`${emulator.baseUrl}/_emulator/client/friend_add`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({ From_Account: `${a}_missing`, AddFriendItem: [{ To_Account: a }] })
              })
              assert.strictEqual(unknown.ErrorCode, 30003)
              assert.strictEqual(unknown.PrevCallback, "none")
              yield* Effect.sleep("100 millis")
              assert.strictEqual(seen.length, 0)
            })
          )
        })
      )
  )

  it.live("a slow receiver does not slow the REST answer; a dead one is retried and counted", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { seen, url } = yield* receiver({ delayMs: 1500 })
        yield* withEmulator(url, () =>
          Effect.gen(function* () {
            const [a, b] = ids("a", "b") as [string, string]
            yield* call(MultiAccountImport.api, { accounts: [a, b] })
            const started = Date.now()
            yield* call(FriendAdd.api, { fromAccount: a, items: [{ toAccount: b, addSource: "AddSource_Type_Test" }] })
            assert.isBelow(Date.now() - started, 1000)
            yield* until(seen, 1)
          })
        )
        // Nothing listens on this port any more.
        const dead = yield* Effect.promise(async () => {
          const s = createServer()
          await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve))
          const port = (s.address() as AddressInfo).port
          await new Promise<void>((resolve) => s.close(() => resolve()))
          return `http://127.0.0.1:${port}/cb`
        })
        yield* withEmulator(dead, (emulator) =>
          Effect.gen(function* () {
            const [a, b] = ids("a", "b") as [string, string]
            yield* call(MultiAccountImport.api, { accounts: [a, b] })
            yield* call(FriendAdd.api, { fromAccount: a, items: [{ toAccount: b, addSource: "AddSource_Type_Test" }] })
            let stats: Record<string, number> = {}
            for (let i = 0; i < 200 && stats.failed !== 1; i++) {
              yield* Effect.sleep("20 millis")
              stats = (yield* getJson(`${emulator.baseUrl}/_emulator/stats`)).callbacks
            }
            assert.deepStrictEqual(stats, { queued: 1, delivered: 0, retried: 2, failed: 1, dropped: 0 })
          })
        )
      })
    )
  )
  it.live("with a state file, a write's callback reports that write, not a later one served while it was saved", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const dir = yield* Effect.acquireRelease(
          Effect.sync(() => mkdtempSync(join(tmpdir(), "tim-cb-state-"))),
          (d) => Effect.sync(() => rmSync(d, { recursive: true, force: true }))
        )
        const { seen, url } = yield* receiver()
        yield* withEmulator(
          url,
          (emulator) =>
            Effect.gen(function* () {
              const names = ids(...Array.from({ length: 8 }, (_, i) => [`a${i}`, `b${i}`]).flat())
              yield* call(MultiAccountImport.api, { accounts: names })
              const pairs = Array.from({ length: 8 }, (_, i) => [names[2 * i]!, names[2 * i + 1]!] as const)
              // Each delete is sent while its add is (most likely) still waiting for its save.
              yield* Effect.forEach(
                pairs,
                ([a, b]) =>
                  Effect.all(
                    [
                      call(FriendAdd.api, {
                        fromAccount: a,
                        items: [{ toAccount: b, addSource: "AddSource_Type_Test" }],
                        addType: "Add_Type_Single",
                        forceAddFlags: 1
                      }),
                      Effect.zipRight(
                        Effect.sleep("2 millis"),
                        call(FriendDelete.api, { fromAccount: a, toAccounts: [b], deleteType: "Delete_Type_Single" })
                      )
                    ],
                    { concurrency: 2 }
                  ),
                { concurrency: "unbounded" }
              )
              for (let i = 0; i < 250; i++) {
                const stats: { queued: number; delivered: number } = (yield* getJson(
                  `${emulator.baseUrl}/_emulator/stats`
                )).callbacks
                if (stats.delivered === stats.queued && seen.length === stats.queued) break
                yield* Effect.sleep("20 millis")
              }
              const state = yield* emulator.snapshot
              for (const [a, b] of pairs) {
                // Replaying the pair's callbacks in order never deletes what was not added and ends where the
                // emulator's state ends.
                let friends = false
                for (const event of seen.filter((e) => e.pairs.includes(`${a}>${b}`))) {
                  if (event.command === "Sns.CallbackFriendAdd") {
                    assert.isFalse(friends, `${a}>${b} added twice: ${JSON.stringify(seen)}`)
                    friends = true
                  } else {
                    assert.isTrue(friends, `${a}>${b} deleted before it was added: ${JSON.stringify(seen)}`)
                    friends = false
                  }
                }
                assert.strictEqual(
                  friends,
                  state.friendships.some((f) => f.from === a && f.to === b)
                )
              }
            }),
          join(dir, "state.json")
        )
      })
    )
  )
})
