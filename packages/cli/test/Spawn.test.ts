/**
 * The real entry point in child processes: the embedded emulator across invocations, `tim emulator` in the
 * foreground, and an import killed midway then resumed from its journal.
 */

import type { ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as readline from "node:readline"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { cleanEnv, collect, envFor, tim as inProcess, spawnTim, start } from "./helpers.js"

const tim = spawnTim

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "tim-spawn-"))

const firstLine = (child: ChildProcess): Promise<string> =>
  new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! })
    lines.once("line", (line) => {
      lines.close()
      resolve(line)
    })
    child.once("exit", (code) => reject(new Error(`exited with ${code} before printing its URL`)))
  })

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe("tim (spawned)", () => {
  it("remembers the embedded emulator's state across invocations, said once on stderr", async () => {
    const cwd = tmpDir()
    const imported = await tim(cwd, ["account", "import", "alice", "bob"])
    assert.strictEqual(imported.code, 0, imported.stderr)
    assert.strictEqual(imported.stderr.match(/embedded emulator/g)?.length, 1)
    assert.isTrue(fs.existsSync(path.join(cwd, ".tim", "emulator.json")))
    const added = await tim(cwd, ["friend", "add", "alice", "bob", "--force"])
    assert.strictEqual(added.code, 0, added.stderr)
    assert.match(added.stdout, /alice\s+bob\s+Added/)
    const checked = await tim(cwd, ["friend", "check", "alice", "bob", "--json"])
    assert.strictEqual(checked.code, 0, checked.stderr)
    assert.deepStrictEqual(JSON.parse(checked.stdout).items, [
      { from: "alice", to: "bob", outcome: "CheckResult_Type_BothWay" }
    ])
  }, 60_000)

  it("serves `tim emulator` in the foreground; an import killed midway resumes from its journal", async () => {
    const cwd = tmpDir()
    const state = path.join(cwd, "state.json")
    const emulator = start(cwd, ["emulator", "--port", "0", "--state", state, "--latency", "40", "--rate-limit", "0"])
    const exited = collect(emulator)
    const baseUrl = await firstLine(emulator)
    assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
    const env = { ...cleanEnv(), ...envFor(baseUrl) }
    try {
      const accounts = Array.from({ length: 31 }, (_, i) => `u${i}`)
      const imported = await Effect.runPromise(inProcess(envFor(baseUrl), "account", "import", ...accounts))
      assert.strictEqual(imported.code, 0, imported.stderr)
      // 3 from-accounts × 30 targets = 90 relations, 9 chunks of 10, one at a time, each ≥ 40 ms.
      const file = path.join(cwd, "friends.csv")
      const lines = accounts.slice(0, 3).flatMap((from) =>
        accounts
          .filter((to) => to !== from)
          .slice(0, 30)
          .map((to) => `${from},${to},r-${to}`)
      )
      fs.writeFileSync(file, `${lines.join("\n")}\n`)
      const journal = path.join(cwd, "journal")
      const args = [
        "friend",
        "import",
        "--file",
        file,
        "--journal",
        journal,
        "--chunk-size",
        "10",
        "--concurrency",
        "1"
      ]
      const first = start(cwd, args, env)
      const killed = collect(first)
      const entries = () => (fs.existsSync(journal) ? fs.readFileSync(journal, "utf8").split("\n").length - 2 : 0)
      while (entries() < 3) await sleep(10)
      first.kill("SIGKILL")
      const dead = await killed
      assert.strictEqual(dead.signal, "SIGKILL")
      const before = entries()
      assert.isTrue(before >= 3 && before < 9, `killed after ${before} chunks`)

      const rerun = await tim(cwd, [...args, "--json"], env)
      assert.strictEqual(rerun.code, 0, rerun.stderr)
      const summary = JSON.parse(rerun.stdout).summary
      assert.strictEqual(summary.skippedChunks, before)
      assert.strictEqual(summary.skippedItems + summary.total, lines.length)

      const done = fs.readFileSync(journal, "utf8").trim().split("\n").slice(1)
      assert.strictEqual(done.length, 9)
      assert.strictEqual(new Set(done.map((l) => l.split(" ")[1])).size, 9)
      const snapshot = (await (await fetch(`${baseUrl}/_emulator/state`)).json()) as {
        friendships: ReadonlyArray<{ from: string; to: string; remark?: string }>
      }
      const got = snapshot.friendships.map((f) => `${f.from},${f.to},${f.remark ?? ""}`).sort()
      assert.deepStrictEqual(got, [...lines].sort())
    } finally {
      emulator.kill("SIGTERM")
    }
    const stopped = await exited
    assert.strictEqual(stopped.code, 0, stopped.stderr)
    const saved = JSON.parse(fs.readFileSync(state, "utf8"))
    assert.isTrue(JSON.stringify(saved).includes("r-u30"))
  }, 90_000)
})
