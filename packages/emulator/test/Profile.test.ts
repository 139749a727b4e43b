import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { assert, it, layer } from "@effect/vitest"
import { Fields, PortraitGet, PortraitSet } from "@effect-tim/schema"
import { TimClient } from "@effect-tim/transport"
import { Effect } from "effect"
import { Emulator, TestKit } from "../src/index.js"
import { call, callApi, ids, importAccounts, request } from "./helpers.js"

// portrait_set / portrait_get with the profile service's own codes (trtc.io/document/34916, 34917, 33520).
const set = (from: unknown, items: ReadonlyArray<{ readonly Tag: unknown; readonly Value?: unknown }>) =>
  call(PortraitSet.api.path, { From_Account: from, ProfileItem: items })

const failure = (reply: Record<string, any>) => [reply.ActionStatus, reply.ErrorCode, reply.ErrorInfo]

const allStandard = [
  { Tag: "Tag_Profile_IM_Nick", Value: "昵称".repeat(83) }, // 498 bytes
  { Tag: "Tag_Profile_IM_Gender", Value: "Gender_Type_Female" },
  { Tag: "Tag_Profile_IM_BirthDay", Value: 20190419 },
  { Tag: "Tag_Profile_IM_Location", Value: "x".repeat(16) },
  { Tag: "Tag_Profile_IM_SelfSignature", Value: "hello" },
  { Tag: "Tag_Profile_IM_AllowType", Value: "AllowType_Type_DenyAny" },
  { Tag: "Tag_Profile_IM_Language", Value: 2 },
  { Tag: "Tag_Profile_IM_Image", Value: "https://example.com/a.png" },
  { Tag: "Tag_Profile_IM_MsgSettings", Value: 1 },
  { Tag: "Tag_Profile_IM_AdminForbidType", Value: "AdminForbid_Type_SendOut" },
  { Tag: "Tag_Profile_IM_Level", Value: 4_294_967_295 },
  { Tag: "Tag_Profile_IM_Role", Value: 0 },
  { Tag: "Tag_Profile_Custom_Test", Value: "custom" }
] as const

layer(Emulator.layerTest({ customProfileTags: ["Tag_Profile_Custom_Test"] }), { excludeTestServices: true })(
  "profile",
  (it) => {
    it.effect(
      "portrait_set accepts every standard field and a configured custom field; portrait_get returns them",
      () =>
        Effect.gen(function* () {
          const [a] = ids(1)
          yield* importAccounts([a])
          const done = yield* callApi(PortraitSet.api, { From_Account: a, ProfileItem: allStandard })
          assert.strictEqual(done.envelope.ErrorCode, 0)
          const got = yield* callApi(PortraitGet.api, { To_Account: [a], TagList: allStandard.map((item) => item.Tag) })
          assert.deepStrictEqual(got.json.UserProfileItem, [
            { To_Account: a, ProfileItem: allStandard, ResultCode: 0, ResultInfo: "" }
          ])
          assert.isUndefined(got.json.Fail_Account)
        })
    )

    it.effect("portrait_get answers AllowType always and other fields once set, in the order asked", () =>
      Effect.gen(function* () {
        const [a] = ids(1)
        yield* importAccounts([a])
        const got = yield* call(PortraitGet.api.path, {
          To_Account: [a],
          TagList: ["Tag_Profile_IM_Gender", "Tag_Profile_IM_AllowType", "Tag_Profile_Custom_Test"]
        })
        assert.deepStrictEqual(got.UserProfileItem[0].ProfileItem, [
          { Tag: "Tag_Profile_IM_AllowType", Value: "AllowType_Type_NeedConfirm" }
        ])
      })
    )

    it.effect("portrait_set's codes: 40001, 40003, 40009, 40601, 40605, 40610, and nothing applied on failure", () =>
      Effect.gen(function* () {
        const [a, never] = ids(2)
        yield* importAccounts([a])
        const cases: Array<[string, Effect.Effect<Record<string, any>, never, Emulator.Emulator>, number, string]> = [
          ["no ProfileItem", call(PortraitSet.api.path, { From_Account: a }), 40001, "Err_Profile_Comm_Decode_Fail"],
          ["empty ProfileItem", set(a, []), 40001, "Err_Profile_Comm_Decode_Fail"],
          ["item without Value", set(a, [{ Tag: "Tag_Profile_IM_Nick" }]), 40001, "Err_Profile_Comm_Decode_Fail"],
          [
            "never imported",
            set(never, [{ Tag: "Tag_Profile_IM_Nick", Value: "x" }]),
            40003,
            "The requested UserID does not exist."
          ],
          [
            "unknown standard tag",
            set(a, [{ Tag: "Tag_Profile_IM_Mood", Value: "x" }]),
            40009,
            "The Tag of the profile field does not exist."
          ],
          [
            "a tag that names an object's prototype member",
            set(a, [{ Tag: "constructor", Value: "x" }]),
            40009,
            "The Tag of the profile field does not exist."
          ],
          [
            "custom tag not configured",
            set(a, [{ Tag: "Tag_Profile_Custom_Other", Value: "x" }]),
            40009,
            "The Tag of the profile field does not exist."
          ],
          [
            "Nick over 500 bytes",
            set(a, [{ Tag: "Tag_Profile_IM_Nick", Value: "昵".repeat(167) }]),
            40601,
            "The Value of the profile field exceeds the length limit of 500 bytes."
          ],
          [
            "Location over 16 bytes",
            set(a, [{ Tag: "Tag_Profile_IM_Location", Value: "x".repeat(17) }]),
            40601,
            "The Value of the profile field exceeds the length limit of 500 bytes."
          ],
          [
            "custom value over 500 bytes",
            set(a, [{ Tag: "Tag_Profile_Custom_Test", Value: "x".repeat(501) }]),
            40601,
            "The Value of the profile field exceeds the length limit of 500 bytes."
          ],
          [
            "AllowType unknown",
            set(a, [{ Tag: "Tag_Profile_IM_AllowType", Value: "Sometimes" }]),
            40605,
            "Incorrect Value of the standard profile field."
          ],
          [
            "Gender unknown",
            set(a, [{ Tag: "Tag_Profile_IM_Gender", Value: "Gender_Type_Other" }]),
            40605,
            "Incorrect Value of the standard profile field."
          ],
          [
            "Level over uint32",
            set(a, [{ Tag: "Tag_Profile_IM_Level", Value: 4_294_967_296 }]),
            40605,
            "Incorrect Value of the standard profile field."
          ],
          [
            "BirthDay negative",
            set(a, [{ Tag: "Tag_Profile_IM_BirthDay", Value: -1 }]),
            40605,
            "Incorrect Value of the standard profile field."
          ],
          [
            "BirthDay a string",
            set(a, [{ Tag: "Tag_Profile_IM_BirthDay", Value: "20190419" }]),
            40610,
            "Incorrect Value type of the standard profile field."
          ],
          [
            "Nick a number",
            set(a, [{ Tag: "Tag_Profile_IM_Nick", Value: 5 }]),
            40610,
            "Incorrect Value type of the standard profile field."
          ],
          [
            "custom value a number (the page: custom fields take no integers)",
            set(a, [{ Tag: "Tag_Profile_Custom_Test", Value: 5 }]),
            40610,
            "Incorrect Value type of the standard profile field."
          ],
          [
            "a good item, then a bad one",
            set(a, [
              { Tag: "Tag_Profile_IM_Nick", Value: "applied?" },
              { Tag: "Tag_Profile_IM_Gender", Value: 1 }
            ]),
            40610,
            "Incorrect Value type of the standard profile field."
          ]
        ]
        for (const [name, request, code, info] of cases) {
          assert.deepStrictEqual(failure(yield* request), ["FAIL", code, info], name)
        }
        const got = yield* call(PortraitGet.api.path, { To_Account: [a], TagList: ["Tag_Profile_IM_Nick"] })
        assert.deepStrictEqual(got.UserProfileItem[0].ProfileItem, [], "a failed portrait_set applies nothing")
        const notString = yield* set(5, [{ Tag: "Tag_Profile_IM_Nick", Value: "x" }])
        assert.strictEqual(notString.ErrorCode, 60015)
      })
    )

    it.effect(
      "portrait_get's codes: 40002, 40001, 40009 and a whole-request 40003 for any never-imported account",
      () =>
        Effect.gen(function* () {
          const [a, never] = ids(2)
          yield* importAccounts([a])
          const get = (body: Record<string, unknown>) => call(PortraitGet.api.path, body)
          const nick = ["Tag_Profile_IM_Nick"]
          assert.deepStrictEqual(failure(yield* get({ TagList: nick })), [
            "FAIL",
            40002,
            "Incorrect request parameters. You need to specify the UserID whose profile is to be retrieved."
          ])
          assert.strictEqual((yield* get({ To_Account: [], TagList: nick })).ErrorCode, 40002)
          assert.strictEqual((yield* get({ To_Account: a, TagList: nick })).ErrorCode, 40001)
          assert.strictEqual((yield* get({ To_Account: ids(101), TagList: nick })).ErrorCode, 40001)
          assert.strictEqual((yield* get({ To_Account: [a] })).ErrorCode, 40001)
          assert.strictEqual((yield* get({ To_Account: [a], TagList: [] })).ErrorCode, 40001)
          assert.strictEqual((yield* get({ To_Account: [a, 7], TagList: nick })).ErrorCode, 60015)
          assert.strictEqual((yield* get({ To_Account: [a], TagList: ["__proto__"] })).ErrorCode, 40009)
          assert.deepStrictEqual(failure(yield* get({ To_Account: [a], TagList: ["Tag_SNS_IM_Remark"] })), [
            "FAIL",
            40009,
            "The Tag of the profile field does not exist."
          ])
          assert.deepStrictEqual(failure(yield* get({ To_Account: [a, never], TagList: nick })), [
            "FAIL",
            40003,
            "The requested UserID does not exist."
          ])
        })
    )

    it.effect("an injected item fault answers that account 40006 as the page's sample, without ProfileItem", () =>
      Effect.gen(function* () {
        const [a, b] = ids(2)
        yield* importAccounts([a, b])
        const emulator = yield* Emulator.Emulator
        yield* emulator.setFaults({ itemError: 1, seed: 3 })
        const got = yield* call(PortraitGet.api.path, { To_Account: [a, b], TagList: ["Tag_Profile_IM_Nick"] }).pipe(
          Effect.ensuring(emulator.setFaults({ itemError: 0 }).pipe(Effect.orDie))
        )
        assert.deepStrictEqual(got.UserProfileItem, [
          { To_Account: a, ResultCode: 40006, ResultInfo: "Err_Profile_PortraitGet_Read_Custom_Data_Fail" },
          { To_Account: b, ResultCode: 40006, ResultInfo: "Err_Profile_PortraitGet_Read_Custom_Data_Fail" }
        ])
        assert.deepStrictEqual(got.Fail_Account, [a, b])
      })
    )

    it.effect("profile fields survive in the snapshot", () =>
      Effect.gen(function* () {
        const [a] = ids(1)
        yield* importAccounts([a])
        yield* set(a, [
          { Tag: "Tag_Profile_IM_Level", Value: 7 },
          { Tag: "Tag_Profile_Custom_Test", Value: "v" }
        ])
        const snapshot = yield* Effect.flatMap(Emulator.Emulator, (emulator) => emulator.snapshot)
        const account = snapshot.accounts.find((entry) => entry.userId === a)
        assert.deepStrictEqual(account?.profile, { Tag_Profile_IM_Level: 7, Tag_Profile_Custom_Test: "v" })
      })
    )
  }
)

layer(Emulator.layerTest(), { excludeTestServices: true })("profile options", (it) => {
  it.effect("refuses a custom profile tag that is not Tag_Profile_Custom_ and 1 to 8 letters", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Effect.scoped(
          Emulator.make({ ...Emulator.testDefaults, customProfileTags: ["Tag_Profile_Custom_Toolongname"] })
        )
      )
      assert.strictEqual(error.reason, "InvalidOptions")
      assert.include(error.message, "Tag_Profile_Custom_")
    })
  )
})

it.live("profile fields and custom fields survive a restart through the state file", () =>
  Effect.scoped(
    Effect.gen(function* () {
      const dir = yield* Effect.acquireRelease(
        Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "tim-profile-"))),
        (d) => Effect.promise(() => fs.rm(d, { recursive: true, force: true }))
      )
      const options = {
        ...Emulator.testDefaults,
        rateLimit: 0,
        stateFile: path.join(dir, "state.json"),
        customProfileTags: ["Tag_Profile_Custom_Test"]
      }
      const [a] = ids(1)
      const tags = allStandard.map((item) => item.Tag)
      yield* Effect.scoped(
        Effect.gen(function* () {
          const emulator = yield* Emulator.make(options)
          yield* request(emulator.baseUrl, "v4/im_open_login_svc/account_import", { UserID: a })
          const reply = yield* request(emulator.baseUrl, PortraitSet.api.path, {
            From_Account: a,
            ProfileItem: allStandard
          })
          assert.strictEqual(reply.json.ErrorCode, 0)
        })
      )
      const emulator = yield* Emulator.make(options)
      const got = yield* request(emulator.baseUrl, PortraitGet.api.path, { To_Account: [a], TagList: tags })
      assert.deepStrictEqual(got.json.UserProfileItem[0].ProfileItem, allStandard)
    })
  )
)

layer(TestKit.layer({ emulator: { customProfileTags: ["Tag_Profile_Custom_Test"] } }), { excludeTestServices: true })(
  "profile codes through the client",
  (it) => {
    it.effect("a real TimClient call fails with the profile code's class, so Effect.catchTag handles it", () =>
      Effect.gen(function* () {
        const [a, never] = ids(2).map((id) => Fields.UserId.make(id))
        yield* TestKit.seed({ accounts: [a!] })
        const client = yield* TimClient.TimClient
        const notFound = yield* client
          .call(PortraitGet.api, { toAccounts: [a!, never!], tagList: ["Tag_Profile_IM_Nick"] })
          .pipe(
            Effect.as("answered"),
            Effect.catchTag("ProfileAccountNotFound", (e) => Effect.succeed(`${e._tag} ${e.code}`))
          )
        assert.strictEqual(notFound, "ProfileAccountNotFound 40003")
        const noTag = yield* client
          .call(PortraitSet.api, { fromAccount: a!, profileItems: [{ tag: "Tag_Profile_Custom_Other", value: "x" }] })
          .pipe(
            Effect.as("answered"),
            Effect.catchTag("ProfileTagNotFound", (e) => Effect.succeed(`${e._tag} ${e.code}`))
          )
        assert.strictEqual(noTag, "ProfileTagNotFound 40009")
        yield* client.call(PortraitSet.api, {
          fromAccount: a!,
          profileItems: [
            { tag: "Tag_Profile_IM_Gender", value: "Gender_Type_Male" },
            { tag: "Tag_Profile_Custom_Test", value: "ok" }
          ]
        })
        const got = yield* client.call(PortraitGet.api, {
          toAccounts: [a!],
          tagList: ["Tag_Profile_IM_Gender", "Tag_Profile_Custom_Test"]
        })
        assert.deepStrictEqual(got.userProfileItems[0]?.profileItems, [
          { Tag: "Tag_Profile_IM_Gender", Value: "Gender_Type_Male" },
          { Tag: "Tag_Profile_Custom_Test", Value: "ok" }
        ])
      })
    )
  }
)
