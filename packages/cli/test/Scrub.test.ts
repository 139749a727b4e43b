/**
 * Issue 11, the CLI side: when a server echoes the request URL, the UserSig alone, cut pieces of it or the secret
 * key in ErrorInfo, ResultInfo, a 400 text, a 502 HTML page or a body that is not JSON, no run of 16 characters of
 * the sig or the key reaches tim's stdout, stderr, `--json`, `--failures` or journal. Driven through the entry
 * point against the transport package's hostile server fixture.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Redaction } from "@effect-tim/transport"
import { Effect } from "effect"
import {
  type Echo,
  type ModeName,
  secretEchoes,
  startHostileServer
} from "../../transport/test/fixtures/hostileServer.js"
import { leakIn } from "../../transport/test/fixtures/recording.js"
import { type Result, tim } from "./helpers.js"

const secretKey = "cli-scrub-secret-key-5f0c2a9e7b31d4c8"

const echoes = secretEchoes(secretKey).map(([, echo]) => echo)

/**
 * Runs four commands against the server for every mode and echo, and checks that no 16 characters of a sig or the
 * key reach stdout, stderr, `--failures` or the journal; `check` adds the mode's own expectations.
 */
const scrubbed = (
  modes: ReadonlyArray<ModeName>,
  extraEnv: Record<string, string>,
  check: (name: ModeName, echo: Echo, text: string, outputs: ReadonlyArray<Result>, requests: number) => void
) =>
  Effect.gen(function* () {
    const server = yield* startHostileServer()
    const env = { TIM_ENDPOINT: server.url, TIM_SDKAPPID: "1400000000", TIM_SECRET_KEY: secretKey, ...extraEnv }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tim-scrub-"))
    const file = path.join(dir, "friends.csv")
    fs.writeFileSync(file, "alice,bob\nalice,carol\n")
    let runs = 0
    for (const name of modes) {
      for (const echo of echoes) {
        server.setMode({ name, echo })
        const failures = path.join(dir, `failures-${runs}.csv`)
        const journal = path.join(dir, `journal-${runs}`)
        const outputs = [
          yield* tim(env, "friend", "add", "alice", "bob", "carol", "--json"),
          yield* tim(env, "friend", "check", "alice", "bob"),
          yield* tim(env, "account", "import", "alice", "bob", "--json"),
          yield* tim(env, "friend", "import", "--file", file, "--failures", failures, "--journal", journal, "--json")
        ]
        runs++
        const written = [failures, journal].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, "utf8"))
        const text = [...outputs.flatMap((o) => [o.stdout, o.stderr]), ...written].join("\n")
        const sigs = new Set(server.received.map((r) => r.usersig).filter((s) => s.length > 0))
        assert.isAbove(sigs.size, 0)
        const leak = leakIn(text, [...sigs, secretKey])
        assert.isUndefined(leak, `${name} ${JSON.stringify(echo)}: ${leak}`)
        check(name, echo, text, outputs, server.received.length)
        server.clear()
      }
    }
    fs.rmSync(dir, { recursive: true, force: true })
  })

describe("tim and a server that echoes secrets", () => {
  it.scopedLive(
    "ErrorInfo, ResultInfo, a 400 text: nothing of 16+ characters of the sig or the key reaches the output",
    () =>
      scrubbed(["errorInfo", "resultInfo", "text400"], {}, (name, echo, text, outputs) => {
        // The echo did reach the output, scrubbed (a 30-character piece of a sig is removed too).
        if (name !== "text400") assert.include(text, Redaction.placeholder, `${name} ${JSON.stringify(echo)}`)
        // The friend runs did fail and say so (the echo was there to leak; account import reads no ResultInfo).
        const [add, check, , fromFile] = outputs
        assert.isTrue(
          [add, check, fromFile].every((o) => o?.code !== 0),
          `${name} ${JSON.stringify(echo)}`
        )
      }),
    300_000
  )

  it.scopedLive(
    "a 502 HTML page and a non-JSON body: a typed TransportError with the sig redacted, after a short retry budget",
    () => {
      const sent = { html502: 0, nonJson: 0, commands: 0 }
      // TIM_RETRY_SECONDS keeps the 502 retries short (10 s by default).
      return scrubbed(["html502", "nonJson"], { TIM_RETRY_SECONDS: "0.3" }, (name, echo, text, outputs, requests) => {
        const what = `${name} ${JSON.stringify(echo)}`
        // Every command failed, the whole request, with the typed error.
        assert.isTrue(
          outputs.every((o) => o.code !== 0),
          what
        )
        assert.include(text, name === "html502" ? "TransportError HttpStatus (HTTP 502)" : "TransportError InvalidJson")
        // The non-JSON body is shown, its URL with the sig redacted (the HTML page is cut before the query).
        if (name === "nonJson" && echo === "url") assert.include(text, `usersig=${Redaction.placeholder}`, what)
        if (name === "nonJson") assert.include(text, Redaction.placeholder, what)
        if (name === "html502") sent.html502 += requests
        else sent.nonJson += requests
        if (name === "html502") sent.commands += outputs.length
      }).pipe(
        Effect.tap(() => {
          // A 502 is retried within the budget (counted over all runs: one slow first try may use up 0.3 s), a body
          // that is not JSON is not retried.
          assert.isAbove(sent.html502, sent.commands)
          assert.strictEqual(sent.nonJson, sent.commands)
        })
      )
    },
    300_000
  )

  it.live("--retry-seconds 0 sends each call once; a negative budget is a usage error", () =>
    Effect.gen(function* () {
      const server = yield* startHostileServer()
      server.setMode({ name: "html502" })
      const env = { TIM_ENDPOINT: server.url, TIM_SDKAPPID: "1400000000", TIM_SECRET_KEY: secretKey }
      const once = yield* tim(env, "friend", "check", "alice", "bob", "--retry-seconds", "0")
      assert.strictEqual(once.code, 1)
      assert.strictEqual(server.received.length, 1)
      const negative = yield* tim({ ...env, TIM_RETRY_SECONDS: "-1" }, "friend", "check", "alice", "bob")
      assert.strictEqual(negative.code, 1)
      assert.include(negative.stderr, "--retry-seconds (TIM_RETRY_SECONDS) must be 0 (no retries) or more")
      assert.strictEqual(server.received.length, 1)
    }).pipe(Effect.scoped)
  )
})
