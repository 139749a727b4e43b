import { createHash } from "node:crypto"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Callback } from "@effect-tim/schema"
import { Effect, Either, FastCheck, Layer, ManagedRuntime, Redacted, Schema } from "effect"
import { Callbacks, Samples, Signature, Trigger } from "../src/index.js"

const samples = Samples.requests
const answers = Samples.answers

const sdkAppId = 1400000001
const token = Redacted.make("callback-token-for-tests-0123456789")
const now = () => Math.floor(Date.now() / 1000)

describe("Callback schemas: each page's samples", () => {
  for (const [command, wire] of Object.entries(samples)) {
    it(`${command} decodes and encodes back to the sample`, () => {
      const schema = Callback.bodies[command as Callback.Command] as unknown as Schema.Schema<unknown, unknown>
      const decoded = Schema.decodeUnknownSync(schema)(wire)
      assert.deepStrictEqual(Schema.encodeSync(schema)(decoded), wire)
      assert.strictEqual((Schema.decodeUnknownSync(Callback.Body)(wire) as { command: string }).command, command)
    })
  }
  it("decoded names are camelCase", () => {
    const add = Schema.decodeUnknownSync(Callback.PrevFriendAdd)(samples["Sns.CallbackPrevFriendAdd"])
    assert.deepStrictEqual(
      [add.fromAccount, add.items[1]?.toAccount, add.items[0]?.addWording, add.forceAddFlags],
      ["id", "id2", "this is id1!", 0]
    )
    const added = Schema.decodeUnknownSync(Callback.FriendAdd)(samples["Sns.CallbackFriendAdd"])
    assert.deepStrictEqual([added.pairs[2]?.toAccount, added.clientCmd, added.forceFlag], ["id3", "friend_add", 1])
  })
  it("answers", () => {
    const after = Schema.decodeUnknownSync(Callback.Answer)(answers.after)
    assert.deepStrictEqual(Schema.encodeSync(Callback.Answer)(after), answers.after)
    const before = Schema.decodeUnknownSync(Callback.DecisionAnswer)(answers.prevFriendAdd)
    assert.strictEqual(before.resultItems[1]?.toAccount, "id2")
    assert.deepStrictEqual(Callbacks.decisionAnswer(["id1", "id2"], Callbacks.allow), answers.prevFriendAdd)
  })
  it("a body of the wrong command, or missing its accounts, is refused", () => {
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(Callback.FriendAdd)(samples["Sns.CallbackFriendDelete"])))
    assert.isTrue(
      Either.isLeft(
        Schema.decodeUnknownEither(Callback.FriendDelete)({
          CallbackCommand: "Sns.CallbackFriendDelete",
          PairList: [{ From_Account: 1 }]
        })
      )
    )
  })
})

describe("Signature.verify", () => {
  const params = (over: Record<string, string | undefined> = {}) => {
    const p = Signature.queryParams({ sdkAppId, command: "Sns.CallbackFriendAdd", token, nowSeconds: 1_700_000_000 })
    for (const [k, v] of Object.entries(over)) v === undefined ? p.delete(k) : p.set(k, v)
    return p
  }
  const tag = (r: Either.Either<unknown, { _tag: string }>) => (Either.isRight(r) ? "ok" : r.left._tag)

  it("sign is the hex SHA-256 of token + RequestTime", () => {
    // Independent computation of sha256("abc1700000000").
    assert.strictEqual(
      Signature.sign(Redacted.make("abc"), 1700000000),
      createHash("sha256").update("abc1700000000").digest("hex")
    )
  })
  it("good, wrong app, bad signature, missing signature, stale, malformed time", () => {
    const opts = { sdkAppId, token }
    assert.strictEqual(tag(Signature.verify(params(), opts, 1_700_000_030)), "ok")
    assert.strictEqual(tag(Signature.verify(params({ SdkAppid: "1400000002" }), opts, 1_700_000_000)), "WrongApp")
    assert.strictEqual(tag(Signature.verify(params({ SdkAppid: undefined }), opts, 1_700_000_000)), "WrongApp")
    const bad = params()
    bad.set("Sign", Signature.sign(Redacted.make("another-token"), 1_700_000_000))
    assert.strictEqual(tag(Signature.verify(bad, opts, 1_700_000_000)), "BadSignature")
    assert.strictEqual(tag(Signature.verify(params({ Sign: "zz" }), opts, 1_700_000_000)), "BadSignature")
    assert.strictEqual(tag(Signature.verify(params({ Sign: undefined }), opts, 1_700_000_000)), "BadSignature")
    assert.strictEqual(tag(Signature.verify(params(), opts, 1_700_000_061)), "Stale")
    assert.strictEqual(tag(Signature.verify(params(), opts, 1_699_999_939)), "Stale")
    // A request re-signed for another time must carry that time: changing RequestTime alone breaks the signature.
    assert.strictEqual(
      tag(Signature.verify(params({ RequestTime: "1700000050" }), opts, 1_700_000_050)),
      "BadSignature"
    )
    assert.strictEqual(tag(Signature.verify(params({ RequestTime: "17e8" }), opts, 1_700_000_000)), "Malformed")
    // Without a token, only the app is checked.
    assert.strictEqual(tag(Signature.verify(params({ Sign: undefined }), { sdkAppId }, 1_800_000_000)), "ok")
  })
  it("property: any token and time within the window verifies; any other Sign, app or time does not", () => {
    FastCheck.assert(
      FastCheck.property(
        FastCheck.string({ minLength: 1, maxLength: 64 }),
        FastCheck.integer({ min: 1_000_000_000, max: 4_000_000_000 }),
        FastCheck.integer({ min: -60, max: 60 }),
        FastCheck.integer({ min: 0, max: 63 }),
        (secret, time, skew, at) => {
          const t = Redacted.make(secret)
          const p = Signature.queryParams({ sdkAppId, command: "Sns.CallbackFriendAdd", token: t, nowSeconds: time })
          if (!Either.isRight(Signature.verify(p, { sdkAppId, token: t }, time + skew))) return false
          const sign = p.get("Sign") ?? ""
          const flipped = new URLSearchParams(p)
          flipped.set("Sign", sign.slice(0, at) + (sign[at] === "0" ? "1" : "0") + sign.slice(at + 1))
          const late = Signature.verify(p, { sdkAppId, token: t }, time + 61)
          const other = Signature.verify(p, { sdkAppId: sdkAppId + 1, token: t }, time)
          const forged = Signature.verify(flipped, { sdkAppId, token: t }, time)
          return (
            Either.isLeft(late) &&
            late.left._tag === "Stale" &&
            Either.isLeft(other) &&
            other.left._tag === "WrongApp" &&
            Either.isLeft(forged) &&
            forged.left._tag === "BadSignature"
          )
        }
      ),
      { numRuns: 200 }
    )
  })

  it("no error message carries the token", () => {
    const r = Signature.verify(params({ Sign: "0".repeat(64) }), { sdkAppId, token }, 1_700_000_000)
    assert.isTrue(Either.isLeft(r))
    if (Either.isLeft(r)) assert.notInclude(JSON.stringify(r.left) + r.left.message, Redacted.value(token).slice(0, 16))
  })
})

describe("makeReceiver", () => {
  it("refuses an empty token, which would let anyone sign", () => {
    assert.throws(() => Callbacks.makeReceiver({}, { sdkAppId, token: Redacted.make("") }), /must not be empty/)
  })

  it.effect("runs each callback in a tim.callback span carrying its command", () =>
    Effect.gen(function* () {
      const seen: Array<unknown> = []
      const receiver = Callbacks.makeReceiver(
        {
          onFriendAdd: () =>
            Effect.flatMap(Effect.currentSpan, (span) =>
              Effect.sync(() => void seen.push([span.name, span.attributes.get("tim.callback.command")]))
            )
        },
        { sdkAppId }
      )
      const query = Signature.queryParams({ sdkAppId, command: "Sns.CallbackFriendAdd", nowSeconds: 0 })
      const answer = yield* receiver.handle(query, Buffer.from(JSON.stringify(samples["Sns.CallbackFriendAdd"])))
      assert.deepStrictEqual(answer, { status: 200, body: Callback.ok })
      assert.deepStrictEqual(seen, [["tim.callback", "Sns.CallbackFriendAdd"]])
    })
  )
})

/** POSTs a body to `url` with signed parameters; returns the status and the JSON answer. */
const post = async (
  url: string,
  command: string,
  body: unknown,
  over: { token?: Redacted.Redacted<string> | undefined; time?: number; sdkAppId?: number; raw?: string } = {}
) => {
  const query = Signature.queryParams({
    sdkAppId: over.sdkAppId ?? sdkAppId,
    command,
    token: "token" in over ? over.token : token,
    nowSeconds: over.time ?? now()
  })
  const response = await fetch(`${url}?${query}`, { method: "POST", body: over.raw ?? JSON.stringify(body) })
  return { status: response.status, json: (await response.json()) as Record<string, unknown> }
}

const handlers = (log: Array<string>): Callbacks.Handlers<string> => ({
  onPrevFriendAdd: (event) =>
    Effect.succeed((to: string) => {
      if (to === "boom") throw new Error("a bug in the app's decision")
      return to === "id2" ? Callbacks.refuse(`no friends for ${event.fromAccount}`, 38001) : Callbacks.allow
    }),
  onPrevFriendResponse: (event) =>
    event.fromAccount === "slow" ? Effect.never : Effect.succeed(Callbacks.refuse("closed", 12)),
  onFriendAdd: (event) => Effect.sync(() => void log.push(`add ${event.pairs.length}`)),
  onFriendDelete: () => Effect.fail("database down"),
  onBlackListAdd: (event) => Effect.sync(() => void log.push(`block ${event.pairs[0]?.toAccount}`)),
  onUnknown: (command) => Effect.sync(() => void log.push(`unknown ${command}`))
})

const options: Callbacks.Options = { sdkAppId, token, deadline: "200 millis", rejectReplays: true }

/** The same assertions against both adapters. */
const suite = (name: string, start: (log: Array<string>) => Promise<{ url: string; close: () => Promise<void> }>) =>
  describe(`handler over real HTTP (${name})`, () => {
    it.live("dispatches, decides, refuses and answers in Tencent's shape", () =>
      Effect.promise(async () => {
        const log: Array<string> = []
        const { url, close } = await start(log)
        try {
          const prev = await post(url, "Sns.CallbackPrevFriendAdd", samples["Sns.CallbackPrevFriendAdd"])
          assert.deepStrictEqual(prev.json, {
            ActionStatus: "OK",
            ErrorCode: 0,
            ErrorInfo: "",
            ResultItem: [
              { To_Account: "id1", ResultCode: 0, ResultInfo: "" },
              { To_Account: "id2", ResultCode: 38001, ResultInfo: "no friends for id" }
            ]
          })
          // An out-of-range refusal code is answered as 38000.
          const response = await post(url, "Sns.CallbackPrevFriendResponse", samples["Sns.CallbackPrevFriendResponse"])
          assert.deepStrictEqual(
            (response.json.ResultItem as Array<{ ResultCode: number }>).map((i) => i.ResultCode),
            [38000, 38000]
          )
          // Overrun: the default (allow) is answered at the deadline.
          const started = Date.now()
          const slow = await post(url, "Sns.CallbackPrevFriendResponse", {
            ...samples["Sns.CallbackPrevFriendResponse"],
            From_Account: "slow"
          })
          assert.isBelow(Date.now() - started, 2000)
          assert.deepStrictEqual(
            (slow.json.ResultItem as Array<{ ResultCode: number }>).map((i) => i.ResultCode),
            [0, 0]
          )

          assert.deepStrictEqual(
            (await post(url, "Sns.CallbackFriendAdd", samples["Sns.CallbackFriendAdd"])).json,
            Callback.ok
          )
          assert.deepStrictEqual(
            (await post(url, "Sns.CallbackBlackListAdd", samples["Sns.CallbackBlackListAdd"])).json,
            Callback.ok
          )
          const failed = await post(url, "Sns.CallbackFriendDelete", samples["Sns.CallbackFriendDelete"])
          assert.strictEqual(failed.json.ErrorCode, 1)
          // No handler: acknowledged.
          assert.deepStrictEqual(
            (await post(url, "Sns.CallbackBlackListDelete", samples["Sns.CallbackBlackListDelete"])).json,
            Callback.ok
          )
          // Unknown command: OK and reported.
          const unknown = await post(url, "Sns.CallbackFutureThing", {
            CallbackCommand: "Sns.CallbackFutureThing",
            X: 1
          })
          assert.deepStrictEqual(unknown.json, Callback.ok)
          assert.deepStrictEqual(log, ["add 3", "block id1", "unknown Sns.CallbackFutureThing"])

          // Refusals: wrong app, bad signature, stale, replay, malformed, too large.
          const info = async (p: Promise<{ json: Record<string, unknown> }>) => {
            const r = await p
            assert.strictEqual(r.json.ActionStatus, "FAIL")
            assert.notInclude(String(r.json.ErrorInfo), Redacted.value(token).slice(0, 16))
            return String(r.json.ErrorInfo).split(":")[0]
          }
          const sample = samples["Sns.CallbackFriendAdd"]
          assert.strictEqual(await info(post(url, "Sns.CallbackFriendAdd", sample, { sdkAppId: 1 })), "WrongApp")
          assert.strictEqual(
            await info(post(url, "Sns.CallbackFriendAdd", sample, { token: Redacted.make("nope") })),
            "BadSignature"
          )
          assert.strictEqual(
            await info(post(url, "Sns.CallbackFriendAdd", sample, { token: undefined })),
            "BadSignature"
          )
          assert.strictEqual(await info(post(url, "Sns.CallbackFriendAdd", sample, { time: now() - 3600 })), "Stale")
          const time = now()
          const unique = { ...sample, PairList: [{ From_Account: "r", To_Account: "s" }] }
          assert.deepStrictEqual((await post(url, "Sns.CallbackFriendAdd", unique, { time })).json, Callback.ok)
          assert.strictEqual(await info(post(url, "Sns.CallbackFriendAdd", unique, { time })), "Replayed")
          assert.strictEqual(await info(post(url, "Sns.CallbackFriendAdd", sample, { raw: "{not json" })), "Malformed")
          assert.strictEqual(
            await info(post(url, "Sns.CallbackFriendAdd", { CallbackCommand: "Sns.CallbackFriendAdd", PairList: "x" })),
            "Malformed"
          )
          assert.strictEqual(
            await info(post(url, "Sns.CallbackFriendAdd", { ...samples["Sns.CallbackFriendDelete"], EventTime: 1 })),
            "Malformed"
          )
          assert.strictEqual(
            await info(post(url, "Sns.CallbackFriendAdd", sample, { raw: "x".repeat(70000) })),
            "TooLarge"
          )
          // Hostile or buggy: a body nested too deeply to describe, a decision that throws. Tencent's envelope.
          const deep = `{"CallbackCommand":"Sns.CallbackFriendAdd","PairList":${"[".repeat(20000)}${"]".repeat(20000)}}`
          assert.strictEqual(await info(post(url, "Sns.CallbackFriendAdd", sample, { raw: deep })), "Malformed")
          const boom = await post(url, "Sns.CallbackPrevFriendAdd", {
            ...samples["Sns.CallbackPrevFriendAdd"],
            FriendItem: [{ To_Account: "boom" }]
          })
          assert.deepStrictEqual(boom, {
            status: 200,
            json: { ActionStatus: "FAIL", ErrorCode: 1, ErrorInfo: "internal error in the callback receiver" }
          })
          assert.strictEqual(log.length, 4)
        } finally {
          await close()
        }
      })
    )
  })

suite("toNodeHandler on node:http", async (log) => {
  const server: Server = createServer(Callbacks.toNodeHandler(handlers(log), { ...options, maxBodyBytes: 65536 }))
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/tim/callback`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
})

suite("toHttpApp in an HttpRouter", async (log) => {
  const app = HttpRouter.empty.pipe(
    HttpRouter.post("/tim/callback", Callbacks.toHttpApp(handlers(log), { ...options, maxBodyBytes: 65536 }))
  )
  const layer = HttpServer.serve(app).pipe(
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
  )
  const managed = ManagedRuntime.make(layer)
  const address = await managed.runPromise(HttpServer.addressFormattedWith((s) => Effect.succeed(s)))
  return { url: `${address}/tim/callback`, close: () => managed.dispose() }
})

describe("Trigger.send", () => {
  it.live("an answer nested too deeply to describe is judged invalid, not a crash", () =>
    Effect.gen(function* () {
      const server = yield* Effect.acquireRelease(
        Effect.promise(async () => {
          const s: Server = createServer((req, res) => {
            req.resume()
            res.writeHead(200, { "content-type": "application/json" })
            res.end(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":${"[".repeat(30000)}${"]".repeat(30000)}}`)
          })
          await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve))
          return s
        }),
        (s) => Effect.promise(() => new Promise<void>((resolve) => s.close(() => resolve())))
      )
      const result = yield* Trigger.send({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`,
        command: "Sns.CallbackFriendAdd",
        body: samples["Sns.CallbackFriendAdd"],
        sdkAppId,
        token
      })
      assert.strictEqual(result.status, 200)
      assert.strictEqual(result.problem, "the answer is not Tencent's envelope: a value too deeply nested to describe")
    }).pipe(Effect.scoped)
  )
})
