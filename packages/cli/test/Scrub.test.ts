/**
 * Issue 11, the CLI side: when a server echoes the request URL, the UserSig alone, cut pieces of it or the secret
 * key in ErrorInfo, ResultInfo or an error page, no run of 16 characters of the sig or the key reaches tim's
 * stdout, stderr, `--json`, `--failures` or journal. Driven through the entry point against the transport
 * package's hostile server fixture.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Redaction } from "@effect-tim/transport"
import { Effect } from "effect"
import { type Echo, type ModeName, startHostileServer } from "../../transport/test/fixtures/hostileServer.js"
import { tim } from "./helpers.js"

const secretKey = "cli-scrub-secret-key-5f0c2a9e7b31d4c8"

/** Every run of 16 characters of `secret` that appears in `text`. */
const leaks = (text: string, secret: string): Array<string> => {
  const found: Array<string> = []
  for (let i = 0; i + 16 <= secret.length; i++) {
    const run = secret.slice(i, i + 16)
    if (text.includes(run)) found.push(run)
  }
  return found
}

describe("tim and a server that echoes secrets", () => {
  it.scopedLive(
    "nothing of 16+ characters of the sig or the key reaches stdout, stderr, --failures or the journal",
    () =>
      Effect.gen(function* () {
        const server = yield* startHostileServer()
        const env = { TIM_ENDPOINT: server.url, TIM_SDKAPPID: "1400000000", TIM_SECRET_KEY: secretKey }
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tim-scrub-"))
        const file = path.join(dir, "friends.csv")
        fs.writeFileSync(file, "alice,bob\nalice,carol\n")
        const echoes: ReadonlyArray<Echo> = [
          "url",
          "sig",
          { sigPrefix: 30 },
          { sigPrefix: 78 },
          { sigPrefix: 101 },
          { sigPrefix: 188 },
          { sigSlice: [20, 60] },
          { text: `key=${secretKey}` }
        ]
        // "html502" and "nonJson" are left out: at this commit the client does not come back from them (reported).
        const modes: ReadonlyArray<ModeName> = ["errorInfo", "resultInfo", "text400"]
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
              yield* tim(
                env,
                "friend",
                "import",
                "--file",
                file,
                "--failures",
                failures,
                "--journal",
                journal,
                "--json"
              )
            ]
            runs++
            const written = [failures, journal].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, "utf8"))
            const text = [...outputs.flatMap((o) => [o.stdout, o.stderr]), ...written].join("\n")
            const sigs = new Set(server.received.map((r) => r.usersig).filter((s) => s.length > 0))
            assert.isAbove(sigs.size, 0)
            for (const sig of sigs) assert.deepStrictEqual(leaks(text, sig), [], `${name} ${JSON.stringify(echo)}`)
            assert.deepStrictEqual(leaks(text, secretKey), [], `${name} ${JSON.stringify(echo)}`)
            // The echo did reach the output, scrubbed (a 30-character piece of a sig is removed too).
            if (name !== "text400") assert.include(text, Redaction.placeholder, `${name} ${JSON.stringify(echo)}`)
            // The friend runs did fail and say so (the echo was there to leak; account import reads no ResultInfo).
            const [add, check, , fromFile] = outputs
            assert.isTrue(
              [add, check, fromFile].every((o) => o?.code !== 0),
              `${name} ${JSON.stringify(echo)}`
            )
            server.clear()
          }
        }
      }),
    300_000
  )
})
