import { spawn } from "node:child_process"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { FriendAdd, FriendCheck, GroupAdd } from "@effect-tim/schema"
import { Effect, Schema } from "effect"
import { Emulator } from "../src/index.js"
import { ids, request } from "./helpers.js"

const tempFile = Effect.acquireRelease(
  Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "tim-emulator-"))),
  (dir) => Effect.promise(() => fs.rm(dir, { recursive: true, force: true }))
).pipe(Effect.map((dir) => path.join(dir, "nested", "emulator.json")))

const start = (stateFile: string) =>
  Emulator.make({ ...Emulator.testDefaults, rateLimit: 0, stateFile, defaultAllowType: "AllowType_Type_AllowAny" })

const api = (emulator: Emulator.Emulator.Service, apiPath: string, body: unknown) =>
  request(emulator.baseUrl, apiPath, body).pipe(Effect.map((reply) => reply.json))

describe("state file", () => {
  it.live("survives a restart: accounts, friendships, lists, blocklists and pending requests", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const file = yield* tempFile
        const [a, b, c, d] = ids(4)
        const before = yield* Effect.scoped(
          Effect.gen(function* () {
            const emulator = yield* start(file)
            yield* api(emulator, "v4/im_open_login_svc/multiaccount_import", { Accounts: [a, b, c, d] })
            yield* api(emulator, "v4/profile/portrait_set", {
              From_Account: d,
              ProfileItem: [
                { Tag: "Tag_Profile_IM_AllowType", Value: "AllowType_Type_NeedConfirm" },
                { Tag: "Tag_Profile_IM_Nick", Value: "Dee" }
              ]
            })
            yield* api(emulator, FriendAdd.api.path, {
              From_Account: a,
              AddFriendItem: [
                { To_Account: b, AddSource: "AddSource_Type_X", Remark: "bee", GroupName: "work" },
                { To_Account: d, AddSource: "AddSource_Type_X", AddWording: "hi" }
              ]
            })
            yield* api(emulator, GroupAdd.api.path, { From_Account: a, GroupName: ["empty"] })
            yield* api(emulator, "v4/sns/black_list_add", { From_Account: c, To_Account: [a] })
            return yield* emulator.snapshot
          })
        )
        assert.strictEqual(before.pending.length, 1)
        const saved = JSON.parse(yield* Effect.promise(() => fs.readFile(file, "utf8")))
        assert.deepStrictEqual(Schema.decodeUnknownSync(Emulator.StateSnapshot)(saved), before)
        yield* Effect.scoped(
          Effect.gen(function* () {
            const emulator = yield* start(file)
            assert.deepStrictEqual(yield* emulator.snapshot, before)
            const check = yield* api(emulator, FriendCheck.api.path, {
              From_Account: a,
              To_Account: [b, c],
              CheckType: "CheckResult_Type_Both"
            })
            assert.deepStrictEqual(
              check.InfoItem.map((i: { Relation: string }) => i.Relation),
              ["CheckResult_Type_BothWay", "CheckResult_Type_NoRelation"]
            )
            const blocked = yield* api(emulator, FriendAdd.api.path, {
              From_Account: a,
              AddFriendItem: [{ To_Account: c, AddSource: "AddSource_Type_X" }]
            })
            assert.strictEqual(blocked.ResultItem[0].ResultCode, 30525)
          })
        )
      })
    )
  )

  it.live("is saved shortly after a write, without waiting for shutdown, and leaves no temporary file", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const file = yield* tempFile
        const emulator = yield* start(file)
        const [a] = ids(1)
        yield* api(emulator, "v4/im_open_login_svc/account_import", { UserID: a })
        yield* Effect.sleep("600 millis")
        const saved = JSON.parse(yield* Effect.promise(() => fs.readFile(file, "utf8")))
        assert.deepStrictEqual(saved.accounts, [{ userId: a, allowType: "AllowType_Type_AllowAny" }])
        // No temporary file; the lock file is there while the emulator runs.
        assert.deepStrictEqual((yield* Effect.promise(() => fs.readdir(path.dirname(file)))).sort(), [
          "emulator.json",
          "emulator.json.lock"
        ])
      })
    )
  )

  it.live("a corrupt file is a typed error and is left untouched", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const file = yield* tempFile
        yield* Effect.promise(() => fs.mkdir(path.dirname(file), { recursive: true }))
        for (const [content, why] of [
          ["{not json", "not valid JSON"],
          [JSON.stringify({ accounts: [{ userId: "a" }] }), "allowType"],
          [
            JSON.stringify({
              accounts: [],
              friendships: [{ from: "a", to: "b", groups: [], addSource: "x", addTime: 1, custom: {} }],
              blocklists: [],
              lists: [],
              pending: []
            }),
            "does not list"
          ]
        ] as const) {
          yield* Effect.promise(() => fs.writeFile(file, content))
          const error = yield* Effect.flip(start(file))
          assert.strictEqual(error.reason, "StateFileCorrupt")
          assert.include(error.message, file)
          assert.include(error.message, why)
          assert.strictEqual(yield* Effect.promise(() => fs.readFile(file, "utf8")), content)
        }
      })
    )
  )

  it.live("an unreadable file is a typed error", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const file = yield* tempFile
        yield* Effect.promise(() => fs.mkdir(file, { recursive: true }))
        const error = yield* Effect.flip(start(file))
        assert.strictEqual(error.reason, "StateFileUnreadable")
        assert.include(error.message, "EISDIR")
      })
    )
  )

  it.live("bad options are a typed error that never shows the secret key", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const error = yield* Effect.flip(Emulator.make({ ...Emulator.testDefaults, admins: ["bad admin"] }))
        assert.strictEqual(error.reason, "InvalidOptions")
        assert.notInclude(error.message, "effect-tim-test-secret")
        for (const tag of ["Tag_SNS_Custom_", "Tag_SNS_Custom_Toolonger", "Tag_SNS_Custom_x1", "Tag_SNS_IM_Remark"]) {
          const bad = yield* Effect.flip(Emulator.make({ ...Emulator.testDefaults, customFriendTags: [tag] }))
          assert.deepStrictEqual([bad.reason, bad.message.includes(tag)], ["InvalidOptions", true], tag)
        }
        const taken = yield* Emulator.make({ ...Emulator.testDefaults })
        const port = Number(new URL(taken.baseUrl).port)
        const listen = yield* Effect.flip(Emulator.make({ ...Emulator.testDefaults, port }))
        assert.strictEqual(listen.reason, "Listen")
        assert.include(listen.message, String(port))
      })
    )
  )
})

describe("Emulator.run", () => {
  it.live("prints the base URL first, serves until SIGTERM, then saves the state file and exits 0", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const file = yield* tempFile
        const fixture = fileURLToPath(new URL("./fixtures/run.ts", import.meta.url))
        const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@effect-tim/source", fixture, file], {
          stdio: ["ignore", "pipe", "pipe"]
        })
        yield* Effect.addFinalizer(() => Effect.sync(() => child.kill("SIGKILL")))
        const firstLine = yield* Effect.async<string>((resume) => {
          let out = ""
          child.stdout.on("data", (chunk: Buffer) => {
            out += chunk.toString()
            const newline = out.indexOf("\n")
            if (newline >= 0) resume(Effect.succeed(out.slice(0, newline)))
          })
        }).pipe(Effect.timeout("20 seconds"), Effect.orDie)
        assert.match(firstLine, /^http:\/\/127\.0\.0\.1:\d+$/)
        const [a] = ids(1)
        const reply = yield* request(firstLine, "v4/im_open_login_svc/account_import", { UserID: a })
        assert.strictEqual(reply.json.ErrorCode, 0)
        const exitCode = yield* Effect.async<number | null>((resume) => {
          child.once("exit", (code) => resume(Effect.succeed(code)))
          child.kill("SIGTERM")
        })
        assert.strictEqual(exitCode, 0)
        const saved = JSON.parse(yield* Effect.promise(() => fs.readFile(file, "utf8")))
        assert.deepStrictEqual(
          saved.accounts.map((account: { userId: string }) => account.userId),
          [a]
        )
      })
    )
  )
})
