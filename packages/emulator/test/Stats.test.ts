import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { Emulator } from "../src/index.js"
import { ids, request } from "./helpers.js"

const stats = (baseUrl: string) =>
  Effect.promise(async () => {
    const response = await fetch(`${baseUrl}/_emulator/stats`)
    return Schema.decodeUnknownSync(Emulator.Stats)(await response.json())
  })

const check = "v4/sns/friend_check"

describe("answer counts", () => {
  it.live("GET /_emulator/stats and Emulator.stats count calls and answers by API and code, 60007 included", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const emulator = yield* Emulator.make({ ...Emulator.testDefaults, rateLimit: 3 })
        const [a, b] = ids(2)
        const before = yield* emulator.stats
        assert.strictEqual(before.calls, 0)
        assert.deepStrictEqual(before.answers, {})
        yield* request(emulator.baseUrl, "v4/im_open_login_svc/multiaccount_import", { Accounts: [a, b] })
        // Five calls within a second against a limit of 3: three answers 0, two 60007.
        const codes: Array<number> = []
        for (let i = 0; i < 5; i++) {
          const reply = yield* request(emulator.baseUrl, check, {
            From_Account: a,
            To_Account: [b],
            CheckType: "CheckResult_Type_Both"
          })
          codes.push(reply.json.ErrorCode)
        }
        // An unknown command, a bad UserSig and an injected 502.
        const unknown = yield* request(emulator.baseUrl, "v4/sns/no_such_api", {})
        const badSig = yield* request(emulator.baseUrl, check, {}, { userSig: "not-a-sig" })
        yield* emulator.setFaults({ http502: 1 })
        const bad = yield* request(emulator.baseUrl, check, {})
        yield* emulator.setFaults({ http502: 0 })
        assert.strictEqual(bad.status, 502)

        const viaHttp = yield* stats(emulator.baseUrl)
        const viaService = yield* emulator.stats
        assert.deepStrictEqual(viaHttp, viaService)
        const ok = codes.filter((c) => c === 0).length
        const limited = codes.filter((c) => c === 60007).length
        assert.strictEqual(ok + limited, 5)
        assert.isAtLeast(limited, 2)
        assert.deepStrictEqual(viaHttp.apis[check], {
          calls: 7,
          answers: { "0": ok, "60007": limited, [String(badSig.json.ErrorCode)]: 1, http502: 1 }
        })
        assert.deepStrictEqual(viaHttp.apis.unknown, { calls: 1, answers: { [String(unknown.json.ErrorCode)]: 1 } })
        assert.deepStrictEqual(viaHttp.apis["v4/im_open_login_svc/multiaccount_import"], {
          calls: 1,
          answers: { "0": 1 }
        })
        assert.strictEqual(viaHttp.calls, 9)
        assert.strictEqual(viaHttp.answers["60007"], limited)
        assert.strictEqual(viaHttp.answers["0"], ok + 1)
        assert.isTrue(Date.parse(viaHttp.since) <= Date.now())

        // Reset over HTTP, then through the service: counting starts again.
        const reset = yield* Effect.promise(() =>
          fetch(`${emulator.baseUrl}/_emulator/stats/reset`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: "{}"
          })
        )
        assert.strictEqual(reset.status, 200)
        const afterReset = yield* stats(emulator.baseUrl)
        assert.strictEqual(afterReset.calls, 0)
        assert.isAtLeast(Date.parse(afterReset.since), Date.parse(viaHttp.since))
        yield* request(emulator.baseUrl, "v4/sns/no_such_api", {})
        assert.strictEqual((yield* emulator.stats).calls, 1)
        yield* emulator.resetStats
        assert.deepStrictEqual((yield* emulator.stats).apis, {})
      })
    )
  )

  it.live("a dropped connection counts as a call answered `none`", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const emulator = yield* Emulator.make({ ...Emulator.testDefaults, rateLimit: 0, faults: { drop: 1 } })
        const outcome = yield* Effect.promise(() =>
          fetch(`${emulator.baseUrl}/${check}?x=1`, { method: "POST", body: "{}" }).then(
            () => "answered",
            () => "dropped"
          )
        )
        assert.strictEqual(outcome, "dropped")
        const counted = yield* emulator.stats
        assert.deepStrictEqual(counted.apis[check], { calls: 1, answers: { none: 1 } })
      })
    )
  )
})
