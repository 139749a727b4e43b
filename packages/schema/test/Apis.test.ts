import { assert, describe, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import * as S from "../src/index.js"
import { requestSamples as samples } from "./fixtures/samples.js"

// The sample requests and responses of spec §4 and §9: each decodes, and encodes back to the same wire JSON.
const roundTrip = (schema: Schema.Schema<any, any>, wire: unknown) => {
  const decoded = Schema.decodeUnknownSync(schema)(wire)
  assert.deepStrictEqual(Schema.encodeSync(schema)(decoded), wire)
  return decoded
}

describe("API schemas", () => {
  it("friend_add", () => {
    const request = roundTrip(S.FriendAdd.Request, samples.FriendAdd)
    assert.strictEqual(request.items[0]?.toAccount, "id1")
    const response = Schema.decodeUnknownSync(S.FriendAdd.Response)({
      ResultItem: [
        { To_Account: "id1", ResultCode: 0, ResultInfo: "" },
        { To_Account: "id2", ResultCode: 30006, ResultInfo: "Err_SNS_FriendAdd_Unpack_Profile_Data_Fail" },
        { To_Account: "id3", ResultCode: 30002, ResultInfo: "Err_SNS_FriendAdd_SdkAppId_Illegal" }
      ],
      Fail_Account: ["id2", "id3"],
      ActionStatus: "OK",
      ErrorCode: 0,
      ErrorInfo: "",
      ErrorDisplay: ""
    })
    assert.deepStrictEqual(response.failAccount, ["id2", "id3"])
    assert.strictEqual(response.resultItems[1]?.resultCode, 30006)
  })

  it("friend_import with custom items and an integer custom value", () => {
    const request = roundTrip(S.FriendImport.Request, samples.FriendImport)
    assert.deepStrictEqual(request.items[0]?.groupNames, ["Friends"])
  })

  it("friend_update", () => {
    roundTrip(S.FriendUpdate.Request, samples.FriendUpdate)
    const bad = Schema.decodeUnknownEither(S.FriendUpdate.Request)({
      From_Account: "id",
      UpdateItem: [{ To_Account: "id1", SnsItem: [{ Tag: "Tag_SNS_IM_AddSource", Value: "x" }] }]
    })
    assert.isTrue(Either.isLeft(bad))
  })

  it("friend_delete, friend_delete_all, friend_check", () => {
    roundTrip(S.FriendDelete.Request, samples.FriendDelete)
    roundTrip(S.FriendDeleteAll.Request, { From_Account: "id" })
    roundTrip(S.FriendDeleteAll.Request, samples.FriendDeleteAll)
    roundTrip(S.FriendCheck.Request, {
      From_Account: "id",
      To_Account: ["id1", "id2", "id3", "id4", "id5"],
      CheckType: "CheckResult_Type_Both"
    })
    const response = Schema.decodeUnknownSync(S.FriendCheck.Response)({
      InfoItem: [
        { To_Account: "id1", Relation: "CheckResult_Type_BothWay", ResultCode: 0, ResultInfo: "" },
        {
          To_Account: "id2",
          Relation: "CheckResult_Type_NoRelation",
          ResultCode: 30006,
          ResultInfo: "Err_SNS_FriendCheck_Check_Relation_Exec_Task_Fail"
        }
      ],
      Fail_Account: ["id2"]
    })
    assert.strictEqual(response.infoItems[0]?.relation, "CheckResult_Type_BothWay")
  })

  it("friend_get", () => {
    roundTrip(S.FriendGet.Request, samples.FriendGet)
    const response = Schema.decodeUnknownSync(S.FriendGet.Response)({
      UserDataItem: [
        {
          To_Account: "id1",
          ValueItem: [
            { Tag: "Tag_SNS_IM_AddSource", Value: "AddSource_Type_Android" },
            { Tag: "Tag_SNS_IM_Group", Value: ["Group1", "Group2"] },
            { Tag: "Tag_SNS_IM_AddTime", Value: 1563867420 }
          ]
        }
      ],
      StandardSequence: 88,
      CustomSequence: 46,
      FriendNum: 20,
      CompleteFlag: 1,
      NextStartIndex: 0,
      ActionStatus: "OK",
      ErrorCode: 0,
      ErrorInfo: "",
      ErrorDisplay: ""
    })
    assert.strictEqual(response.completeFlag, 1)
    assert.strictEqual(response.userDataItems[0]?.valueItems.length, 3)
  })

  it("friend_get_list", () => {
    roundTrip(S.FriendGetList.Request, {
      From_Account: "UserID_1",
      To_Account: ["UserID_2"],
      TagList: [
        "Tag_Profile_Custom_Test",
        "Tag_Profile_IM_Image",
        "Tag_Profile_IM_Nick",
        "Tag_SNS_Custom_Test",
        "Tag_SNS_IM_Remark",
        "Tag_SNS_IM_Group"
      ]
    })
  })

  it("black_list_add, black_list_delete, black_list_check", () => {
    roundTrip(S.BlocklistAdd.Request, samples.BlocklistAdd)
    roundTrip(S.BlocklistDelete.Request, { From_Account: "id", To_Account: ["id1", "id2", "id3"] })
    roundTrip(S.BlocklistCheck.Request, {
      From_Account: "id",
      To_Account: ["id1", "id2", "id3", "id4", "id5"],
      CheckType: "BlackCheckResult_Type_Both"
    })
    const response = Schema.decodeUnknownSync(S.BlocklistCheck.Response)({
      BlackListCheckItem: [{ To_Account: "id1", Relation: "BlackCheckResult_Type_NO", ResultCode: 0, ResultInfo: "" }]
    })
    assert.strictEqual(response.checkItems[0]?.relation, "BlackCheckResult_Type_NO")
  })

  it("black_list_get accepts both sequence spellings and writes Tencent's", () => {
    roundTrip(S.BlocklistGet.Request, samples.BlocklistGet)
    const sample = {
      BlackListItem: [
        { To_Account: "id1", AddBlackTimeStamp: 1430000001 },
        { To_Account: "id2", AddBlackTimeStamp: 1430000002 }
      ],
      StartIndex: 0,
      CurruentSequence: 13
    }
    const decoded = roundTrip(S.BlocklistGet.Response, sample)
    assert.strictEqual(decoded.currentSequence, 13)
    const documented = Schema.decodeUnknownSync(S.BlocklistGet.Response)({
      ...sample,
      CurruentSequence: undefined,
      CurrentSequence: 7
    })
    assert.strictEqual(documented.currentSequence, 7)
  })

  it("group_add, group_delete, group_get", () => {
    roundTrip(S.GroupAdd.Request, { From_Account: "id", GroupName: ["group1", "group2", "group3"] })
    roundTrip(S.GroupAdd.Request, {
      From_Account: "id",
      GroupName: ["group1", "group2", "group3"],
      To_Account: ["id1", "id2", "id3"]
    })
    roundTrip(S.GroupDelete.Request, samples.GroupDelete)
    roundTrip(S.GroupGet.Request, { From_Account: "id" })
    roundTrip(S.GroupGet.Request, samples.GroupGet)
    const lists = Schema.decodeUnknownSync(S.GroupGet.Response)({
      ResultItem: [{ GroupName: "group1", FriendNumber: 1, To_Account: ["friend1"] }],
      CurrentSequence: 2
    })
    assert.deepStrictEqual(lists.lists[0]?.toAccounts, ["friend1"])
    const tooMany = Array.from({ length: 33 }, (_, i) => `g${i}`)
    assert.isTrue(
      Either.isLeft(Schema.decodeUnknownEither(S.GroupAdd.Request)({ From_Account: "id", GroupName: tooMany }))
    )
  })

  it("account and profile APIs", () => {
    roundTrip(S.AccountImport.Request, samples.AccountImport)
    roundTrip(S.MultiAccountImport.Request, samples.MultiAccountImport)
    roundTrip(S.AccountCheck.Request, samples.AccountCheck)
    roundTrip(S.AccountDelete.Request, samples.AccountDelete)
    roundTrip(S.PortraitSet.Request, samples.PortraitSet)
    roundTrip(S.PortraitGet.Request, samples.PortraitGet)
    const check = Schema.decodeUnknownSync(S.AccountCheck.Response)({
      ResultItem: [{ UserID: "a", ResultCode: 0, ResultInfo: "", AccountStatus: "Imported" }]
    })
    assert.strictEqual(check.resultItems[0]?.accountStatus, "Imported")
    const tooMany = Array.from({ length: 101 }, (_, i) => `u${i}`)
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(S.MultiAccountImport.Request)({ Accounts: tooMany })))
  })

  it("portrait_set: every standard field with its type and limits, and custom fields", () => {
    const decode = Schema.decodeUnknownEither(S.PortraitSet.ProfileItem)
    const ok = (Tag: string, Value: unknown) => assert.isTrue(Either.isRight(decode({ Tag, Value })), `${Tag}=${Value}`)
    const bad = (Tag: string, Value: unknown) => assert.isTrue(Either.isLeft(decode({ Tag, Value })), `${Tag}=${Value}`)
    ok("Tag_Profile_IM_Nick", "n".repeat(500))
    bad("Tag_Profile_IM_Nick", "n".repeat(501))
    ok("Tag_Profile_IM_Gender", "Gender_Type_Female")
    bad("Tag_Profile_IM_Gender", "Female")
    ok("Tag_Profile_IM_BirthDay", 20190419)
    bad("Tag_Profile_IM_BirthDay", "20190419")
    bad("Tag_Profile_IM_Level", 4_294_967_296)
    bad("Tag_Profile_IM_Role", -1)
    ok("Tag_Profile_IM_Location", "x".repeat(16))
    bad("Tag_Profile_IM_Location", "x".repeat(17))
    ok("Tag_Profile_IM_AdminForbidType", "AdminForbid_Type_SendOut")
    ok("Tag_Profile_IM_MsgSettings", 1)
    ok("Tag_Profile_Custom_Test", "value")
    bad("Tag_Profile_Custom_Test", 1)
    bad("Tag_Profile_Custom_TooLongName", "value")
    bad("Tag_Profile_IM_Unknown", "value")
    assert.deepStrictEqual(Object.keys(S.PortraitSet.standardFields).sort(), [...S.Enums.ProfileTag.literals].sort())
  })

  it("the registry lists every API module's descriptor once, under its module's name", () => {
    const modules = S as unknown as Record<string, { readonly api?: S.Api.Any }>
    const described = Object.keys(modules)
      .filter((name) => modules[name]?.api !== undefined)
      .sort()
    assert.deepStrictEqual([...S.Apis.names].sort(), described)
    for (const name of S.Apis.names) assert.strictEqual<unknown>(S.Apis.all[name], modules[name]?.api)
    const paths = S.Apis.names.map((name) => S.Apis.all[name].path)
    assert.strictEqual(new Set(paths).size, paths.length)
  })

  it("every registered API documents only codes of the one error table, each once", () => {
    const table = new Set<unknown>(S.TimError.classes)
    for (const name of S.Apis.names) {
      const errors: ReadonlyArray<S.TimError.TimErrorClass> = S.Apis.all[name].errors
      for (const cls of errors) assert.isTrue(table.has(cls), `${name}: ${cls._tag} is not in TimError.classes`)
      assert.strictEqual(new Set<unknown>(errors).size, errors.length, `${name} lists a code twice`)
    }
  })

  it("every registered API has a sample request that round-trips", () => {
    for (const name of S.Apis.names) {
      const sample = (samples as Record<string, unknown>)[name]
      assert.isDefined(sample, `no sample request for ${name}`)
      roundTrip(S.Apis.all[name].Request, sample)
    }
  })

  it("every API has a descriptor with its path", () => {
    const apis = [
      S.FriendAdd.api,
      S.FriendImport.api,
      S.FriendUpdate.api,
      S.FriendDelete.api,
      S.FriendDeleteAll.api,
      S.FriendCheck.api,
      S.FriendGet.api,
      S.FriendGetList.api,
      S.BlocklistAdd.api,
      S.BlocklistDelete.api,
      S.BlocklistCheck.api,
      S.BlocklistGet.api,
      S.GroupAdd.api,
      S.GroupDelete.api,
      S.GroupGet.api
    ]
    assert.deepStrictEqual(
      apis.map((api) => api.path),
      [
        "v4/sns/friend_add",
        "v4/sns/friend_import",
        "v4/sns/friend_update",
        "v4/sns/friend_delete",
        "v4/sns/friend_delete_all",
        "v4/sns/friend_check",
        "v4/sns/friend_get",
        "v4/sns/friend_get_list",
        "v4/sns/black_list_add",
        "v4/sns/black_list_delete",
        "v4/sns/black_list_check",
        "v4/sns/black_list_get",
        "v4/sns/group_add",
        "v4/sns/group_delete",
        "v4/sns/group_get"
      ]
    )
    assert.include(S.PortraitSet.api.path, "v4/profile/portrait_set")
  })

  it("rejects more items than a request may carry", () => {
    const accounts = Array.from({ length: 1001 }, (_, i) => `u${i}`)
    const result = Schema.decodeUnknownEither(S.FriendCheck.Request)({
      From_Account: "id",
      To_Account: accounts,
      CheckType: "CheckResult_Type_Both"
    })
    assert.isTrue(Either.isLeft(result))
  })
})

describe("wire types", () => {
  it("name Tencent's fields exactly, so emulator answers are checked at compile time", () => {
    // A misspelt key here is a type error, not only a failing assertion.
    const wire: typeof S.FriendCheck.Response.Encoded = {
      InfoItem: [{ To_Account: "a", Relation: "CheckResult_Type_BothWay", ResultCode: 0, ResultInfo: "" }]
    }
    const blocklist: typeof S.BlocklistGet.Response.Encoded = { BlackListItem: [], StartIndex: 0, CurruentSequence: 1 }
    assert.strictEqual(Schema.decodeUnknownSync(S.FriendCheck.Response)(wire).infoItems[0]?.toAccount, "a")
    assert.strictEqual(Schema.decodeUnknownSync(S.BlocklistGet.Response)(blocklist).currentSequence, 1)
  })
})

describe("per-API error unions", () => {
  it("list exactly the codes each page documents", () => {
    const blocked: S.FriendAdd.Error = new S.TimError.BlockedByTarget({ info: "" })
    const conflict: S.FriendDelete.Error = new S.TimError.WriteConflict({ info: "" })
    // @ts-expect-error friend_check cannot answer 30525
    const impossible: S.FriendCheck.Error = new S.TimError.BlockedByTarget({ info: "" })
    assert.deepStrictEqual([blocked.code, conflict.code, impossible.code], [30525, 30008, 30525])
    assert.deepStrictEqual(
      S.FriendCheck.api.errors.map((cls) => cls.code),
      [30001, 30003, 30004, 30006, 30007]
    )
    assert.includeMembers(
      S.FriendAdd.api.errors.map((cls) => cls.code),
      [
        30001, 30002, 30003, 30004, 30005, 30006, 30007, 30008, 30009, 30010, 30011, 30012, 30014, 30515, 30516, 30525,
        30539, 30540
      ]
    )
    assert.strictEqual(S.FriendAdd.api.errors.length, 18)
    // The profile APIs answer their own 40xxx codes (trtc.io/document/34916, 34917), not the account APIs' 70xxx.
    assert.deepStrictEqual(
      S.PortraitSet.api.errors.map((cls) => cls.code),
      [40001, 40003, 40004, 40006, 40008, 40009, 40601, 40605, 40610]
    )
    assert.deepStrictEqual(
      S.PortraitGet.api.errors.map((cls) => cls.code),
      [40001, 40002, 40003, 40004, 40006, 40007, 40009]
    )
    const tagMissing: S.PortraitGet.Error = new S.TimError.ProfileTagNotFound({ info: "" })
    // @ts-expect-error portrait_set cannot answer 40007 (read permission)
    const notSet: S.PortraitSet.Error = new S.TimError.ProfileReadForbidden({ info: "" })
    assert.deepStrictEqual([tagMissing.code, notSet.code], [40009, 40007])
  })
})
