import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { Emulator } from "../src/index.js"
import { call, ids, importAccounts } from "./helpers.js"

layer(Emulator.layerTest({ defaultAllowType: "AllowType_Type_AllowAny" }), { excludeTestServices: true })(
  "smoke",
  (it) => {
    it.effect("friend_add then friend_check", () =>
      Effect.gen(function* () {
        const [a, b, c] = ids(3)
        yield* importAccounts([a!, b!, c!])
        const add = yield* call("v4/sns/friend_add", {
          From_Account: a,
          AddFriendItem: [{ To_Account: b, AddSource: "AddSource_Type_Test" }]
        })
        assert.strictEqual(add.ActionStatus, "OK", JSON.stringify(add))
        const check = yield* call("v4/sns/friend_check", {
          From_Account: a,
          To_Account: [b, c],
          CheckType: "CheckResult_Type_Both"
        })
        assert.deepStrictEqual(check.InfoItem, [
          { To_Account: b, Relation: "CheckResult_Type_BothWay", ResultCode: 0, ResultInfo: "" },
          { To_Account: c, Relation: "CheckResult_Type_NoRelation", ResultCode: 0, ResultInfo: "" }
        ])
      })
    )
  }
)
