import { assert, layer } from "@effect/vitest"
import {
  AccountCheck,
  AccountDelete,
  AccountImport,
  BlocklistAdd,
  BlocklistCheck,
  BlocklistDelete,
  BlocklistGet,
  FriendAdd,
  FriendCheck,
  FriendDelete,
  FriendDeleteAll,
  FriendGet,
  FriendGetList,
  FriendImport,
  FriendUpdate,
  GroupAdd,
  GroupDelete,
  GroupGet,
  MultiAccountImport,
  PortraitGet,
  PortraitSet
} from "@effect-tim/schema"
import { Effect } from "effect"
import { Emulator } from "../src/index.js"
import { call, callApi, ids, importAccounts } from "./helpers.js"

const layerUnderTest = Emulator.layerTest({
  defaultAllowType: "AllowType_Type_AllowAny",
  customFriendTags: ["Tag_SNS_Custom_Test", "Tag_SNS_Custom_Level"],
  limits: { friends: 5, blocked: 3, lists: 4, pending: 2 },
  friendGetPageSize: 3
})

const add = (from: string, to: ReadonlyArray<string>, extra?: Record<string, unknown>) =>
  callApi(FriendAdd.api, {
    From_Account: from,
    AddFriendItem: to.map((id) => ({ To_Account: id, AddSource: "AddSource_Type_Test" })),
    ...extra
  })

const relations = (from: string, to: ReadonlyArray<string>) =>
  callApi(FriendCheck.api, { From_Account: from, To_Account: to, CheckType: "CheckResult_Type_Both" }).pipe(
    Effect.map(({ response }) => response.infoItems.map((item) => item.relation))
  )

const codes = (items: ReadonlyArray<{ readonly resultCode: number }>) => items.map((item) => item.resultCode)

layer(layerUnderTest, { excludeTestServices: true })("spec samples", (it) => {
  it.effect("account APIs answer the documented shapes", () =>
    Effect.gen(function* () {
      const [a, b, missing] = ids(3)
      const single = yield* callApi(AccountImport.api, { UserID: a, Nick: "Alice", FaceUrl: "http://x/y.png" })
      assert.deepStrictEqual(single.json, { ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "", ErrorDisplay: "" })
      const multi = yield* callApi(MultiAccountImport.api, { Accounts: [b, "bad id"] })
      assert.deepStrictEqual(multi.response.failAccounts, ["bad id"])
      const check = yield* callApi(AccountCheck.api, { CheckItem: [{ UserID: a }, { UserID: missing }] })
      assert.deepStrictEqual(
        check.response.resultItems.map((item) => [item.userId, item.resultCode, item.accountStatus]),
        [
          [a, 0, "Imported"],
          [missing, 0, "NotImported"]
        ]
      )
      const removed = yield* callApi(AccountDelete.api, { DeleteItem: [{ UserID: b }] })
      assert.deepStrictEqual(codes(removed.response.resultItems), [0])
      const after = yield* callApi(AccountCheck.api, { CheckItem: [{ UserID: b }] })
      assert.strictEqual(after.response.resultItems[0]?.accountStatus, "NotImported")
      const tooMany = yield* call(MultiAccountImport.api.path, { Accounts: ids(101) })
      assert.strictEqual(tooMany.ErrorCode, 70402)
    })
  )

  it.effect("account_delete removes the deleted accounts from everyone's friends and blocklist", () =>
    Effect.gen(function* () {
      const [a, b, c, d] = ids(4)
      yield* importAccounts([a, b, c, d])
      yield* add(a, [b, c, d])
      yield* callApi(BlocklistAdd.api, { From_Account: a, To_Account: [c] })
      const removed = yield* callApi(AccountDelete.api, { DeleteItem: [{ UserID: b }, { UserID: c }] })
      assert.deepStrictEqual(codes(removed.response.resultItems), [0, 0])
      const friends = yield* callApi(FriendGet.api, { From_Account: a, StartIndex: 0 })
      assert.deepStrictEqual(
        friends.response.userDataItems.map((item) => item.toAccount),
        [d]
      )
      const blocked = yield* callApi(BlocklistGet.api, {
        From_Account: a,
        StartIndex: 0,
        MaxLimited: 10,
        LastSequence: 0
      })
      assert.deepStrictEqual(blocked.response.blockedItems, [])
    })
  )

  it.effect("portrait_set and portrait_get for AllowType and Nick", () =>
    Effect.gen(function* () {
      const [a, missing] = ids(2)
      yield* importAccounts([a])
      const set = yield* callApi(PortraitSet.api, {
        From_Account: a,
        ProfileItem: [
          { Tag: "Tag_Profile_IM_AllowType", Value: "AllowType_Type_DenyAny" },
          { Tag: "Tag_Profile_IM_Nick", Value: "Ann" }
        ]
      })
      assert.strictEqual(set.envelope.ErrorCode, 0)
      const get = yield* callApi(PortraitGet.api, {
        To_Account: [a],
        TagList: ["Tag_Profile_IM_Nick", "Tag_Profile_IM_AllowType"]
      })
      assert.deepStrictEqual(get.response.userProfileItems[0]?.profileItems, [
        { Tag: "Tag_Profile_IM_Nick", Value: "Ann" },
        { Tag: "Tag_Profile_IM_AllowType", Value: "AllowType_Type_DenyAny" }
      ])
      // The profile service's own codes (more in Profile.test.ts): a never-imported account fails the whole request.
      const unknown = yield* call(PortraitGet.api.path, { To_Account: [a, missing], TagList: ["Tag_Profile_IM_Nick"] })
      assert.strictEqual(unknown.ErrorCode, 40003)
      const bad = yield* call(PortraitSet.api.path, {
        From_Account: a,
        ProfileItem: [{ Tag: "Tag_Profile_IM_AllowType", Value: "Sometimes" }]
      })
      assert.strictEqual(bad.ErrorCode, 40605)
    })
  )

  it.effect("friend_add sample: per-item results, Fail_Account only when an item failed", () =>
    Effect.gen(function* () {
      const [id, id1, id2] = ids(3)
      yield* importAccounts([id, id1])
      const sample = yield* callApi(FriendAdd.api, {
        From_Account: id,
        AddFriendItem: [
          {
            To_Account: id1,
            Remark: "remark1",
            GroupName: "Classmates",
            AddSource: "AddSource_Type_XXXXXXXX",
            AddWording: "I'm Test1"
          }
        ],
        AddType: "Add_Type_Both",
        ForceAddFlags: 1
      })
      assert.deepStrictEqual(sample.json.ResultItem, [{ To_Account: id1, ResultCode: 0, ResultInfo: "" }])
      assert.isFalse("Fail_Account" in sample.json)
      const partial = yield* add(id, [id1, id2])
      assert.deepStrictEqual(codes(partial.response.resultItems), [30001, 30003])
      assert.strictEqual(partial.response.resultItems[0]?.resultInfo, "Err_SNS_FriendAdd_Friend_Exist")
      assert.deepStrictEqual(partial.response.failAccount, [id1, id2])
    })
  )

  it.effect("friend_import, friend_update, friend_get and friend_get_list samples", () =>
    Effect.gen(function* () {
      const [id, id1] = ids(2)
      yield* importAccounts([id, id1])
      const imported = yield* callApi(FriendImport.api, {
        From_Account: id,
        AddFriendItem: [
          {
            To_Account: id1,
            Remark: "remark1",
            RemarkTime: 1420000001,
            GroupName: ["Friends"],
            AddSource: "AddSource_Type_XXXXXXXX",
            AddWording: "I'm Test1",
            AddTime: 1420000001,
            CustomItem: [
              { Tag: "Tag_SNS_Custom_Test", Value: "Test" },
              { Tag: "Tag_SNS_Custom_Level", Value: 0 }
            ]
          }
        ]
      })
      assert.deepStrictEqual(codes(imported.response.resultItems), [0])
      assert.deepStrictEqual(yield* relations(id, [id1]), ["CheckResult_Type_AWithB"])
      const updated = yield* callApi(FriendUpdate.api, {
        From_Account: id,
        UpdateItem: [
          {
            To_Account: id1,
            SnsItem: [
              { Tag: "Tag_SNS_IM_Remark", Value: "remark2" },
              { Tag: "Tag_SNS_IM_Group", Value: ["group1", "group2"] },
              { Tag: "Tag_SNS_Custom_Test", Value: "test" }
            ]
          }
        ]
      })
      assert.deepStrictEqual(codes(updated.response.resultItems), [0])
      const got = yield* callApi(FriendGet.api, {
        From_Account: id,
        StartIndex: 0,
        StandardSequence: 0,
        CustomSequence: 0
      })
      assert.deepStrictEqual(got.response.userDataItems, [
        {
          toAccount: id1,
          valueItems: [
            { Tag: "Tag_SNS_IM_AddSource", Value: "AddSource_Type_XXXXXXXX" },
            { Tag: "Tag_SNS_IM_AddWording", Value: "I'm Test1" },
            { Tag: "Tag_SNS_IM_Remark", Value: "remark2" },
            { Tag: "Tag_SNS_IM_Group", Value: ["group1", "group2"] },
            { Tag: "Tag_SNS_IM_AddTime", Value: 1420000001 },
            { Tag: "Tag_SNS_Custom_Test", Value: "test" },
            { Tag: "Tag_SNS_Custom_Level", Value: 0 }
          ]
        }
      ])
      assert.strictEqual(got.response.friendNum, 1)
      assert.strictEqual(got.response.completeFlag, 1)
      assert.strictEqual(got.response.nextStartIndex, 0)
      const list = yield* callApi(FriendGetList.api, {
        From_Account: id,
        To_Account: [id1],
        TagList: [
          "Tag_Profile_Custom_Test",
          "Tag_Profile_IM_Image",
          "Tag_Profile_IM_Nick",
          "Tag_SNS_Custom_Test",
          "Tag_SNS_IM_Remark",
          "Tag_SNS_IM_Group"
        ]
      })
      assert.deepStrictEqual(list.response.infoItems[0]?.snsProfileItems, [
        { Tag: "Tag_SNS_Custom_Test", Value: "test" },
        { Tag: "Tag_SNS_IM_Remark", Value: "remark2" },
        { Tag: "Tag_SNS_IM_Group", Value: ["group1", "group2"] }
      ])
    })
  )

  it.effect("friend_delete, friend_delete_all and friend_check samples", () =>
    Effect.gen(function* () {
      const [id, id1, id2, id3, id4] = ids(5)
      yield* importAccounts([id, id1, id2, id3, id4])
      yield* add(id, [id1, id2, id3])
      yield* add(id4, [id], { AddType: "Add_Type_Single" })
      const checked = yield* callApi(FriendCheck.api, {
        From_Account: id,
        To_Account: [id1, id2, id3, id4, "nobody_here"],
        CheckType: "CheckResult_Type_Both"
      })
      assert.deepStrictEqual(
        checked.response.infoItems.map((item) => [item.relation, item.resultCode]),
        [
          ["CheckResult_Type_BothWay", 0],
          ["CheckResult_Type_BothWay", 0],
          ["CheckResult_Type_BothWay", 0],
          ["CheckResult_Type_BWithA", 0],
          ["CheckResult_Type_NoRelation", 30003]
        ]
      )
      const single = yield* callApi(FriendCheck.api, {
        From_Account: id4,
        To_Account: [id],
        CheckType: "CheckResult_Type_Single"
      })
      assert.strictEqual(single.response.infoItems[0]?.relation, "CheckResult_Type_AWithB")
      const deleted = yield* callApi(FriendDelete.api, {
        From_Account: id,
        To_Account: [id1, id2, id4],
        DeleteType: "Delete_Type_Both"
      })
      assert.deepStrictEqual(codes(deleted.response.resultItems), [0, 0, 31704])
      const oneWay = yield* callApi(FriendDelete.api, {
        From_Account: id,
        To_Account: [id3],
        DeleteType: "Delete_Type_Single"
      })
      assert.deepStrictEqual(codes(oneWay.response.resultItems), [0])
      assert.deepStrictEqual(yield* relations(id, [id1, id3]), [
        "CheckResult_Type_NoRelation",
        "CheckResult_Type_BWithA"
      ])
      yield* add(id, [id1, id2])
      const all = yield* callApi(FriendDeleteAll.api, { From_Account: id, DeleteType: "Delete_Type_Both" })
      assert.deepStrictEqual(all.json, { ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "", ErrorDisplay: "" })
      assert.deepStrictEqual(yield* relations(id, [id1, id2]), [
        "CheckResult_Type_NoRelation",
        "CheckResult_Type_NoRelation"
      ])
      yield* add(id, [id1])
      yield* callApi(FriendDeleteAll.api, { From_Account: id })
      assert.deepStrictEqual(yield* relations(id, [id1]), ["CheckResult_Type_BWithA"])
    })
  )

  it.effect("blocklist samples, with CurruentSequence and StartIndex 0 when done", () =>
    Effect.gen(function* () {
      const [id, id1, id2, id3] = ids(4)
      yield* importAccounts([id, id1, id2, id3])
      const added = yield* callApi(BlocklistAdd.api, { From_Account: id, To_Account: [id1, id2] })
      assert.deepStrictEqual(codes(added.response.resultItems), [0, 0])
      const again = yield* callApi(BlocklistAdd.api, { From_Account: id, To_Account: [id2] })
      assert.deepStrictEqual(again.json.ResultItem, [
        { To_Account: id2, ResultCode: 30001, ResultInfo: "Err_SNS_BlackListAdd_Already_Exist" }
      ])
      const page1 = yield* callApi(BlocklistGet.api, {
        From_Account: id,
        StartIndex: 0,
        MaxLimited: 1,
        LastSequence: 0
      })
      assert.isTrue("CurruentSequence" in page1.json)
      assert.deepStrictEqual(
        page1.response.blockedItems.map((item) => item.toAccount),
        [id1]
      )
      assert.strictEqual(page1.response.startIndex, 1)
      const page2 = yield* callApi(BlocklistGet.api, {
        From_Account: id,
        StartIndex: 1,
        MaxLimited: 30,
        LastSequence: 12
      })
      assert.deepStrictEqual(
        page2.response.blockedItems.map((item) => item.toAccount),
        [id2]
      )
      assert.strictEqual(page2.response.startIndex, 0)
      yield* callApi(BlocklistAdd.api, { From_Account: id3, To_Account: [id] })
      const checked = yield* callApi(BlocklistCheck.api, {
        From_Account: id,
        To_Account: [id1, id2, id3, "ghost_1"],
        CheckType: "BlackCheckResult_Type_Both"
      })
      assert.deepStrictEqual(
        checked.response.checkItems.map((item) => [item.relation, item.resultCode]),
        [
          ["BlackCheckResult_Type_AWithB", 0],
          ["BlackCheckResult_Type_AWithB", 0],
          ["BlackCheckResult_Type_BWithA", 0],
          ["BlackCheckResult_Type_NO", 30003]
        ]
      )
      const deleted = yield* callApi(BlocklistDelete.api, { From_Account: id, To_Account: [id1, id3] })
      assert.deepStrictEqual(codes(deleted.response.resultItems), [0, 30001])
      const sequence = page2.response.currentSequence
      const after = yield* callApi(BlocklistGet.api, {
        From_Account: id,
        StartIndex: 0,
        MaxLimited: 30,
        LastSequence: 0
      })
      assert.isTrue(after.response.currentSequence > sequence)
    })
  )

  it.effect("group_add with a malformed To_Account fails as a whole and changes nothing", () =>
    Effect.gen(function* () {
      const [id, id1] = ids(2)
      yield* importAccounts([id, id1])
      const before = yield* callApi(GroupGet.api, { From_Account: id })
      for (const toAccount of [id1, [], [123]]) {
        const failed = yield* call(GroupAdd.api.path, { From_Account: id, GroupName: ["fresh"], To_Account: toAccount })
        assert.strictEqual(failed.ActionStatus, "FAIL", JSON.stringify(toAccount))
      }
      const after = yield* callApi(GroupGet.api, { From_Account: id })
      assert.deepStrictEqual(after.response.lists, before.response.lists)
      assert.strictEqual(after.response.currentSequence, before.response.currentSequence)
    })
  )

  it.effect("group_add, group_get and group_delete samples", () =>
    Effect.gen(function* () {
      const [id, id1, id2, id3] = ids(4)
      yield* importAccounts([id, id1, id2, id3])
      yield* add(id, [id1, id3])
      const created = yield* callApi(GroupAdd.api, { From_Account: id, GroupName: ["group1", "group2"] })
      assert.isNumber(created.response.currentSequence)
      const withMembers = yield* callApi(GroupAdd.api, {
        From_Account: id,
        GroupName: ["group3"],
        To_Account: [id1, id2, id3]
      })
      assert.deepStrictEqual(withMembers.json.ResultItem, [
        { To_Account: id1, ResultCode: 0, ResultInfo: "" },
        { To_Account: id2, ResultCode: 32216, ResultInfo: "Err_SNS_GroupAdd_ToTinyId_Not_Friend" },
        { To_Account: id3, ResultCode: 0, ResultInfo: "" }
      ])
      assert.deepStrictEqual(withMembers.response.failAccount, [id2])
      assert.isTrue((withMembers.response.currentSequence ?? 0) > (created.response.currentSequence ?? 0))
      const lists = yield* callApi(GroupGet.api, { From_Account: id })
      assert.deepStrictEqual(
        lists.response.lists.map((l) => [l.groupName, l.friendNumber, l.toAccounts]),
        [
          ["group1", 0, undefined],
          ["group2", 0, undefined],
          ["group3", 2, undefined]
        ]
      )
      const members = yield* callApi(GroupGet.api, {
        From_Account: id,
        NeedFriend: "Need_Friend_Type_Yes",
        GroupName: ["group3"]
      })
      assert.deepStrictEqual(members.json.ResultItem, [
        { GroupName: "group3", FriendNumber: 2, To_Account: [id1, id3] }
      ])
      const deleted = yield* callApi(GroupDelete.api, { From_Account: id, GroupName: ["group3", "nope"] })
      assert.isNumber(deleted.response.currentSequence)
      const left = yield* callApi(GroupGet.api, { From_Account: id })
      assert.deepStrictEqual(
        left.response.lists.map((l) => l.groupName),
        ["group1", "group2"]
      )
      const full = yield* call(GroupAdd.api.path, { From_Account: id, GroupName: ["g4", "g5", "g6"] })
      assert.strictEqual(full.ErrorCode, 30011)
    })
  )
})

layer(layerUnderTest, { excludeTestServices: true })("relationship semantics", (it) => {
  it.effect("AllowType: NeedConfirm stores a pending request (30539), DenyAny 30516, force and Single add", () =>
    Effect.gen(function* () {
      const [a, confirm, deny, other] = ids(4)
      yield* importAccounts([a, other])
      yield* importAccounts([confirm], "AllowType_Type_NeedConfirm")
      yield* importAccounts([deny], "AllowType_Type_DenyAny")
      const result = yield* add(a, [confirm, deny, other])
      assert.deepStrictEqual(codes(result.response.resultItems), [30539, 30516, 0])
      assert.deepStrictEqual(result.response.failAccount, [confirm, deny])
      const snapshot = yield* Effect.flatMap(Emulator.Emulator, (e) => e.snapshot)
      assert.deepStrictEqual(
        snapshot.pending.filter((p) => p.from === a).map((p) => p.to),
        [confirm]
      )
      assert.deepStrictEqual(yield* relations(a, [confirm, deny, other]), [
        "CheckResult_Type_NoRelation",
        "CheckResult_Type_NoRelation",
        "CheckResult_Type_BothWay"
      ])
      const single = yield* add(a, [deny], { AddType: "Add_Type_Single" })
      assert.deepStrictEqual(codes(single.response.resultItems), [0])
      const forced = yield* add(a, [confirm], { ForceAddFlags: 1 })
      assert.deepStrictEqual(codes(forced.response.resultItems), [0])
      assert.deepStrictEqual(yield* relations(a, [confirm, deny]), [
        "CheckResult_Type_BothWay",
        "CheckResult_Type_AWithB"
      ])
      const after = yield* Effect.flatMap(Emulator.Emulator, (e) => e.snapshot)
      assert.isFalse(after.pending.some((p) => p.from === a && p.to === confirm))
    })
  )

  it.effect("blocking removes the friendship both ways; later adds answer 30515 and 30525, even forced", () =>
    Effect.gen(function* () {
      const [a, b] = ids(2)
      yield* importAccounts([a, b])
      yield* add(a, [b])
      assert.deepStrictEqual(yield* relations(a, [b]), ["CheckResult_Type_BothWay"])
      yield* callApi(BlocklistAdd.api, { From_Account: b, To_Account: [a] })
      assert.deepStrictEqual(yield* relations(a, [b]), ["CheckResult_Type_NoRelation"])
      const fromA = yield* add(a, [b], { ForceAddFlags: 1 })
      assert.deepStrictEqual(codes(fromA.response.resultItems), [30525])
      const fromB = yield* add(b, [a], { AddType: "Add_Type_Single" })
      assert.deepStrictEqual(codes(fromB.response.resultItems), [30515])
    })
  )

  it.effect("limits: friends (30010/30014), blocklist (30013), pending (30012), lists (30011)", () =>
    Effect.gen(function* () {
      const [a, b, ...others] = ids(9)
      yield* importAccounts([a, b, ...others])
      const many = yield* add(a, others.slice(0, 6))
      assert.deepStrictEqual(codes(many.response.resultItems), [0, 0, 0, 0, 0, 30010])
      const full = yield* add(b, [a])
      assert.deepStrictEqual(codes(full.response.resultItems), [30014])
      const blocked = yield* callApi(BlocklistAdd.api, { From_Account: b, To_Account: others.slice(0, 4) })
      assert.deepStrictEqual(codes(blocked.response.resultItems), [0, 0, 0, 30013])
      const [c, ...targets] = ids(4, "p")
      yield* importAccounts([c])
      yield* importAccounts(targets, "AllowType_Type_NeedConfirm")
      const pending = yield* add(c, targets)
      assert.deepStrictEqual(codes(pending.response.resultItems), [30539, 30539, 30012])
      const [d, e] = ids(2, "l")
      yield* importAccounts([d, e])
      yield* callApi(GroupAdd.api, { From_Account: d, GroupName: ["l1", "l2", "l3", "l4"] })
      const listFull = yield* callApi(FriendAdd.api, {
        From_Account: d,
        AddFriendItem: [{ To_Account: e, AddSource: "AddSource_Type_Test", GroupName: "l5" }]
      })
      assert.deepStrictEqual(codes(listFull.response.resultItems), [30011])
    })
  )

  it.effect("per-request maxima and invalid items: whole-request 30001 vs per-item 30001", () =>
    Effect.gen(function* () {
      const [a, b] = ids(2)
      yield* importAccounts([a, b])
      const tooMany = yield* call(FriendCheck.api.path, {
        From_Account: a,
        To_Account: Array.from({ length: 1001 }, (_, i) => `x${i}`),
        CheckType: "CheckResult_Type_Both"
      })
      assert.strictEqual(tooMany.ErrorCode, 30001)
      assert.strictEqual(tooMany.ActionStatus, "FAIL")
      assert.include(tooMany.ErrorInfo, "at most 1000")
      const mixed = yield* callApi(FriendAdd.api, {
        From_Account: a,
        AddFriendItem: [
          { To_Account: "not valid", AddSource: "AddSource_Type_Test" },
          { To_Account: b, AddSource: "nope" },
          { To_Account: b, AddSource: "AddSource_Type_Test" }
        ]
      })
      assert.deepStrictEqual(codes(mixed.response.resultItems), [30001, 30001, 0])
      assert.include(mixed.response.resultItems[0]!.resultInfo, "UserID")
      assert.include(mixed.response.resultItems[1]!.resultInfo, "AddSource")
      const badFrom = yield* call(FriendAdd.api.path, {
        From_Account: "x y",
        AddFriendItem: [{ To_Account: b, AddSource: "AddSource_Type_Test" }]
      })
      assert.strictEqual(badFrom.ErrorCode, 30001)
      assert.include(badFrom.ErrorInfo, "From_Account")
      const unknownFrom = yield* call(FriendAdd.api.path, {
        From_Account: "ghost_account",
        AddFriendItem: [{ To_Account: b, AddSource: "AddSource_Type_Test" }]
      })
      assert.strictEqual(unknownFrom.ErrorCode, 30003)
      const notString = yield* call(FriendCheck.api.path, {
        From_Account: 42,
        To_Account: [b],
        CheckType: "CheckResult_Type_Both"
      })
      assert.strictEqual(notString.ErrorCode, 60015)
    })
  )

  it.effect("custom friend fields: configured tags only, anything else is a whole-request Invalid field", () =>
    Effect.gen(function* () {
      const [a, b] = ids(2)
      yield* importAccounts([a, b])
      yield* add(a, [b])
      const bad = yield* call(FriendUpdate.api.path, {
        From_Account: a,
        UpdateItem: [{ To_Account: b, SnsItem: [{ Tag: "Tag_SNS_Custom_Type", Value: "x" }] }]
      })
      assert.strictEqual(bad.ErrorCode, 30001)
      assert.strictEqual(bad.ActionStatus, "FAIL")
      assert.match(bad.ErrorInfo, /^Invalid field: Tag_SNS_Custom_Type\./)
      const badImport = yield* call(FriendImport.api.path, {
        From_Account: a,
        AddFriendItem: [
          { To_Account: b, AddSource: "AddSource_Type_Test", CustomItem: [{ Tag: "Tag_SNS_Custom_Nope", Value: 1 }] }
        ]
      })
      assert.strictEqual(badImport.ErrorCode, 30001)
      const badGetList = yield* call(FriendGetList.api.path, {
        From_Account: a,
        To_Account: [b],
        TagList: ["Tag_SNS_Custom_Nope"]
      })
      assert.strictEqual(badGetList.ErrorCode, 30001)
      const notFriend = yield* callApi(FriendUpdate.api, {
        From_Account: b,
        UpdateItem: [{ To_Account: "ghost_2", SnsItem: [{ Tag: "Tag_SNS_Custom_Test", Value: "x" }] }]
      })
      assert.deepStrictEqual(codes(notFriend.response.resultItems), [30003])
    })
  )

  it.effect("friend_get pages with NextStartIndex/CompleteFlag and sequences that move on every write", () =>
    Effect.gen(function* () {
      const [a, ...friends] = ids(6)
      yield* importAccounts([a, ...friends])
      yield* add(a, friends.slice(0, 5))
      const pages: Array<string> = []
      let start = 0
      let standard = 0
      for (let i = 0; i < 5; i++) {
        const page = yield* callApi(FriendGet.api, { From_Account: a, StartIndex: start })
        pages.push(...page.response.userDataItems.map((item) => item.toAccount))
        assert.strictEqual(page.response.friendNum, 5)
        standard = page.response.standardSequence
        if (page.response.completeFlag !== 0) break
        assert.strictEqual(page.response.nextStartIndex, start + 3)
        start = page.response.nextStartIndex
      }
      assert.deepStrictEqual(pages, friends.slice(0, 5))
      const unchanged = yield* callApi(FriendGet.api, { From_Account: a, StartIndex: 0, StandardSequence: standard })
      assert.deepStrictEqual(unchanged.response.userDataItems[0]?.valueItems, [])
      yield* callApi(FriendUpdate.api, {
        From_Account: a,
        UpdateItem: [{ To_Account: friends[0], SnsItem: [{ Tag: "Tag_SNS_IM_Remark", Value: "r" }] }]
      })
      const moved = yield* callApi(FriendGet.api, { From_Account: a, StartIndex: 0, StandardSequence: standard })
      assert.isTrue(moved.response.standardSequence > standard)
      assert.isTrue(moved.response.userDataItems[0]!.valueItems.length > 0)
    })
  )

  it.effect("a target that has not been imported answers a per-item 30003 worded after its API", () =>
    Effect.gen(function* () {
      const [a, ghost] = ids(2)
      yield* importAccounts([a])
      const cases: ReadonlyArray<readonly [string, Record<string, unknown>, string, string]> = [
        [FriendDelete.api.path, {}, "ResultItem", "FriendDelete"],
        [FriendCheck.api.path, { CheckType: "CheckResult_Type_Both" }, "InfoItem", "FriendCheck"],
        [FriendGetList.api.path, { TagList: ["Tag_SNS_IM_Remark"] }, "InfoItem", "FriendGetList"],
        [BlocklistAdd.api.path, {}, "ResultItem", "BlackListAdd"],
        [BlocklistDelete.api.path, {}, "ResultItem", "BlackListDelete"],
        [BlocklistCheck.api.path, { CheckType: "BlackCheckResult_Type_Both" }, "BlackListCheckItem", "BlackListCheck"],
        [GroupAdd.api.path, { GroupName: ["l"] }, "ResultItem", "GroupAdd"]
      ]
      for (const [path, extra, key, api] of cases) {
        const reply = yield* call(path, { From_Account: a, To_Account: [ghost], ...extra })
        assert.strictEqual(reply.ErrorCode, 0, `${path}: ${JSON.stringify(reply)}`)
        assert.deepStrictEqual(
          [reply[key][0].ResultCode, reply[key][0].ResultInfo, reply.Fail_Account],
          [30003, `Err_SNS_${api}_Account_Not_Exist`, [ghost]],
          path
        )
      }
    })
  )

  it.effect("parallel writes to one account lose nothing", () =>
    Effect.gen(function* () {
      const [a, ...targets] = ids(5, "par")
      yield* importAccounts([a, ...targets])
      const lists = Array.from({ length: 4 }, (_, i) => `par${i}`)
      yield* Effect.forEach(
        [
          ...targets.map((t) => add(a, [t])),
          ...lists.map((name) => callApi(GroupAdd.api, { From_Account: a, GroupName: [name] }))
        ],
        (effect) => effect,
        { concurrency: "unbounded", discard: true }
      )
      assert.deepStrictEqual(
        yield* relations(a, targets),
        targets.map(() => "CheckResult_Type_BothWay")
      )
      const got = yield* callApi(GroupGet.api, { From_Account: a })
      assert.sameMembers(
        got.response.lists.map((l) => l.groupName),
        lists
      )
    })
  )
})
