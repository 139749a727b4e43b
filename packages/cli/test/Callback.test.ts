/**
 * `tim callback trigger` and `tim callback listen`, and `tim emulator --callback-url`, through the entry point:
 * trigger in-process (Cli.run), listen and the emulator as real processes of the bin.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { assert, describe, it } from "@effect/vitest"
import { Callbacks } from "@effect-tim/callbacks"
import { Effect, Redacted } from "effect"
import { binArgs, envFor, tim } from "./helpers.js"

const token = "cli-callback-token-0123456789abcdef"
const sdkAppId = "1400000000"

/** A receiver answering with `answer` (default: the real handler, verifying with the token). */
const receiver = (answer?: string) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const handler = Callbacks.toNodeHandler(
        {
          onPrevFriendAdd: () =>
            Effect.succeed((to: string) => (to === "id2" ? Callbacks.refuse("no") : Callbacks.allow))
        },
        { sdkAppId: Number(sdkAppId), token: Redacted.make(token) }
      )
      const server = createServer((req, res) => {
        if (answer === undefined) return handler(req, res)
        req.resume()
        res.writeHead(200, { "content-type": "application/json" }).end(answer)
      })
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
      return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb` }
    }),
    ({ server }) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
  )

/** A `tim` process; `lines` fills as it prints. */
const start = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const child: ChildProcess = spawn(process.execPath, [...binArgs(), ...args], {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"]
      })
      const lines: Array<string> = []
      let buffered = ""
      child.stdout?.on("data", (chunk: Buffer) => {
        buffered += chunk.toString("utf8")
        const parts = buffered.split("\n")
        buffered = parts.pop() ?? ""
        lines.push(...parts)
      })
      child.stderr?.on("data", (chunk: Buffer) => lines.push(`stderr: ${chunk.toString("utf8").trim()}`))
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
      return { child, lines, exited }
    }),
    ({ child }) => Effect.sync(() => void child.kill("SIGKILL"))
  )

/** Waits (up to 20 s) for a line matching `pattern`. */
const lineMatching = (lines: ReadonlyArray<string>, pattern: RegExp) =>
  Effect.gen(function* () {
    for (let i = 0; i < 400; i++) {
      const found = lines.find((l) => pattern.test(l))
      if (found !== undefined) return found
      yield* Effect.sleep("50 millis")
    }
    return assert.fail(`no line matching ${pattern} in ${JSON.stringify(lines)}`)
  })

const env = { TIM_SDKAPPID: sdkAppId }

describe("tim callback trigger", () => {
  it.scopedLive("sends a signed sample and checks the answer", () =>
    Effect.gen(function* () {
      const { url } = yield* receiver()
      const ok = yield* tim(env, "callback", "trigger", "Sns.CallbackPrevFriendAdd", "--url", url, "--token", token)
      assert.strictEqual(ok.code, 0, ok.stderr)
      assert.match(ok.stdout, /^Sns\.CallbackPrevFriendAdd → HTTP 200 in \d+ ms/)
      assert.include(ok.stdout, '"To_Account":"id2","ResultCode":38000')
      assert.include(ok.stdout, "valid: yes (signed)")
      // The receiver refuses a wrong token: a valid envelope that reports the refusal.
      const bad = yield* tim(env, "callback", "trigger", "Sns.CallbackFriendAdd", "--url", url, "--token", "wrong")
      assert.strictEqual(bad.code, 0)
      assert.include(bad.stdout, "the app answered FAIL: 1 BadSignature")
      assert.notInclude(bad.stdout + bad.stderr, token.slice(0, 16))
    })
  )

  it.scopedLive("an answer Tencent would not accept exits 2; no answer exits 1; usage errors exit 1", () =>
    Effect.gen(function* () {
      const junk = yield* receiver('{"ActionStatus":"OK","ErrorCode":0,"ResultItem":[]}')
      const r = yield* tim(env, "callback", "trigger", "Sns.CallbackPrevFriendAdd", "--url", junk.url)
      assert.strictEqual(r.code, 2)
      assert.include(r.stdout, "valid: no: no ResultItem for id1, id2")
      const text = yield* receiver("<html>")
      assert.strictEqual(
        (yield* tim(env, "callback", "trigger", "Sns.CallbackFriendDelete", "--url", text.url)).code,
        2
      )
      const empty = yield* tim({ ...env, TIM_CALLBACK_TOKEN: "" }, "callback", "listen", "--port", "0")
      assert.strictEqual(empty.code, 1)
      assert.include(empty.stderr, "must not be empty")
      const closed = yield* tim(env, "callback", "trigger", "Sns.CallbackFriendAdd", "--url", "http://127.0.0.1:9/cb")
      assert.strictEqual(closed.code, 1)
      assert.include(closed.stderr, "Unreachable")
      const unknown = yield* tim(env, "callback", "trigger", "Sns.Nope", "--url", junk.url)
      assert.strictEqual(unknown.code, 1)
      assert.strictEqual((yield* tim(env, "callback", "trigger", "Sns.CallbackFriendAdd", "--url", "ftp://x")).code, 1)
    })
  )
})

describe("tim callback listen and tim emulator --callback-url (real processes)", () => {
  it.scopedLive(
    "control characters a sender puts in an account ID are printed escaped, on one line",
    () =>
      Effect.gen(function* () {
        const listen = yield* start(["callback", "listen", "--port", "0"], env)
        const url = (yield* lineMatching(listen.lines, /^listening on /)).replace("listening on ", "")
        const query = `SdkAppid=${sdkAppId}&CallbackCommand=Sns.CallbackFriendAdd&contenttype=json`
        const body = {
          CallbackCommand: "Sns.CallbackFriendAdd",
          PairList: [{ From_Account: "evil\u001b[2K\rforged\nline", To_Account: "b", Initiator_Account: "b" }],
          ClientCmd: "friend_add",
          Admin_Account: "",
          ForceFlag: 0,
          EventTime: 1
        }
        const answer = yield* Effect.promise(() =>
          fetch(`${url}?${query}`, { method: "POST", body: JSON.stringify(body) }).then((r) => r.json())
        )
        assert.strictEqual((answer as { ErrorCode: number }).ErrorCode, 0)
        const line = yield* lineMatching(listen.lines, /Sns\.CallbackFriendAdd /)
        assert.match(line, /Sns\.CallbackFriendAdd evil\\u001b\[2K\\u000dforged\\u000aline>b$/)
        assert.isFalse(listen.lines.some((l) => l.startsWith("line")))
      }),
    60_000
  )

  it.scopedLive(
    "the emulator's callbacks reach the listener, one line per event; refusals are printed",
    () =>
      Effect.gen(function* () {
        const listen = yield* start(["callback", "listen", "--port", "0", "--token", token], env)
        const url = (yield* lineMatching(listen.lines, /^listening on /)).replace("listening on ", "")
        // A signed sample from trigger, then a forged one.
        assert.strictEqual(
          (yield* tim(env, "callback", "trigger", "Sns.CallbackBlackListAdd", "--url", url, "--token", token)).code,
          0
        )
        yield* lineMatching(listen.lines, /Sns\.CallbackBlackListAdd id>id1 id>id2 id>id3$/)
        yield* tim(env, "callback", "trigger", "Sns.CallbackFriendAdd", "--url", url, "--token", "forged")
        yield* lineMatching(listen.lines, /refused BadSignature/)

        const emulator = yield* start(["emulator", "--callback-url", url, "--callback-token", token])
        const baseUrl = yield* lineMatching(emulator.lines, /^http:\/\//)
        const rest = envFor(baseUrl)
        assert.strictEqual((yield* tim(rest, "account", "import", "cb_a", "cb_b")).code, 0)
        assert.strictEqual((yield* tim(rest, "friend", "add", "--force", "cb_a", "cb_b")).code, 0)
        yield* lineMatching(listen.lines, /Sns\.CallbackFriendAdd (cb_a>cb_b cb_b>cb_a|cb_b>cb_a cb_a>cb_b)$/)
        assert.notInclude(listen.lines.join("\n") + emulator.lines.join("\n"), token.slice(0, 16))

        listen.child.kill("SIGTERM")
        // A graceful stop, like `tim emulator`.
        assert.strictEqual(yield* Effect.promise(() => listen.exited), 0)
      }),
    60_000
  )
})
