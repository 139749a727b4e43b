/**
 * The Promise API against a real emulator on 127.0.0.1, over the default `FetchHttpClient` (the global fetch).
 */
import { inspect } from "node:util"
import { FetchHttpClient } from "@effect/platform"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Emulator, TestKit } from "@effect-tim/emulator"
import { Layer, ManagedRuntime, Redacted } from "effect"
import { TimFriends, TimRequestError } from "../src/index.js"
import { ids, importAccounts } from "./fixtures/setup.js"

const secret = Redacted.value(Emulator.testDefaults.secretKey)

/** The emulator (TestKit), with a client over fetch like TimFriends', to seed the accounts the tests use. */
const harness = ManagedRuntime.make(
  TestKit.layer({
    emulator: { defaultAllowType: "AllowType_Type_AllowAny", friendGetPageSize: 3 },
    httpClient: FetchHttpClient.layer
  }).pipe(Layer.orDie)
)

let baseUrl = ""
let friends: TimFriends
const accounts = (n: number, prefix: string) => {
  const list = ids(n, prefix)
  return harness.runPromise(importAccounts(list)).then(() => list as Array<string>)
}

const make = (options: Partial<TimFriends.Options> = {}) =>
  new TimFriends({
    sdkAppId: Emulator.testDefaults.sdkAppId,
    secretKey: secret,
    endpoint: baseUrl,
    rateLimit: Number.POSITIVE_INFINITY,
    retry: { maxAttempts: 3, baseDelay: 5, maxElapsed: 2000, backoffBaseDelay: 10 },
    blocklistPageSize: 2,
    ...options
  })

/** The rejection of a promise (fails the test if it resolves). */
const rejection = async (promise: Promise<unknown>): Promise<TimRequestError> => {
  try {
    await promise
  } catch (error) {
    assert.instanceOf(error, TimRequestError)
    assert.instanceOf(error, Error)
    return error as TimRequestError
  }
  return assert.fail("expected a rejection")
}

const collect = async <A>(iterable: AsyncIterable<A>): Promise<Array<A>> => {
  const out: Array<A> = []
  for await (const a of iterable) out.push(a)
  return out
}

beforeAll(async () => {
  baseUrl = (await harness.runPromise(Emulator.Emulator)).baseUrl
  friends = make()
})

afterAll(async () => {
  await friends.dispose()
  await harness.dispose()
})

describe("TimFriends", () => {
  it("add, addOne, check, checkOne: plain outcomes with tag, code and info", async () => {
    const [alice, bob, carol, blocker, dave] = await accounts(5, "tfadd")
    await friends.blockOne(blocker!, alice!)
    const added = await friends.add(alice!, [bob!, { toAccount: carol!, remark: "work" }, blocker!, "bad id!"])
    assert.strictEqual(added.retries, 0)
    assert.deepStrictEqual(added.items.slice(0, 2), [
      { toAccount: bob!, ok: true, value: "Added" },
      { toAccount: carol!, ok: true, value: "Added" }
    ])
    const [blocked, invalid] = [added.items[2]!, added.items[3]!]
    assert.isFalse(blocked.ok)
    assert.isFalse(invalid.ok)
    if (blocked.ok || invalid.ok) return
    assert.strictEqual(blocked.toAccount, blocker)
    assert.strictEqual(blocked.error.tag, "BlockedByTarget")
    assert.strictEqual(blocked.error.code, 30525)
    assert.isString(blocked.error.info)
    assert.include(blocked.error.message, "30525")
    assert.deepStrictEqual(Object.keys(invalid.error).sort(), ["message", "tag"])
    assert.strictEqual(invalid.error.tag, "InvalidItem")
    // plain data: survives a JSON round trip unchanged
    assert.deepStrictEqual(JSON.parse(JSON.stringify(added)), added)

    assert.strictEqual(await friends.addOne(alice!, dave!, { type: "single" }), "Added")
    assert.strictEqual(await friends.addOne(alice!, bob!), "AlreadyFriends")
    assert.strictEqual(await friends.checkOne(alice!, bob!), "CheckResult_Type_BothWay")
    const checked = await friends.check(alice!, [carol!, dave!, blocker!])
    assert.deepStrictEqual(
      checked.items.map((o) => (o.ok ? [o.toAccount, o.value] : [o.toAccount, o.error.tag])),
      [
        [carol, "CheckResult_Type_BothWay"],
        [dave, "CheckResult_Type_AWithB"],
        [blocker, "CheckResult_Type_NoRelation"]
      ]
    )
  })

  it("rejects with a TimRequestError carrying the typed error's tag, code, info and cause", async () => {
    const [alice, blocker] = await accounts(2, "tfrej")
    await friends.blockOne(blocker!, alice!)
    const error = await rejection(friends.addOne(alice!, blocker!))
    assert.strictEqual(error.name, "TimRequestError")
    assert.strictEqual(error.tag, "BlockedByTarget")
    assert.strictEqual(error.code, 30525)
    assert.isString(error.info)
    assert.strictEqual((error.cause as { _tag: string })._tag, "BlockedByTarget")
    assert.strictEqual((error.cause as { code: number }).code, 30525)
    assert.strictEqual(error.message, (error.cause as Error).message)

    const refused = await rejection(friends.check("bad id!", [alice!]))
    assert.strictEqual(refused.tag, "InvalidRequest")
    assert.isUndefined(refused.code)
    assert.include(refused.message, "fromAccount")

    // a JavaScript caller passing a string where an array is expected gets a typed refusal, not a crash
    const notArray = await rejection(friends.add(alice!, blocker as unknown as Array<string>))
    assert.strictEqual(notArray.tag, "InvalidRequest")
    assert.include(notArray.message, "targets: must be an array")
  })

  it("a transport failure rejects with tag TransportError", async () => {
    const unreachable = make({ endpoint: "http://127.0.0.1:1", retry: false, timeout: 2000 })
    try {
      const error = await rejection(unreachable.checkOne("alice", "bob"))
      assert.strictEqual(error.tag, "TransportError")
      assert.isUndefined(error.code)
    } finally {
      await unreachable.dispose()
    }
  })

  it("import, update, updateOne, list, iterateList, getProfiles", async () => {
    const [owner, ...others] = await accounts(6, "tfimp")
    const imported = await friends.import(
      owner!,
      others.map((toAccount, i) => ({ toAccount, remark: `r${i}`, groups: ["Imported"] }))
    )
    assert.isTrue(imported.items.every((o) => o.ok))
    assert.deepStrictEqual(
      imported.items.map((o) => o.toAccount),
      others
    )
    const updated = await friends.update(owner!, [{ toAccount: others[0]!, remark: "changed" }])
    assert.deepStrictEqual(updated.items, [{ toAccount: others[0]!, ok: true, value: undefined }])
    await friends.updateOne(owner!, { toAccount: others[1]!, groups: ["Moved"] })

    const listed = await friends.list(owner!) // 5 friends over pages of 3
    assert.sameMembers(
      listed.map((f) => f.toAccount),
      others
    )
    const first = listed.find((f) => f.toAccount === others[0])
    assert.strictEqual(first?.remark, "changed")
    assert.deepStrictEqual(listed.find((f) => f.toAccount === others[1])?.groups, ["Moved"])
    assert.deepStrictEqual(await collect(friends.iterateList(owner!)), listed)

    const profiles = await friends.getProfiles(owner!, [others[0]!, others[2]!], ["Tag_SNS_IM_Remark"])
    assert.deepStrictEqual(
      profiles.items.map((o) => (o.ok ? o.value.Tag_SNS_IM_Remark : o.error.tag)),
      ["changed", "r2"]
    )
  })

  it("remove, removeOne, removeAll", async () => {
    const [owner, a, b, c, d] = await accounts(5, "tfrem")
    await friends.add(owner!, [a!, b!, c!, d!])
    const removed = await friends.remove(owner!, [a!])
    assert.deepStrictEqual(removed.items, [{ toAccount: a!, ok: true, value: undefined }])
    await friends.removeOne(owner!, b!)
    assert.sameMembers(
      (await friends.list(owner!)).map((f) => f.toAccount),
      [c!, d!]
    )
    await friends.removeAll(owner!, { type: "both" })
    assert.deepStrictEqual(await friends.list(owner!), [])
    assert.strictEqual(await friends.checkOne(c!, owner!), "CheckResult_Type_NoRelation")
  })

  it("block, unblock, checkBlocked, checkBlockedOne, blocklist, iterateBlocklist", async () => {
    const [owner, a, b, c] = await accounts(4, "tfblk")
    const blocked = await friends.block(owner!, [a!, b!, c!])
    assert.isTrue(blocked.items.every((o) => o.ok && o.value === "Blocked"))
    assert.strictEqual(await friends.blockOne(owner!, a!), "AlreadyBlocked")
    const entries = await friends.blocklist(owner!) // 3 entries over pages of 2
    assert.sameMembers(
      entries.map((e) => e.toAccount),
      [a!, b!, c!]
    )
    assert.isTrue(entries.every((e) => Number.isInteger(e.blockedAt) && e.blockedAt > 0))
    assert.deepStrictEqual(await collect(friends.iterateBlocklist(owner!)), entries)
    const unblocked = await friends.unblock(owner!, [a!])
    assert.deepStrictEqual(unblocked.items, [{ toAccount: a!, ok: true, value: undefined }])
    await friends.unblockOne(owner!, b!)
    const checked = await friends.checkBlocked(owner!, [a!, c!], { type: "single" })
    assert.deepStrictEqual(
      checked.items.map((o) => (o.ok ? o.value : o.error.tag)),
      ["BlackCheckResult_Type_NO", "BlackCheckResult_Type_AWithB"]
    )
    assert.strictEqual(await friends.checkBlockedOne(c!, owner!), "BlackCheckResult_Type_BWithA")
  })

  it("addLists, getLists, removeLists", async () => {
    const [owner, f1, stranger] = await accounts(3, "tfgrp")
    await friends.addOne(owner!, f1!, { type: "single" })
    const added = await friends.addLists(owner!, ["Team", "Club"], [f1!, stranger!])
    assert.isNumber(added.sequence)
    assert.deepStrictEqual(
      added.members.items.map((o) => (o.ok ? "ok" : o.error.tag)),
      ["ok", "ListMemberNotFriend"]
    )
    const lists = await friends.getLists(owner!, { withMembers: true })
    assert.deepStrictEqual(
      lists.map((l): Array<unknown> => [l.name, l.size, l.members]).sort(),
      [
        ["Club", 1, [f1]],
        ["Team", 1, [f1]]
      ].sort()
    )
    const { sequence } = await friends.removeLists(owner!, ["Team"])
    assert.isAbove(sequence!, added.sequence!)
    assert.deepStrictEqual(
      (await friends.getLists(owner!)).map((l) => l.name),
      ["Club"]
    )
    const tooLong = await rejection(friends.addLists(owner!, ["x".repeat(31)]))
    assert.strictEqual(tooLong.tag, "InvalidRequest")
  })

  it("dispose and Symbol.asyncDispose: later calls reject with tag Disposed; disposing twice is fine", async () => {
    const [alice, bob] = await accounts(2, "tfdis")
    const own = make()
    assert.strictEqual(await own.checkOne(alice!, bob!), "CheckResult_Type_NoRelation")
    await own[Symbol.asyncDispose]()
    await own.dispose()
    assert.strictEqual((await rejection(own.checkOne(alice!, bob!))).tag, "Disposed")
    assert.strictEqual((await rejection(collect(own.iterateList(alice!)))).tag, "Disposed")
    // the shared instance is untouched
    assert.strictEqual(await friends.checkOne(alice!, bob!), "CheckResult_Type_NoRelation")
  })

  it("never shows the secret key: inspect, JSON, String, errors; invalid options throw at construction", async () => {
    const own = make()
    try {
      for (const shown of [
        inspect(own),
        inspect(own, { showHidden: true, depth: Number.POSITIVE_INFINITY, customInspect: false }),
        JSON.stringify(own),
        String(own),
        `${own}`
      ]) {
        assert.notInclude(shown, secret)
        assert.include(shown, String(Emulator.testDefaults.sdkAppId))
      }
      assert.deepStrictEqual(JSON.parse(JSON.stringify(own)), {
        sdkAppId: Emulator.testDefaults.sdkAppId,
        identifier: "administrator"
      })
    } finally {
      await own.dispose()
    }

    // a wrong key: the server refuses the UserSig, and nothing in the rejection shows the key
    const wrongKey = "not-the-secret-key-123"
    const wrong = make({ secretKey: wrongKey, retry: false })
    try {
      const error = await rejection(wrong.checkOne("alice", "bob"))
      assert.strictEqual(error.tag, "UserSigVerificationFailed")
      assert.strictEqual(error.code, 70009)
      for (const shown of [error.message, String(error.stack), inspect(error, { depth: 10 }), JSON.stringify(error)])
        assert.notInclude(shown, wrongKey)
    } finally {
      await wrong.dispose()
    }

    let thrown: unknown
    try {
      make({ region: "mars" as never, endpoint: undefined })
    } catch (error) {
      thrown = error
    }
    assert.instanceOf(thrown, TimRequestError)
    assert.strictEqual((thrown as TimRequestError).tag, "OptionsError")
    assert.include((thrown as TimRequestError).message, "region")
    try {
      make({ sdkAppId: 0, secretKey: "very-secret-value" })
      assert.fail("expected a throw")
    } catch (error) {
      assert.instanceOf(error, TimRequestError)
      assert.strictEqual((error as TimRequestError).tag, "UserSigError")
      assert.notInclude(inspect(error, { depth: 10 }), "very-secret-value")
    }
  })

  it("accounts: import, check, remove, setAllowType, getAllowType as plain outcomes and typed rejections", async () => {
    const [alice, bob, carol] = ids(3, "tfacc")
    const imported = await friends.accounts.import([alice!, bob!, carol!, "bad id!"])
    assert.deepStrictEqual(
      imported.items.map((i) => (i.ok ? [i.toAccount, "ok"] : [i.toAccount, i.error.tag])),
      [
        [alice, "ok"],
        [bob, "ok"],
        [carol, "ok"],
        ["bad id!", "InvalidItem"]
      ]
    )
    assert.deepStrictEqual(
      (await friends.accounts.check([alice!, "never_imported_tf"])).items.map((i) => (i.ok ? i.value : i.error.tag)),
      ["Imported", "NotImported"]
    )
    await friends.accounts.setAllowTypeOne(bob!, "AllowType_Type_DenyAny")
    const allow = await friends.accounts.getAllowType([alice!, bob!])
    assert.deepStrictEqual(
      allow.items.map((i) => (i.ok ? i.value : i.error.tag)),
      ["AllowType_Type_AllowAny", "AllowType_Type_DenyAny"]
    )
    const denied = await rejection(friends.addOne(alice!, bob!))
    assert.deepStrictEqual([denied.tag, denied.code], ["AddDenied", 30516])

    const removed = await friends.accounts.remove([carol!])
    assert.isTrue(removed.items[0]!.ok)
    assert.strictEqual(await friends.accounts.checkOne(carol!), "NotImported")

    // The same typed rejections as the rest: a refused argument, a refused item in the single form.
    const badType = await rejection(friends.accounts.setAllowType([alice!], "Maybe" as never))
    assert.deepStrictEqual([badType.tag, badType.message.includes("allowType")], ["InvalidRequest", true])
    const badId = await rejection(friends.accounts.checkOne("bad id!"))
    assert.strictEqual(badId.tag, "InvalidItem")
  })
})
