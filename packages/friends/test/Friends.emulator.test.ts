import { assert, describe, it } from "@effect/vitest"
import { Emulator } from "@effect-tim/emulator"
import { TimClient } from "@effect-tim/transport"
import { Chunk, Effect, Either, Stream, TestServices } from "effect"
import { Friends, type FriendsError } from "../src/index.js"
import { ids, importAccounts, inFlight, layer, setAllowType } from "./fixtures/setup.js"

const tagOf = (r: Either.Either<unknown, { readonly _tag: string }>) => (Either.isRight(r) ? r.right : r.left._tag)

describe("Friends over HTTP against the emulator", () => {
  it.layer(layer({ friendGetPageSize: 7 }, { blocklistPageSize: 10 }))("", (it) => {
    it.effect("add: every documented outcome, and the emulator's state matches", () =>
      Effect.gen(function* () {
        const friends = yield* Friends.Friends
        const emulator = yield* Emulator.Emulator
        const [alice, open, confirm, deny, blocker, blocked, existing, ghost] = ids(8, "add")
        yield* importAccounts([alice!, open!, confirm!, deny!, blocker!, blocked!, existing!])
        yield* setAllowType(confirm!, "AllowType_Type_NeedConfirm")
        yield* setAllowType(deny!, "AllowType_Type_DenyAny")
        yield* friends.blockOne(blocker!, alice!)
        yield* friends.blockOne(alice!, blocked!)
        assert.strictEqual(yield* friends.addOne(alice!, existing!), "Added")

        const result = yield* friends.add(alice!, [
          { toAccount: open!, remark: "hi", groupName: "Work" },
          confirm!,
          deny!,
          blocker!,
          blocked!,
          existing!,
          ghost!,
          "bad id!"
        ])
        assert.deepStrictEqual(
          result.items.map((o) => [o.toAccount, tagOf(o.result)]),
          [
            [open, "Added"],
            [confirm, "Pending"],
            [deny, "AddDenied"],
            [blocker, "BlockedByTarget"],
            [blocked, "TargetInBlocklist"],
            [existing, "AlreadyFriends"],
            [ghost, "AccountNotFound"],
            ["bad id!", "InvalidItem"]
          ]
        )
        const state = yield* emulator.snapshot
        const mine = state.friendships.filter((f) => f.from === alice).map((f) => f.to)
        assert.sameMembers(mine, [open!, existing!])
        assert.deepStrictEqual(
          state.friendships.filter((f) => f.from === alice && f.to === open).map((f) => [f.remark, f.groups]),
          [["hi", ["Work"]]]
        )
        assert.deepStrictEqual(
          state.pending.filter((p) => p.from === alice).map((p) => p.to),
          [confirm]
        )
        const caught = yield* friends
          .addOne(alice!, blocker!)
          .pipe(Effect.catchTag("BlockedByTarget", (e) => Effect.succeed(`blocked: ${e.code}`)))
        assert.strictEqual(caught, "blocked: 30525")
      })
    )

    it.effect("check: every relation, both ways and one way", () =>
      Effect.gen(function* () {
        const friends = yield* Friends.Friends
        const [alice, both, mine, theirs, none] = ids(5, "rel")
        yield* importAccounts([alice!, both!, mine!, theirs!, none!])
        yield* friends.addOne(alice!, both!)
        yield* friends.addOne(alice!, mine!, { type: "single" })
        yield* friends.addOne(theirs!, alice!, { type: "single" })
        const targets = [both!, mine!, theirs!, none!]
        const twoWay = yield* friends.check(alice!, targets)
        assert.deepStrictEqual(
          twoWay.items.map((o) => Either.getOrUndefined(o.result)),
          [
            "CheckResult_Type_BothWay",
            "CheckResult_Type_AWithB",
            "CheckResult_Type_BWithA",
            "CheckResult_Type_NoRelation"
          ]
        )
        const oneWay = yield* friends.check(alice!, targets, { type: "single" })
        assert.deepStrictEqual(
          oneWay.items.map((o) => Either.getOrUndefined(o.result)),
          [
            "CheckResult_Type_AWithB",
            "CheckResult_Type_AWithB",
            "CheckResult_Type_NoRelation",
            "CheckResult_Type_NoRelation"
          ]
        )
        assert.strictEqual(yield* friends.checkOne(both!, alice!), "CheckResult_Type_BothWay")
      })
    )

    it.effect("2 500 adds and checks are split, sent and merged in the caller's order", () =>
      Effect.gen(function* () {
        const friends = yield* Friends.Friends
        const [owner] = ids(1, "big")
        const targets = ids(2500, "bt")
        yield* importAccounts([owner!, ...targets])
        // every third target is left out of the add, so the check has two relations to put in order
        const added = targets.filter((_, i) => i % 3 !== 0)
        const addResult = yield* friends.add(owner!, added, { type: "single" })
        assert.strictEqual(addResult.items.length, added.length)
        assert.deepStrictEqual(
          addResult.items.map((o) => o.toAccount),
          added
        )
        assert.isTrue(addResult.items.every((o) => Either.getOrUndefined(o.result) === "Added"))

        const reversed = [...targets].reverse()
        const checkResult = yield* friends.check(owner!, reversed, { type: "single" })
        assert.deepStrictEqual(
          checkResult.items.map((o) => o.toAccount),
          reversed
        )
        checkResult.items.forEach((o) => {
          const i = targets.indexOf(o.toAccount)
          assert.deepStrictEqual(
            o.result,
            Either.right(i % 3 === 0 ? "CheckResult_Type_NoRelation" : "CheckResult_Type_AWithB")
          )
        })
      })
    )

    it.effect("validation errors mixed with valid items: only the valid ones are sent", () =>
      Effect.gen(function* () {
        const friends = yield* Friends.Friends
        const emulator = yield* Emulator.Emulator
        const [owner, a, b] = ids(3, "val")
        yield* importAccounts([owner!, a!, b!])
        const result = yield* friends.import(owner!, [
          { toAccount: a!, remark: "ok", groups: ["G1"], custom: {} },
          { toAccount: "x".repeat(33) },
          { toAccount: b!, remark: "r".repeat(97) },
          { toAccount: b!, addSource: "Android" },
          { toAccount: b!, addSource: "AddSource_Type_Web", addTime: 1_700_000_000 }
        ])
        assert.deepStrictEqual(
          result.items.map((o) => tagOf(o.result)),
          [undefined, "InvalidItem", "InvalidItem", "InvalidItem", undefined]
        )
        assert.deepStrictEqual(
          Friends.failures(result).map((f) => (f.error as FriendsError.InvalidItem).field),
          ["toAccount", "remark", "addSource"]
        )
        const state = yield* emulator.snapshot
        assert.deepStrictEqual(
          state.friendships
            .filter((f) => f.from === owner)
            .map((f) => [f.to, f.addSource])
            .sort(),
          [
            [a, "AddSource_Type_Server"],
            [b, "AddSource_Type_Web"]
          ].sort()
        )
        const bad = yield* Effect.flip(friends.add("no good", [a!]))
        assert.strictEqual(bad._tag, "InvalidRequest")
      })
    )

    it.effect("update, getProfiles, list (multi-page), remove and removeAll", () =>
      Effect.gen(function* () {
        const friends = yield* Friends.Friends
        const [owner, stranger, ...others] = ids(22, "lst")
        yield* importAccounts([owner!, stranger!, ...others])
        yield* friends.import(
          owner!,
          others.map((toAccount, i) => ({ toAccount, remark: `r${i}`, groups: i % 2 === 0 ? ["Even"] : [] }))
        )
        const updated = yield* friends.update(owner!, [
          { toAccount: others[0]!, remark: "first", groups: ["A", "B"] },
          { toAccount: owner!, remark: "self" }
        ])
        assert.deepStrictEqual(Either.isRight(updated.items[0]!.result), true)
        assert.strictEqual(tagOf(updated.items[1]!.result), "InvalidParameters")

        const all = Chunk.toReadonlyArray(yield* Stream.runCollect(friends.list(owner!)))
        assert.strictEqual(all.length, 20) // 3 pages of 7
        assert.sameMembers(
          all.map((f) => f.toAccount),
          others
        )
        const first = all.find((f) => f.toAccount === others[0])!
        assert.deepStrictEqual([first.remark, [...first.groups].sort()], ["first", ["A", "B"]])

        const profiles = yield* friends.getProfiles(owner!, [others[0]!, others[1]!], ["Tag_SNS_IM_Remark"])
        assert.deepStrictEqual(
          profiles.items.map((o) => Either.getOrUndefined(o.result)?.Tag_SNS_IM_Remark),
          ["first", "r1"]
        )

        const removed = yield* friends.remove(owner!, [others[0]!, others[0]!, stranger!], { type: "single" })
        assert.deepStrictEqual(
          removed.items.map((o) => tagOf(o.result)),
          [undefined, "InvalidItem", "NotFriend"]
        )
        const notFriend = yield* Effect.flip(friends.removeOne(owner!, others[0]!))
        assert.strictEqual(notFriend._tag, "NotFriend")
        yield* friends.removeAll(owner!)
        assert.strictEqual(Chunk.size(yield* Stream.runCollect(friends.list(owner!))), 0)
      })
    )

    it.effect("block, checkBlocked, blocklist (multi-page) and unblock", () =>
      Effect.gen(function* () {
        const friends = yield* Friends.Friends
        const emulator = yield* Emulator.Emulator
        const [owner, ...others] = ids(26, "blk")
        yield* importAccounts([owner!, ...others])
        const blocked = yield* friends.block(owner!, others)
        assert.deepStrictEqual(Friends.countOutcomes(blocked), { Blocked: 25 })
        // Blocking again is idempotent: Tencent's 30001 Already_Exist is reported as its own success.
        assert.strictEqual(tagOf((yield* friends.block(owner!, [others[0]!])).items[0]!.result), "AlreadyBlocked")
        assert.strictEqual(yield* friends.blockOne(owner!, others[1]!), "AlreadyBlocked")

        const entries = Chunk.toReadonlyArray(yield* Stream.runCollect(friends.blocklist(owner!)))
        assert.strictEqual(entries.length, 25) // 3 pages of 10
        assert.sameMembers(
          entries.map((e) => e.toAccount),
          others
        )
        const addedAt = new Map(
          (yield* emulator.snapshot).blocklists.filter((b) => b.from === owner).map((b) => [b.to, b.addedAt])
        )
        assert.isTrue(entries.every((e) => e.blockedAt === addedAt.get(e.toAccount)))

        assert.strictEqual(yield* friends.checkBlockedOne(owner!, others[0]!), "BlackCheckResult_Type_AWithB")
        assert.strictEqual(yield* friends.checkBlockedOne(others[0]!, owner!), "BlackCheckResult_Type_BWithA")

        const unblocked = yield* friends.unblock(owner!, [others[0]!, others[0]!])
        assert.deepStrictEqual(
          unblocked.items.map((o) => tagOf(o.result)),
          [undefined, "InvalidItem"]
        )
        const notBlocked = yield* Effect.flip(friends.unblockOne(owner!, others[0]!))
        assert.strictEqual(notBlocked._tag, "InvalidParameters")
        assert.strictEqual(yield* friends.checkBlockedOne(owner!, others[0]!), "BlackCheckResult_Type_NO")
      })
    )

    it.effect("friend lists: addLists with members, getLists, removeLists", () =>
      Effect.gen(function* () {
        const friends = yield* Friends.Friends
        const [owner, f1, f2, stranger] = ids(4, "grp")
        yield* importAccounts([owner!, f1!, f2!, stranger!])
        yield* friends.add(owner!, [f1!, f2!], { type: "single" })
        const added = yield* friends.addLists(owner!, ["Team", "Club"], [f1!, stranger!])
        assert.deepStrictEqual(
          added.members.items.map((o) => tagOf(o.result)),
          [undefined, "ListMemberNotFriend"]
        )
        const lists = yield* friends.getLists(owner!, { withMembers: true })
        assert.deepStrictEqual(
          lists.map((l): Array<unknown> => [l.name, l.size, l.members]).sort(),
          [
            ["Club", 1, [f1]],
            ["Team", 1, [f1]]
          ].sort()
        )
        const named = yield* friends.getLists(owner!, { names: ["Team"] })
        assert.deepStrictEqual(
          named.map((l) => l.name),
          ["Team"]
        )
        yield* friends.removeLists(owner!, ["Team"])
        assert.deepStrictEqual(
          (yield* friends.getLists(owner!)).map((l) => l.name),
          ["Club"]
        )
        const tooLong = yield* Effect.flip(friends.addLists(owner!, ["x".repeat(31)]))
        assert.deepStrictEqual(tooLong._tag === "InvalidRequest" ? tooLong.field : tooLong._tag, "names.0")
      })
    )

    it.effect("writes for one account from many fibers never overlap; other accounts run alongside", () =>
      Effect.gen(function* () {
        const friends = yield* Friends.Friends
        const emulator = yield* Emulator.Emulator
        const [a, b, ...targets] = ids(42, "conc")
        yield* importAccounts([a!, b!, ...targets])
        inFlight.peak.clear()
        const results = yield* Effect.forEach(
          targets,
          (t, i) =>
            i % 2 === 0 ? friends.addOne(a!, t, { type: "single" }) : friends.addOne(b!, t, { type: "single" }),
          { concurrency: "unbounded" }
        )
        assert.isTrue(results.every((r) => r === "Added"))
        assert.strictEqual(inFlight.peak.get(a!), 1)
        assert.strictEqual(inFlight.peak.get(b!), 1)
        const state = yield* emulator.snapshot
        assert.strictEqual(state.friendships.filter((f) => f.from === a || f.from === b).length, 40)
      })
    )
  })

  it.layer(layer({}, {}, {}))("under injected item faults", (it) => {
    // live clock: the per-item backoff (a few milliseconds here) sleeps for real
    it.effect("every item ends with exactly one outcome, and the state matches the outcomes", () =>
      Effect.gen(function* () {
        const friends = yield* Friends.Friends
        const emulator = yield* Emulator.Emulator
        const [owner] = ids(1, "flt")
        const targets = ids(400, "ft")
        yield* importAccounts([owner!, ...targets])
        yield* emulator.setFaults({ itemError: 0.3, seed: 7 })
        const result = yield* friends
          .add(owner!, targets, { type: "single" })
          .pipe(Effect.ensuring(Effect.orDie(emulator.setFaults({ itemError: 0 }))))
        assert.strictEqual(result.items.length, targets.length)
        assert.deepStrictEqual(
          result.items.map((o) => o.toAccount),
          targets
        )
        assert.isAbove(result.retries, 0)
        const { failures, successes } = Friends.partition(result)
        // the only failures left are retryable codes whose retries ran out
        for (const f of failures) assert.include(["ServerInternalError", "ServerTimeout"], f.error._tag)
        const state = yield* emulator.snapshot
        assert.sameMembers(
          state.friendships.filter((f) => f.from === owner).map((f) => f.to),
          successes.map((s) => s.toAccount)
        )
        assert.strictEqual(successes.length + failures.length, targets.length)
        const check = yield* friends.check(owner!, targets, { type: "single" })
        const stillFailing = Friends.failures(check).length
        const related = Friends.successes(check).filter((s) => s.value === "CheckResult_Type_AWithB").length
        assert.strictEqual(stillFailing, 0)
        assert.strictEqual(related, successes.length)
      }).pipe(TestServices.provideLive)
    )

    it.effect("TimClient.withRetry(effect, false) turns the per-item re-sends off too", () =>
      Effect.gen(function* () {
        const friends = yield* Friends.Friends
        const emulator = yield* Emulator.Emulator
        const [owner] = ids(1, "nrt")
        const targets = ids(100, "nr")
        yield* importAccounts([owner!, ...targets])
        yield* emulator.setFaults({ itemError: 0.3, seed: 11 })
        const result = yield* TimClient.withRetry(friends.add(owner!, targets, { type: "single" }), false).pipe(
          Effect.ensuring(Effect.orDie(emulator.setFaults({ itemError: 0 })))
        )
        assert.strictEqual(result.retries, 0)
        const { failures, successes } = Friends.partition(result)
        assert.isAbove(failures.length, 0)
        for (const f of failures) assert.include(["ServerInternalError", "ServerTimeout"], f.error._tag)
        const state = yield* emulator.snapshot
        assert.sameMembers(
          state.friendships.filter((f) => f.from === owner).map((f) => f.to),
          successes.map((s) => s.toAccount)
        )
      }).pipe(TestServices.provideLive)
    )
  })
})
