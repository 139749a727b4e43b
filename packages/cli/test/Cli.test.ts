import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { assert, describe, it, layer } from "@effect/vitest"
import { Emulator } from "@effect-tim/emulator"
import { Effect } from "effect"
import { envFor, json, tim, timAt } from "./helpers.js"

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "tim-cli-"))

layer(Emulator.layerTest(), { excludeTestServices: true })("tim against an emulator", (it) => {
  it.effect("account import, check and delete: table, --json, invalid accounts fail as items", () =>
    Effect.gen(function* () {
      const imported = yield* timAt("account", "import", "acc_a", "acc_b")
      assert.strictEqual(imported.code, 0)
      assert.match(imported.stdout, /acc_a\s+Imported/)
      const checked = yield* timAt("account", "check", "acc_a", "acc_nobody", "--json")
      assert.strictEqual(checked.code, 0)
      assert.deepStrictEqual(json(checked).items, [
        { account: "acc_a", outcome: "Imported" },
        { account: "acc_nobody", outcome: "NotImported" }
      ])
      const invalid = yield* timAt("account", "import", "acc_c", "not valid!", "--json")
      assert.strictEqual(invalid.code, 2)
      const doc = json(invalid)
      assert.deepStrictEqual(doc.items[0], { account: "acc_c", outcome: "Imported" })
      assert.strictEqual(doc.items[1].error.tag, "InvalidAccount")
      assert.deepStrictEqual([doc.summary.succeeded, doc.summary.failed], [1, 1])
      const deleted = yield* timAt("account", "delete", "acc_b", "--json")
      assert.strictEqual(deleted.code, 0)
      assert.deepStrictEqual(json(deleted).items, [{ account: "acc_b", outcome: "Deleted" }])
      const after = yield* timAt("account", "check", "acc_b", "--json")
      assert.strictEqual(json(after).items[0].outcome, "NotImported")
    })
  )

  it.effect("friend add: options after positionals, pending, added, already friends, failures exit 2", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      yield* timAt("account", "import", "fa_alice", "fa_bob", "fa_carol")
      // Connection options on the command line, after the positional arguments, in any order.
      const env = envFor(emulator.baseUrl)
      const pending = yield* tim(
        {},
        "friend",
        "add",
        "fa_alice",
        "fa_bob",
        "--endpoint",
        emulator.baseUrl,
        "--json",
        "--sdkappid",
        env.TIM_SDKAPPID!,
        "--secret-key",
        env.TIM_SECRET_KEY!
      )
      assert.strictEqual(pending.code, 0, pending.stderr)
      assert.deepStrictEqual(json(pending).items, [{ from: "fa_alice", to: "fa_bob", outcome: "Pending" }])
      assert.notInclude(pending.stderr, "embedded emulator")

      const allow = yield* timAt("profile", "set-allow-type", "fa_carol", "allow-any")
      assert.strictEqual(allow.code, 0)
      assert.include(allow.stdout, "AllowType_Type_AllowAny")
      const added = yield* timAt("friend", "add", "fa_alice", "fa_carol", "--remark", "Carol", "--group", "team")
      assert.strictEqual(added.code, 0)
      assert.match(added.stdout, /fa_carol\s+Added/)
      const again = yield* timAt("friend", "add", "fa_alice", "fa_carol", "--json")
      assert.strictEqual(json(again).items[0].outcome, "AlreadyFriends")
      assert.strictEqual(again.code, 0)

      const mixed = yield* timAt("friend", "add", "fa_bob", "fa_carol", "fa_ghost", "--json", "--force")
      assert.strictEqual(mixed.code, 2)
      const doc = json(mixed)
      assert.deepStrictEqual(doc.items[0], { from: "fa_bob", to: "fa_carol", outcome: "Added" })
      assert.deepStrictEqual(
        [doc.items[1].from, doc.items[1].to, doc.items[1].error.tag, doc.items[1].error.code],
        ["fa_bob", "fa_ghost", "AccountNotFound", 30003]
      )
      assert.deepStrictEqual(doc.summary.failures, { "30003 AccountNotFound": 1 })
      const table = yield* timAt("friend", "add", "fa_bob", "fa_ghost")
      assert.strictEqual(table.code, 2)
      assert.match(table.stdout, /fa_ghost\s+FAILED 30003 AccountNotFound/)
    })
  )

  it.effect("friend check, get, update, get-list, delete and delete-all", () =>
    Effect.gen(function* () {
      yield* timAt("account", "import", "fc_a", "fc_b", "fc_c")
      yield* timAt("friend", "add", "fc_a", "fc_b", "fc_c", "--force")
      const check = yield* timAt("friend", "check", "fc_a", "fc_b", "fc_c", "--json")
      assert.strictEqual(check.code, 0)
      assert.deepStrictEqual(
        json(check).items.map((i: any) => i.outcome),
        ["CheckResult_Type_BothWay", "CheckResult_Type_BothWay"]
      )
      const single = yield* timAt("friend", "check", "fc_b", "fc_c", "--type", "single", "--json")
      assert.strictEqual(json(single).items[0].outcome, "CheckResult_Type_NoRelation")

      const update = yield* timAt("friend", "update", "fc_a", "fc_b", "--remark", "Bee", "--group", "g1")
      assert.strictEqual(update.code, 0, update.stdout)
      const get = yield* timAt("friend", "get", "fc_a", "--json")
      const friends = json(get).friends
      assert.deepStrictEqual(friends.map((f: any) => f.toAccount).sort(), ["fc_b", "fc_c"])
      const bee = friends.find((f: any) => f.toAccount === "fc_b")
      assert.deepStrictEqual([bee.remark, bee.groups], ["Bee", ["g1"]])
      const text = yield* timAt("friend", "get", "fc_a")
      assert.match(text.stdout, /fc_b\s+Bee\s+g1/)
      const profiles = yield* timAt("friend", "get-list", "fc_a", "fc_b", "--tag", "Tag_SNS_IM_Remark", "--json")
      assert.strictEqual(profiles.code, 0, profiles.stderr)
      assert.strictEqual(json(profiles).items[0].outcome.Tag_SNS_IM_Remark, "Bee")

      const del = yield* timAt("friend", "delete", "fc_a", "fc_b", "--json")
      assert.deepStrictEqual(json(del).items, [{ from: "fc_a", to: "fc_b", outcome: "Deleted" }])
      const delAgain = yield* timAt("friend", "delete", "fc_a", "fc_b", "--json")
      assert.strictEqual(delAgain.code, 2)
      assert.strictEqual(json(delAgain).items[0].error.code, 31704)
      const all = yield* timAt("friend", "delete-all", "fc_a")
      assert.strictEqual(all.code, 0)
      const empty = yield* timAt("friend", "get", "fc_a", "--json")
      assert.deepStrictEqual(json(empty).friends, [])
    })
  )

  it.effect("blocklist add, check, get, delete and friend lists add, get, delete", () =>
    Effect.gen(function* () {
      yield* timAt("account", "import", "bl_a", "bl_b", "bl_c")
      const block = yield* timAt("blocklist", "add", "bl_a", "bl_b", "--json")
      assert.deepStrictEqual(json(block).items, [{ from: "bl_a", to: "bl_b", outcome: "Blocked" }])
      const check = yield* timAt("blocklist", "check", "bl_a", "bl_b", "bl_c", "--type", "single", "--json")
      assert.deepStrictEqual(
        json(check).items.map((i: any) => i.outcome),
        ["BlackCheckResult_Type_AWithB", "BlackCheckResult_Type_NO"]
      )
      const get = yield* timAt("blocklist", "get", "bl_a", "--json")
      assert.deepStrictEqual(
        json(get).blocked.map((b: any) => b.toAccount),
        ["bl_b"]
      )
      const unblock = yield* timAt("blocklist", "delete", "bl_a", "bl_b")
      assert.strictEqual(unblock.code, 0)
      assert.deepStrictEqual(json(yield* timAt("blocklist", "get", "bl_a", "--json")).blocked, [])

      yield* timAt("friend", "add", "bl_a", "bl_c", "--force")
      const lists = yield* timAt("list", "add", "bl_a", "work", "home", "--member", "bl_c", "--json")
      assert.strictEqual(lists.code, 0, lists.stdout + lists.stderr)
      assert.deepStrictEqual(json(lists).items, [{ from: "bl_a", to: "bl_c", outcome: "AddedToLists" }])
      const got = yield* timAt("list", "get", "bl_a", "--members", "--json")
      const byName = Object.fromEntries(json(got).lists.map((l: any) => [l.name, l.members]))
      assert.deepStrictEqual(byName, { work: ["bl_c"], home: ["bl_c"] })
      assert.strictEqual((yield* timAt("list", "delete", "bl_a", "home")).code, 0)
      const left = yield* timAt("list", "get", "bl_a")
      assert.match(left.stdout, /work/)
      assert.notMatch(left.stdout, /home/)
    })
  )

  it.effect("bulk files: import with failures and journal, rerun skips, check from a file", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const dir = tmpDir()
      const accounts = ["bf_a", "bf_b", "bf_c", "bf_d"]
      yield* timAt("account", "import", ...accounts)
      const file = path.join(dir, "friends.csv")
      fs.writeFileSync(file, "from,to,remark\nbf_a,bf_b,Bee\nbf_a,bf_c,\nbf_b,bf_d,\nbf_b,bf_ghost,\nbf_a,bf_d,Dee\n")
      const failures = path.join(dir, "failures.csv")
      const journal = path.join(dir, "journal")
      const args = [
        "friend",
        "import",
        "--file",
        file,
        "--failures",
        failures,
        "--journal",
        journal,
        "--chunk-size",
        "2"
      ]
      const first = yield* timAt(...args, "--json")
      assert.strictEqual(first.code, 2, first.stderr)
      const doc = json(first)
      assert.strictEqual(doc.items.length, 5)
      assert.deepStrictEqual(
        doc.items.filter((i: any) => i.error).map((i: any) => [i.to, i.error.code]),
        [["bf_ghost", 30003]]
      )
      assert.deepStrictEqual([doc.summary.succeeded, doc.summary.failed, doc.summary.lines], [4, 1, 5])
      assert.match(fs.readFileSync(failures, "utf8"), /^from,to,code,tag,info\nbf_b,bf_ghost,30003,AccountNotFound,/)
      const snapshot = yield* emulator.snapshot
      const pairs = snapshot.friendships
        .filter((f) => f.from.startsWith("bf_"))
        .map((f) => `${f.from}>${f.to}:${f.remark ?? ""}`)
        .sort()
      assert.deepStrictEqual(pairs, ["bf_a>bf_b:Bee", "bf_a>bf_c:", "bf_a>bf_d:Dee", "bf_b>bf_d:"])

      const rerun = yield* timAt(...args, "--json")
      assert.strictEqual(rerun.code, 0)
      const again = json(rerun)
      assert.deepStrictEqual(again.items, [])
      assert.deepStrictEqual([again.summary.skippedChunks, again.summary.skippedItems], [3, 5])

      const checkFile = path.join(dir, "check.jsonl")
      fs.writeFileSync(checkFile, '{"from":"bf_a","to":"bf_b"}\n{"from":"bf_d","to":"bf_a"}\n')
      const check = yield* timAt("friend", "check", "--file", checkFile, "--type", "single")
      assert.strictEqual(check.code, 0)
      assert.match(check.stdout, /CheckResult_Type_AWithB=1/)
      assert.match(check.stdout, /CheckResult_Type_NoRelation=1/)

      const bad = path.join(dir, "bad.csv")
      fs.writeFileSync(bad, "bf_a,bf_b\nbf_a\n")
      const invalid = yield* timAt("friend", "add", "--file", bad)
      assert.strictEqual(invalid.code, 1)
      assert.include(invalid.stderr, `${bad}:2: expected at least two fields`)
      const wrongJournal = yield* timAt("friend", "check", "--file", checkFile, "--journal", journal)
      assert.strictEqual(wrongJournal.code, 1)
      assert.include(wrongJournal.stderr, 'command: "friend import" → "friend check"')
    })
  )

  it.effect("usage errors and request failures exit 1 with a message and no secret", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const missing = yield* timAt("friend", "add", "only_from")
      assert.deepStrictEqual([missing.code, missing.stderr], [1, "tim: give FROM and at least one TO"])
      const partial = yield* tim({ TIM_ENDPOINT: emulator.baseUrl }, "friend", "check", "a", "b")
      assert.strictEqual(partial.code, 1)
      assert.include(partial.stderr, "missing --sdkappid (TIM_SDKAPPID) and --secret-key (TIM_SECRET_KEY)")
      const { TIM_ENDPOINT: _, ...noEndpoint } = envFor(emulator.baseUrl)
      const region = yield* tim(noEndpoint, "friend", "check", "a", "b", "--region", "mars")
      assert.strictEqual(region.code, 1)
      assert.match(region.stderr, /^tim: unknown region "mars" \(known: .*singapore/)
      const both = yield* timAt("friend", "check", "a", "b", "--region", "singapore")
      assert.deepStrictEqual(
        [both.code, both.stderr],
        [1, "tim: give --endpoint (TIM_ENDPOINT) or --region (TIM_REGION), not both"]
      )
      const unknown = yield* timAt("friend", "befriend", "a", "b")
      assert.strictEqual(unknown.code, 1)
      const secret = "wrong-secret-9f3e2d"
      const wrong = yield* tim({ ...envFor(emulator.baseUrl), TIM_SECRET_KEY: secret }, "account", "check", "a")
      assert.strictEqual(wrong.code, 1)
      assert.match(wrong.stderr, /^tim: .*70009/m)
      assert.notInclude(wrong.stderr + wrong.stdout, secret)
      assert.notInclude(wrong.stderr, "    at ")
      const onCommandLine = yield* tim(
        {},
        "friend",
        "check",
        "a",
        "b",
        "--endpoint",
        emulator.baseUrl,
        "--sdkappid",
        "1400000000",
        "--secret-key",
        secret
      )
      assert.strictEqual(onCommandLine.code, 1)
      assert.notInclude(onCommandLine.stderr + onCommandLine.stdout, secret)
      const refused = yield* tim({ ...envFor("http://127.0.0.1:1") }, "account", "import", "a")
      assert.strictEqual(refused.code, 1)
      assert.match(refused.stderr, /^tim: TransportError Connection/)
    })
  )
})

describe("tim emulator", () => {
  it.effect("refuses invalid faults and rate limits with the emulator's reason, before listening", () =>
    Effect.gen(function* () {
      const share = yield* tim({}, "emulator", "--item-error", "1.5")
      assert.deepStrictEqual([share.code, share.stdout], [1, ""])
      assert.match(share.stderr, /^tim: itemError: a share must be a number from 0 to 1 \(got 1\.5\)/)
      const latency = yield* tim({}, "emulator", "--latency", "-1")
      assert.strictEqual(latency.code, 1)
      assert.match(latency.stderr, /^tim: latencyMs: .*-1/)
      const rate = yield* tim({}, "emulator", "--rate-limit", "-1")
      assert.strictEqual(rate.code, 1)
      assert.match(rate.stderr, /^tim: rateLimit must be a non-negative integer/)
    })
  )
})

describe("tim usersig", () => {
  const env = { TIM_SDKAPPID: "1400000001", TIM_SECRET_KEY: "usersig-secret" }
  layer(Emulator.layerTest(), { excludeTestServices: true })("usersig", (it) => {
    it.effect("gen, verify and decode; verify exits 1 with the typed reason", () =>
      Effect.gen(function* () {
        const gen = yield* tim(env, "usersig", "gen", "--identifier", "bob", "--expire", "600")
        assert.strictEqual(gen.code, 0)
        const userSig = gen.stdout.trim()
        assert.notInclude(userSig, "usersig-secret")
        const ok = yield* tim(env, "usersig", "verify", userSig, "--identifier", "bob", "--json")
        assert.strictEqual(ok.code, 0)
        const claims = json(ok)
        assert.deepStrictEqual(
          [claims.valid, claims.identifier, claims.sdkAppId, claims.expireSeconds],
          [true, "bob", 1400000001, 600]
        )
        const other = yield* tim(env, "usersig", "verify", userSig, "--identifier", "alice")
        assert.strictEqual(other.code, 1)
        assert.match(other.stderr, /^tim: UserSigError IdentifierMismatch: /)
        const key = yield* tim({ ...env, TIM_SECRET_KEY: "other" }, "usersig", "verify", userSig, "--identifier", "bob")
        assert.match(key.stderr, /UserSigError SignatureMismatch/)
        const decoded = yield* tim({}, "usersig", "decode", userSig)
        assert.strictEqual(decoded.code, 0)
        assert.match(decoded.stdout, /identifier\s+bob/)
        const malformed = yield* tim({}, "usersig", "decode", "not-a-usersig")
        assert.strictEqual(malformed.code, 1)
        assert.match(malformed.stderr, /UserSigError Malformed/)
      })
    )
  })
})
