import { assert, layer } from "@effect/vitest"
import { FriendAdd, FriendCheck, FriendGet } from "@effect-tim/schema"
import { Effect } from "effect"
import { Emulator } from "../src/index.js"
import { call, ids, importAccounts, type RequestOptions, request } from "./helpers.js"

const raw = (path: string, options: RequestOptions) =>
  Effect.flatMap(Emulator.Emulator, (emulator) => request(emulator.baseUrl, path, undefined, options))

const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`

layer(Emulator.layerTest(), { excludeTestServices: true })("hostile input", (it) => {
  it.effect("bodies that are not a JSON object answer 60003 with HTTP 200, and the server keeps serving", () =>
    Effect.gen(function* () {
      const cases: Array<[string, string | Uint8Array]> = [
        ["larger than 1 MiB", JSON.stringify({ From_Account: "a", Pad: "x".repeat(1024 * 1024 + 10) })],
        ["empty", ""],
        ["not JSON", "{From_Account: 'a'"],
        ["invalid UTF-8", new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
        ["an array", "[1, 2, 3]"],
        ["deeply nested", nested(200_000)],
        ["null", "null"]
      ]
      for (const [name, body] of cases) {
        const reply = yield* raw(FriendCheck.api.path, { body })
        assert.strictEqual(reply.status, 200, name)
        assert.strictEqual(reply.json?.ErrorCode, 60003, `${name}: ${reply.text.slice(0, 200)}`)
        assert.strictEqual(reply.json?.ActionStatus, "FAIL", name)
      }
      const [a] = ids(1)
      yield* importAccounts([a])
      const after = yield* call(FriendCheck.api.path, {
        From_Account: a,
        To_Account: [a],
        CheckType: "CheckResult_Type_Single"
      })
      assert.strictEqual(after.ErrorCode, 0)
    })
  )

  it.effect("wrong types in any field get the documented code and a reason, never a 500", () =>
    Effect.gen(function* () {
      const [a, b] = ids(2)
      yield* importAccounts([a, b])
      const cases: Array<[string, string, unknown, number]> = [
        [
          "To_Account not an array",
          FriendCheck.api.path,
          { From_Account: a, To_Account: b, CheckType: "CheckResult_Type_Both" },
          30001
        ],
        ["CheckType a number", FriendCheck.api.path, { From_Account: a, To_Account: [b], CheckType: 5 }, 30001],
        ["CheckType missing", FriendCheck.api.path, { From_Account: a, To_Account: [b] }, 30001],
        ["From_Account missing", FriendCheck.api.path, { To_Account: [b], CheckType: "CheckResult_Type_Both" }, 30001],
        [
          "To_Account entry an object",
          FriendCheck.api.path,
          { From_Account: a, To_Account: [{}], CheckType: "CheckResult_Type_Both" },
          60015
        ],
        ["StartIndex a string", FriendGet.api.path, { From_Account: a, StartIndex: "0" }, 30001],
        ["StartIndex negative", FriendGet.api.path, { From_Account: a, StartIndex: -1 }, 30001],
        ["AddFriendItem an object", FriendAdd.api.path, { From_Account: a, AddFriendItem: {} }, 30001],
        [
          "AddType unknown",
          FriendAdd.api.path,
          {
            From_Account: a,
            AddFriendItem: [{ To_Account: b, AddSource: "AddSource_Type_X" }],
            AddType: "Add_Type_Triple"
          },
          30001
        ],
        ["account API, UserID a number", "v4/im_open_login_svc/account_import", { UserID: 5 }, 70402]
      ]
      for (const [name, path, body, code] of cases) {
        const reply = yield* call(path, body)
        assert.strictEqual(reply.ErrorCode, code, `${name}: ${JSON.stringify(reply).slice(0, 300)}`)
        assert.strictEqual(reply.ActionStatus, "FAIL", name)
        assert.isAbove(String(reply.ErrorInfo).length, 0, name)
        assert.isBelow(String(reply.ErrorInfo).length, 500, name)
      }
      // JSON too deep for JSON.stringify on this side: sent as text.
      const deep = yield* raw(FriendCheck.api.path, {
        body: `{"From_Account":${nested(100_000)},"To_Account":["${b}"],"CheckType":"CheckResult_Type_Both"}`
      })
      assert.strictEqual(deep.json.ErrorCode, 60015)
    })
  )

  it.effect("items that are deeply nested, huge or wrong get their own per-item 30001", () =>
    Effect.gen(function* () {
      const [a, b] = ids(2)
      yield* importAccounts([a, b])
      const items = [
        nested(100_000),
        JSON.stringify({ To_Account: "x".repeat(100_000), AddSource: "AddSource_Type_X" }),
        JSON.stringify({ To_Account: b, AddSource: 7 }),
        "null",
        JSON.stringify({ To_Account: b, AddSource: "AddSource_Type_X" })
      ]
      const reply = (yield* raw(FriendAdd.api.path, {
        body: `{"From_Account":"${a}","AddFriendItem":[${items.join(",")}]}`
      })).json
      assert.strictEqual(reply.ErrorCode, 0)
      assert.deepStrictEqual(
        reply.ResultItem.map((item: { ResultCode: number }) => item.ResultCode),
        [30001, 30001, 30001, 30001, 30539]
      )
      for (const item of reply.ResultItem) assert.isBelow(item.ResultInfo.length, 500)
      assert.strictEqual(reply.Fail_Account.length, 5) // 30539 (pending) is a non-zero ResultCode too
    })
  )

  it.effect("10 000 items answer a whole-request 30001 naming the maximum", () =>
    Effect.gen(function* () {
      const [a] = ids(1)
      yield* importAccounts([a])
      const reply = yield* call(FriendAdd.api.path, {
        From_Account: a,
        AddFriendItem: Array.from({ length: 10_000 }, (_, i) => ({
          To_Account: `t${i}`,
          AddSource: "AddSource_Type_X"
        }))
      })
      assert.strictEqual(reply.ErrorCode, 30001)
      assert.include(reply.ErrorInfo, "at most 1000 items")
    })
  )
})
