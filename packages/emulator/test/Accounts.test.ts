import { assert, layer } from "@effect/vitest"
import {
  AccountCheck,
  AccountDelete,
  AccountImport,
  FriendAdd,
  FriendCheck,
  GroupAdd,
  GroupGet,
  MultiAccountImport,
  PortraitGet
} from "@effect-tim/schema"
import { Effect } from "effect"
import { Emulator } from "../src/index.js"
import { call, callApi, ids, importAccounts } from "./helpers.js"

const statuses = (userIds: ReadonlyArray<string>) =>
  callApi(AccountCheck.api, { CheckItem: userIds.map((UserID) => ({ UserID })) }).pipe(
    Effect.map(({ response }) => response.resultItems.map((item) => item.accountStatus))
  )

const profile = (userId: string, tags: ReadonlyArray<string>) =>
  call(PortraitGet.api.path, { To_Account: [userId], TagList: tags }).pipe(
    Effect.map((reply) => reply.UserProfileItem?.[0]?.ProfileItem)
  )

const illegal =
  "Invalid parameter. Check whether required fields are specified and the values meet protocol requirements."

layer(Emulator.layerTest(), { excludeTestServices: true })("account APIs as Tencent answers them", (it) => {
  it.effect("account_delete of a never-imported UserID answers that item 70107 as Tencent's sample", () =>
    Effect.gen(function* () {
      const [a, never] = ids(2)
      yield* importAccounts([a])
      const reply = yield* callApi(AccountDelete.api, { DeleteItem: [{ UserID: never }, { UserID: a }, { UserID: a }] })
      assert.deepStrictEqual(reply.json.ResultItem, [
        { UserID: never, ResultCode: 70107, ResultInfo: "Err_TLS_PT_Open_Login_Account_Not_Exist" },
        { UserID: a, ResultCode: 0, ResultInfo: "" },
        { UserID: a, ResultCode: 70107, ResultInfo: "Err_TLS_PT_Open_Login_Account_Not_Exist" }
      ])
      assert.strictEqual(reply.envelope.ErrorCode, 0)
      assert.deepStrictEqual(yield* statuses([a]), ["NotImported"])
    })
  )

  it.effect("multiaccount_import accepts today's AccountList form with Nick and FaceUrl, besides Accounts", () =>
    Effect.gen(function* () {
      const [a, b, c] = ids(3)
      const reply = yield* callApi(MultiAccountImport.api, {
        AccountList: [
          { UserID: a, Nick: "Ann", FaceUrl: "https://x/a.png" },
          { UserID: b },
          { UserID: "bad id" },
          { UserID: c, Nick: "n".repeat(501) },
          "not an object"
        ]
      })
      assert.deepStrictEqual(reply.response.failAccounts, ["bad id", c, '"not an object"'])
      assert.deepStrictEqual(yield* statuses([a, b, c]), ["Imported", "Imported", "NotImported"])
      assert.deepStrictEqual(yield* profile(a, ["Tag_Profile_IM_Nick", "Tag_Profile_IM_Image"]), [
        { Tag: "Tag_Profile_IM_Nick", Value: "Ann" },
        { Tag: "Tag_Profile_IM_Image", Value: "https://x/a.png" }
      ])
      const [d, e] = ids(2)
      const both = yield* callApi(MultiAccountImport.api, { Accounts: [d], AccountList: [{ UserID: e }] })
      assert.deepStrictEqual(both.response.failAccounts, [])
      assert.deepStrictEqual(yield* statuses([d, e]), ["Imported", "Imported"])
      const tooMany = yield* call(MultiAccountImport.api.path, {
        Accounts: ids(60),
        AccountList: ids(41).map((UserID) => ({ UserID }))
      })
      assert.deepStrictEqual([tooMany.ErrorCode, tooMany.ErrorInfo], [70402, illegal])
      const neither = yield* call(MultiAccountImport.api.path, {})
      assert.deepStrictEqual([neither.ErrorCode, neither.ErrorInfo], [70402, illegal])
    })
  )

  it.effect("account_import accepts the earlier page's Identifier besides UserID, and keeps Nick and FaceUrl", () =>
    Effect.gen(function* () {
      const [a, b] = ids(2)
      const reply = yield* call(AccountImport.api.path, { Identifier: a, Nick: "Old SDK", FaceUrl: "https://x/o.png" })
      assert.strictEqual(reply.ErrorCode, 0)
      assert.deepStrictEqual(yield* profile(a, ["Tag_Profile_IM_Nick", "Tag_Profile_IM_Image"]), [
        { Tag: "Tag_Profile_IM_Nick", Value: "Old SDK" },
        { Tag: "Tag_Profile_IM_Image", Value: "https://x/o.png" }
      ])
      // UserID wins when both are sent.
      assert.strictEqual((yield* call(AccountImport.api.path, { UserID: b, Identifier: "bad id" })).ErrorCode, 0)
      assert.deepStrictEqual(yield* statuses([b]), ["Imported"])
      const bad = yield* call(AccountImport.api.path, { Identifier: "bad id" })
      assert.deepStrictEqual([bad.ActionStatus, bad.ErrorCode, bad.ErrorInfo], ["FAIL", 70402, illegal])
      const long = yield* call(AccountImport.api.path, { UserID: b, Nick: "n".repeat(501) })
      assert.strictEqual(long.ErrorCode, 70402)
    })
  )

  it.effect("a member sent as null counts as absent, in any API and at any depth", () =>
    Effect.gen(function* () {
      const [a, b] = ids(2)
      yield* importAccounts([a, b], "AllowType_Type_AllowAny")
      const group = yield* call(GroupAdd.api.path, { From_Account: a, GroupName: ["g1"], To_Account: null })
      assert.strictEqual(group.ErrorCode, 0, JSON.stringify(group))
      const added = yield* callApi(FriendAdd.api, {
        From_Account: a,
        AddFriendItem: [{ To_Account: b, AddSource: "AddSource_Type_X", Remark: null, GroupName: null }],
        AddType: null,
        ForceAddFlags: null
      })
      assert.deepStrictEqual(added.json.ResultItem, [{ To_Account: b, ResultCode: 0, ResultInfo: "" }])
      const imported = yield* call(AccountImport.api.path, { UserID: ids(1)[0], Nick: null, FaceUrl: null })
      assert.strictEqual(imported.ErrorCode, 0)
      // A required member sent as null is missing.
      const missing = yield* call(FriendCheck.api.path, {
        From_Account: null,
        To_Account: [b],
        CheckType: "CheckResult_Type_Both"
      })
      assert.strictEqual(missing.ErrorCode, 30001)
      // An array element that is null is not a member: it is still not a string.
      const element = yield* call(FriendCheck.api.path, {
        From_Account: a,
        To_Account: [b, null],
        CheckType: "CheckResult_Type_Both"
      })
      assert.strictEqual(element.ErrorCode, 60015)
    })
  )

  it.effect("whole-request ErrorInfo is Tencent's sentence for 30003, 60015 and 70402", () =>
    Effect.gen(function* () {
      const [a, never] = ids(2)
      yield* importAccounts([a])
      const check = (body: Record<string, unknown>) =>
        call(FriendCheck.api.path, { CheckType: "CheckResult_Type_Both", ...body }).pipe(
          Effect.map((reply) => [reply.ErrorCode, reply.ErrorInfo])
        )
      assert.deepStrictEqual(yield* check({ From_Account: never, To_Account: [a] }), [
        30003,
        "The requested UserID does not exist."
      ])
      const notString =
        "The type of the UserID in the request packet is incorrect. Ensure that the UserID is in string format."
      assert.deepStrictEqual(yield* check({ From_Account: 5, To_Account: [a] }), [60015, notString])
      assert.deepStrictEqual(yield* check({ From_Account: a, To_Account: [a, 5] }), [60015, notString])
      const portrait = yield* call(PortraitGet.api.path, { To_Account: [a, {}], TagList: ["Tag_Profile_IM_Nick"] })
      assert.deepStrictEqual([portrait.ErrorCode, portrait.ErrorInfo], [60015, notString])
      const deleted = yield* call(AccountDelete.api.path, { DeleteItem: "x" })
      assert.deepStrictEqual([deleted.ErrorCode, deleted.ErrorInfo], [70402, illegal])
    })
  )

  it.effect("an optional enum whose absence means no treats any other value as no", () =>
    Effect.gen(function* () {
      const [a, b, c] = ids(3)
      yield* importAccounts([a, c])
      yield* importAccounts([b], "AllowType_Type_NeedConfirm")
      // group_get: NeedFriend other than Need_Friend_Type_Yes answers without members, not 30001.
      yield* importAccounts([c], "AllowType_Type_AllowAny")
      yield* callApi(FriendAdd.api, {
        From_Account: a,
        AddFriendItem: [{ To_Account: c, AddSource: "AddSource_Type_X", GroupName: "g" }]
      })
      const no = yield* callApi(GroupGet.api, { From_Account: a, NeedFriend: "Need_Friend_Type_No" })
      assert.deepStrictEqual(no.json.ResultItem, [{ GroupName: "g", FriendNumber: 1 }])
      const yes = yield* callApi(GroupGet.api, { From_Account: a, NeedFriend: "Need_Friend_Type_Yes" })
      assert.deepStrictEqual(yes.json.ResultItem, [{ GroupName: "g", FriendNumber: 1, To_Account: [c] }])
      // friend_add: ForceAddFlags other than 1 does not force: the NeedConfirm peer gets a pending request.
      const pending = yield* callApi(FriendAdd.api, {
        From_Account: a,
        AddFriendItem: [{ To_Account: b, AddSource: "AddSource_Type_X" }],
        ForceAddFlags: 2
      })
      assert.strictEqual(pending.json.ResultItem[0].ResultCode, 30539)
      // Enums whose absence is not "no" stay strict.
      const unknownAddType = yield* call(FriendAdd.api.path, {
        From_Account: a,
        AddFriendItem: [{ To_Account: b, AddSource: "AddSource_Type_X" }],
        AddType: "Add_Type_Triple"
      })
      assert.strictEqual(unknownAddType.ErrorCode, 30001)
    })
  )
})
