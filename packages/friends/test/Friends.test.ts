import { assert, describe, it } from "@effect/vitest"
import { TimError } from "@effect-tim/schema"
import { TimClient, TransportError } from "@effect-tim/transport"
import { Effect, Either, Fiber, Layer, Stream, TestClock, type Tracer } from "effect"
import { Friends, FriendsError } from "../src/index.js"

/** A scripted TimClient: `answer(command, request)` plays the server; every request is recorded. */
const scripted = (
  answer: (command: string, request: any) => Effect.Effect<any, any>,
  policy: TimClient.RetryPolicy | null = {
    maxAttempts: 3,
    baseDelay: "100 millis",
    factor: 2,
    maxElapsed: "10 seconds",
    backoffBaseDelay: "1 second"
  }
) => {
  const sent: Array<{ command: string; request: any }> = []
  const client = TimClient.TimClient.of({
    sdkAppId: 1400000000,
    identifier: "administrator",
    baseUrl: "http://127.0.0.1:0",
    call: ((api: any, request: any) =>
      Effect.suspend(() => {
        sent.push({ command: api.command, request })
        return answer(api.command, request)
      })) as any,
    retryPolicy: Effect.succeed(policy ?? undefined),
    scrub: (text: string) => text
  })
  const layer = Friends.layer().pipe(Layer.provide(Layer.succeed(TimClient.TimClient, client)))
  return { sent, layer }
}

const item = (toAccount: string, resultCode = 0, resultInfo = "") => ({ toAccount, resultCode, resultInfo })
const okAll = (request: any) =>
  Effect.succeed({ resultItems: (request.items ?? request.toAccounts).map((i: any) => item(i.toAccount ?? i)) })

describe("Friends (scripted client)", () => {
  it.effect("validates every item: invalid ones get InvalidItem, the valid ones are still sent", () => {
    const { layer, sent } = scripted((_, request) => okAll(request))
    return Effect.gen(function* () {
      const friends = yield* Friends.Friends
      const result = yield* friends.add("alice", [
        "bob",
        "not valid!",
        { toAccount: "carol", remark: "x".repeat(97) },
        { toAccount: "dave", addSource: "Android" },
        { toAccount: "erin", remark: "é".repeat(48) }
      ])
      assert.deepStrictEqual(
        result.items.map((o) => o.toAccount),
        ["bob", "not valid!", "carol", "dave", "erin"]
      )
      assert.deepStrictEqual(result.items[0]!.result, Either.right<Friends.AddResult>("Added"))
      assert.deepStrictEqual(result.items[4]!.result, Either.right<Friends.AddResult>("Added"))
      const bad = Friends.failures(result).map((f) => f.error as FriendsError.InvalidItem)
      assert.deepStrictEqual(
        bad.map((e) => [e._tag, e.target, e.field]),
        [
          ["InvalidItem", "not valid!", "toAccount"],
          ["InvalidItem", "carol", "remark"],
          ["InvalidItem", "dave", "addSource"]
        ]
      )
      assert.include(bad[1]!.reason, "97")
      assert.strictEqual(sent.length, 1)
      assert.deepStrictEqual(
        sent[0]!.request.items.map((i: any) => [i.toAccount, i.addSource]),
        [
          ["bob", "AddSource_Type_Server"],
          ["erin", "AddSource_Type_Server"]
        ]
      )
      assert.strictEqual(sent[0]!.request.addType, "Add_Type_Both")
    }).pipe(Effect.provide(layer))
  })

  it.effect("input of the wrong type (from untyped callers) is refused per item, never a crash", () => {
    const { layer, sent } = scripted((command, request) =>
      command === "friend_check"
        ? Effect.succeed({
            infoItems: request.toAccounts.map((t: string) => ({ ...item(t), relation: "CheckResult_Type_NoRelation" }))
          })
        : okAll(request)
    )
    return Effect.gen(function* () {
      const friends = yield* Friends.Friends
      const junk = [null, 123, {}, { toAccount: 5 }, "ok"] as never
      const added = yield* friends.add("alice", junk)
      const imported = yield* friends.import("alice", junk)
      const updated = yield* friends.update("alice", junk)
      const checked = yield* friends.check("alice", junk)
      const results: Array<Friends.BatchResult<unknown, { readonly _tag: string }>> = [
        added,
        imported,
        updated,
        checked
      ]
      for (const result of results) {
        assert.deepStrictEqual(
          result.items.map((o) => (Either.isLeft(o.result) ? o.result.left._tag : "ok")),
          [
            "InvalidItem",
            "InvalidItem",
            "InvalidItem",
            "InvalidItem",
            Either.isRight(result.items[4]!.result) ? "ok" : "InvalidItem"
          ]
        )
        assert.deepStrictEqual(
          result.items.map((o) => o.toAccount),
          ["null", "123", "[object Object]", "[object Object]", "ok"]
        )
      }
      // "ok" alone was sent by add, import and check (update has nothing to change for it)
      assert.deepStrictEqual(
        sent.map((s) => s.command),
        ["friend_add", "friend_import", "friend_check"]
      )
      assert.isTrue(
        sent.every((s) => JSON.stringify(s.request).includes('"ok"') && !JSON.stringify(s.request).includes("123"))
      )
    }).pipe(Effect.provide(layer))
  })

  it.effect("an invalid From_Account fails the whole call and sends nothing", () => {
    const { layer, sent } = scripted((_, request) => okAll(request))
    return Effect.gen(function* () {
      const friends = yield* Friends.Friends
      const error = yield* Effect.flip(friends.check("bad account", ["bob"]))
      // (not deepStrictEqual on the Exit: errors failed inside a span carry the span as a hidden property)
      assert.deepStrictEqual(
        [error._tag, error.api, error.field, error.reason],
        [
          "InvalidRequest",
          "v4/sns/friend_check",
          "fromAccount",
          'a UserID must be 1 to 32 characters of A-Z a-z 0-9 _ - (got "bad account")'
        ]
      )
      assert.strictEqual(sent.length, 0)
    }).pipe(Effect.provide(layer))
  })

  it.effect(
    "maps item codes: Added, Pending, AlreadyFriends, typed errors, undocumented codes, missing answers",
    () => {
      const { layer } = scripted(() =>
        Effect.succeed({
          resultItems: [
            item("a"),
            item("b", 30539, "pending"),
            item("c", 30001, "Err_SNS_FriendAdd_Friend_Exist"),
            item("d", 30525, "blocked"),
            item("e", 30001, "Err_SNS_FriendAdd_Other"),
            item("f", 31704, "not in friend_add's table"),
            item("zz") // not requested: ignored
          ]
        })
      )
      return Effect.gen(function* () {
        const friends = yield* Friends.Friends
        const result = yield* friends.add("alice", ["a", "b", "c", "d", "e", "f", "g"])
        assert.deepStrictEqual(
          result.items.map((o) => o.result),
          [
            Either.right<Friends.AddResult>("Added"),
            Either.right<Friends.AddResult>("Pending"),
            Either.right<Friends.AddResult>("AlreadyFriends"),
            Either.left(new TimError.BlockedByTarget({ info: "blocked" })),
            Either.left(new TimError.InvalidParameters({ info: "Err_SNS_FriendAdd_Other" })),
            Either.left(new TimError.UnknownCode({ code: 31704, info: "not in friend_add's table" })),
            Either.left(new FriendsError.MissingResult({ target: "g", api: "v4/sns/friend_add" }))
          ]
        )
        assert.deepStrictEqual(Friends.countOutcomes(result), {
          Added: 1,
          Pending: 1,
          AlreadyFriends: 1,
          BlockedByTarget: 1,
          InvalidParameters: 1,
          UnknownCode: 1,
          MissingResult: 1
        })
      }).pipe(Effect.provide(layer))
    }
  )

  it.effect("single-target forms put the item's typed error in the error channel", () => {
    const { layer } = scripted((_, request) =>
      Effect.succeed({ resultItems: request.items.map((i: any) => item(i.toAccount, 30525, "blocked")) })
    )
    return Effect.gen(function* () {
      const friends = yield* Friends.Friends
      const handled = yield* friends
        .addOne("alice", "bob")
        .pipe(Effect.catchTag("BlockedByTarget", (e) => Effect.succeed(`caught ${e.code}`)))
      assert.strictEqual(handled, "caught 30525")
    }).pipe(Effect.provide(layer))
  })

  it.effect("splits 2 500 targets into requests of at most 1 000 and merges the outcomes in order", () => {
    const { layer, sent } = scripted((_, request) =>
      Effect.succeed({
        // answer in reverse order: the merge must go by target, not by position
        infoItems: [...request.toAccounts].reverse().map((t: string) => ({
          ...item(t),
          relation: Number(t.slice(1)) % 2 === 0 ? "CheckResult_Type_BothWay" : "CheckResult_Type_NoRelation"
        }))
      })
    )
    return Effect.gen(function* () {
      const friends = yield* Friends.Friends
      const targets = Array.from({ length: 2500 }, (_, i) => `u${i}`)
      const result = yield* friends.check("alice", targets)
      assert.deepStrictEqual(
        sent.map((s) => s.request.toAccounts.length),
        [1000, 1000, 500]
      )
      assert.deepStrictEqual(
        result.items.map((o) => o.toAccount),
        targets
      )
      assert.isTrue(
        result.items.every(
          (o, i) =>
            Either.getOrThrow(o.result) === (i % 2 === 0 ? "CheckResult_Type_BothWay" : "CheckResult_Type_NoRelation")
        )
      )
    }).pipe(Effect.provide(layer))
  })

  it.effect("getProfiles splits at 100 accounts and refuses bad tags before sending", () => {
    const { layer, sent } = scripted((_, request) =>
      Effect.succeed({
        infoItems: request.toAccounts.map((t: string) => ({
          ...item(t),
          snsProfileItems: [{ Tag: "Tag_SNS_IM_Remark", Value: `r-${t}` }]
        }))
      })
    )
    return Effect.gen(function* () {
      const friends = yield* Friends.Friends
      const targets = Array.from({ length: 250 }, (_, i) => `p${i}`)
      const result = yield* friends.getProfiles("alice", targets, ["Tag_SNS_IM_Remark"])
      assert.deepStrictEqual(
        sent.map((s) => s.request.toAccounts.length),
        [100, 100, 50]
      )
      assert.deepStrictEqual(
        result.items.map((o) => Either.getOrThrow(o.result).Tag_SNS_IM_Remark),
        targets.map((t) => `r-${t}`)
      )
      const bad = yield* Effect.flip(friends.getProfiles("alice", targets, ["Remark"]))
      assert.deepStrictEqual([bad._tag, bad.field], ["InvalidRequest", "tags.0"])
      assert.strictEqual(sent.length, 3)
    }).pipe(Effect.provide(layer))
  })

  it.effect("refuses a non-array input from JavaScript callers with InvalidRequest, sending nothing", () => {
    const { layer, sent } = scripted((_, request) => okAll(request))
    return Effect.gen(function* () {
      const friends = yield* Friends.Friends
      const error = yield* Effect.flip(friends.check("alice", "bob" as unknown as ReadonlyArray<string>))
      assert.deepStrictEqual([error._tag, error.field, error.reason], ["InvalidRequest", "targets", "must be an array"])
      const nothing = yield* Effect.flip(friends.add("alice", null as unknown as ReadonlyArray<string>))
      assert.strictEqual(nothing._tag, "InvalidRequest")
      assert.strictEqual(sent.length, 0)
    }).pipe(Effect.provide(layer))
  })

  it.effect("refuses duplicate targets after their first position", () => {
    const { layer, sent } = scripted((_, request) => okAll(request))
    return Effect.gen(function* () {
      const friends = yield* Friends.Friends
      const result = yield* friends.block("alice", ["bob", "carol", "bob"])
      assert.deepStrictEqual(sent[0]!.request.toAccounts, ["bob", "carol"])
      assert.deepStrictEqual(result.items[0]!.result, Either.right("Blocked"))
      assert.deepStrictEqual(
        result.items[2]!.result,
        Either.left(
          new FriendsError.InvalidItem({
            target: "bob",
            field: "toAccount",
            reason: "duplicate target: already requested at position 0"
          })
        )
      )
    }).pipe(Effect.provide(layer))
  })

  it.effect("a failed request gives its error to its own items only", () => {
    const failure = new TransportError.TransportError({
      reason: "Connection",
      api: "v4/sns/black_list_add",
      detail: "x"
    })
    const { layer } = scripted((_, request) =>
      request.toAccounts[0] === "u1000" ? Effect.fail(failure) : okAll(request)
    )
    return Effect.gen(function* () {
      const friends = yield* Friends.Friends
      const targets = Array.from({ length: 1500 }, (_, i) => `u${i}`)
      const result = yield* friends.block("alice", targets)
      const { successes, failures } = Friends.partition(result)
      assert.strictEqual(successes.length, 1000)
      assert.strictEqual(failures.length, 500)
      for (const f of failures) {
        const e = f.error as TransportError.TransportError
        assert.deepStrictEqual([e._tag, e.reason, e.detail], ["TransportError", "Connection", "x"])
      }
      assert.strictEqual(failures[0]!.toAccount, "u1000")
    }).pipe(Effect.provide(layer))
  })

  it.effect("sends items answered 30006/30007/30008 again on their own, with backoff, until the policy ends", () => {
    const attempts = new Map<string, number>()
    const { layer, sent } = scripted((_, request) =>
      Effect.succeed({
        resultItems: request.items.map((i: any) => {
          const n = (attempts.get(i.toAccount) ?? 0) + 1
          attempts.set(i.toAccount, n)
          // b succeeds on its 2nd attempt, c on its 3rd, d never (30008 forever), e is final at once
          if (i.toAccount === "b" && n < 2) return item("b", 30006, "busy")
          if (i.toAccount === "c" && n < 3) return item("c", 30007, "timeout")
          if (i.toAccount === "d") return item("d", 30008, "conflict")
          if (i.toAccount === "e") return item("e", 30516, "deny")
          return item(i.toAccount)
        })
      })
    )
    return Effect.gen(function* () {
      const friends = yield* Friends.Friends
      const fiber = yield* Effect.fork(friends.add("alice", ["a", "b", "c", "d", "e"]))
      // the re-sends wait on the (jittered) backoff: they only complete once the clock moves
      yield* TestClock.adjust("10 seconds")
      const result = yield* Fiber.join(fiber)
      assert.deepStrictEqual(
        sent.map((s) => s.request.items.map((i: any) => i.toAccount)),
        [
          ["a", "b", "c", "d", "e"],
          ["b", "c", "d"],
          ["c", "d"]
        ]
      )
      assert.strictEqual(result.retries, 5)
      assert.deepStrictEqual(
        result.items.map((o) => o.result),
        [
          Either.right<Friends.AddResult>("Added"),
          Either.right<Friends.AddResult>("Added"),
          Either.right<Friends.AddResult>("Added"),
          Either.left(new TimError.WriteConflict({ info: "conflict" })),
          Either.left(new TimError.AddDenied({ info: "deny" }))
        ]
      )
    }).pipe(Effect.provide(layer))
  })

  it.effect("without a retry policy, retryable items keep their error at once", () => {
    const { layer, sent } = scripted(
      (_, request) => Effect.succeed({ resultItems: request.toAccounts.map((t: string) => item(t, 30006, "busy")) }),
      null
    )
    return Effect.gen(function* () {
      const friends = yield* Friends.Friends
      const result = yield* friends.unblock("alice", ["a"])
      assert.strictEqual(sent.length, 1)
      assert.strictEqual(result.retries, 0)
      assert.deepStrictEqual(result.items[0]!.result, Either.left(new TimError.ServerInternalError({ info: "busy" })))
    }).pipe(Effect.provide(layer))
  })

  it.effect("serialises writes per account, runs different accounts concurrently", () => {
    const inFlight = new Map<string, number>()
    const peak = new Map<string, number>()
    let overall = 0
    let overallPeak = 0
    const { layer } = scripted((_, request) =>
      Effect.gen(function* () {
        const from = request.fromAccount
        inFlight.set(from, (inFlight.get(from) ?? 0) + 1)
        overall++
        peak.set(from, Math.max(peak.get(from) ?? 0, inFlight.get(from)!))
        overallPeak = Math.max(overallPeak, overall)
        yield* Effect.sleep("10 millis")
        inFlight.set(from, inFlight.get(from)! - 1)
        overall--
        return { resultItems: request.toAccounts.map((t: string) => item(t)) }
      })
    )
    return Effect.gen(function* () {
      const friends = yield* Friends.Friends
      const fiber = yield* Effect.forEach(
        Array.from({ length: 40 }, (_, i) => i),
        (i) => friends.remove(`acct${i % 4}`, [`t${i}`]),
        { concurrency: "unbounded" }
      ).pipe(Effect.fork)
      yield* TestClock.adjust("1 second")
      const results = yield* Fiber.join(fiber)
      assert.isTrue(results.every((r) => Either.isRight(r.items[0]!.result)))
      assert.deepStrictEqual([...peak.values()], [1, 1, 1, 1])
      assert.strictEqual(overallPeak, 4)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a span per method with the account, the item count and the outcome counts", () => {
    let span: Tracer.Span | undefined
    const { layer } = scripted((_, request) =>
      Effect.map(Effect.currentSpan, (current) => {
        span = current
        return { resultItems: request.items.map((i: any) => item(i.toAccount, i.toAccount === "c" ? 30516 : 0)) }
      }).pipe(Effect.orDie)
    )
    return Effect.gen(function* () {
      const friends = yield* Friends.Friends
      yield* friends.add("alice", ["a", "b", "c", "bad!"])
      assert.strictEqual(span?.name, "tim.friends.add")
      assert.deepStrictEqual(Object.fromEntries(span!.attributes), {
        "tim.from_account": "alice",
        "tim.items": 4,
        "tim.succeeded": 2,
        "tim.failed": 2,
        "tim.retries": 0
      })
    }).pipe(Effect.provide(layer))
  })

  it.effect("list follows NextStartIndex until CompleteFlag", () => {
    const { layer, sent } = scripted((_, request) =>
      Effect.succeed({
        userDataItems: [
          {
            toAccount: `f${request.startIndex}`,
            valueItems: [
              { Tag: "Tag_SNS_IM_Remark", Value: "r" },
              { Tag: "Tag_SNS_IM_Group", Value: ["g"] },
              { Tag: "Tag_SNS_IM_AddTime", Value: 7 },
              { Tag: "Tag_SNS_Custom_Test", Value: 3 }
            ]
          }
        ],
        standardSequence: 1,
        customSequence: 1,
        friendNum: 3,
        completeFlag: request.startIndex === 2 ? 1 : 0,
        nextStartIndex: request.startIndex + 1
      })
    )
    return Effect.gen(function* () {
      const friends = yield* Friends.Friends
      const all = yield* Stream.runCollect(friends.list("alice"))
      assert.deepStrictEqual(
        sent.map((s) => s.request.startIndex),
        [0, 1, 2]
      )
      assert.deepStrictEqual(
        [...all].map((f) => f.toAccount),
        ["f0", "f1", "f2"]
      )
      assert.deepStrictEqual([...all][0], {
        toAccount: "f0",
        remark: "r",
        groups: ["g"],
        addTime: 7,
        custom: { Tag_SNS_Custom_Test: 3 }
      })
    }).pipe(Effect.provide(layer))
  })

  it.effect("blocklist follows StartIndex until 0", () => {
    const { layer, sent } = scripted((_, request) =>
      Effect.succeed({
        blockedItems: [{ toAccount: `b${request.startIndex}`, addBlackTimeStamp: 5 }],
        startIndex: request.startIndex < 20 ? request.startIndex + 10 : 0,
        currentSequence: 1
      })
    )
    return Effect.gen(function* () {
      const friends = yield* Friends.Friends
      const all = yield* Stream.runCollect(friends.blocklist("alice"))
      assert.deepStrictEqual(
        sent.map((s) => s.request.startIndex),
        [0, 10, 20]
      )
      assert.deepStrictEqual(
        [...all],
        [
          { toAccount: "b0", blockedAt: 5 },
          { toAccount: "b10", blockedAt: 5 },
          { toAccount: "b20", blockedAt: 5 }
        ]
      )
    }).pipe(Effect.provide(layer))
  })
})
