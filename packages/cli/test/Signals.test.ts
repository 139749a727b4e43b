/**
 * The real entry point in child processes: SIGINT and SIGTERM stop a bulk run after the chunks in flight (summary,
 * resume hint, exit 130/143, a consistent journal that a rerun completes), a second signal stops at once, other
 * commands exit 130 too; the plain progress line carries every field; `tim emulator` says which app to use.
 */
import type { ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import * as readline from "node:readline"
import { assert, describe, it } from "@effect/vitest"
import { Emulator } from "@effect-tim/emulator"
import { Effect, Redacted } from "effect"
import * as Journal from "../src/Journal.js"
import { cleanEnv, collect, envFor, tim as inProcess, start } from "./helpers.js"

const lines = (child: ChildProcess, n: number): Promise<Array<string>> =>
  new Promise((resolve, reject) => {
    const out: Array<string> = []
    const reader = readline.createInterface({ input: child.stdout! })
    reader.on("line", (line) => {
      out.push(line)
      if (out.length === n) {
        reader.close()
        resolve(out)
      }
    })
    child.once("exit", (code) => reject(new Error(`exited with ${code} after ${out.length} lines`)))
  })
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "tim-signal-"))
const entries = (journal: string) =>
  fs.existsSync(journal) ? fs.readFileSync(journal, "utf8").split("\n").length - 2 : 0

/** `tim emulator` with latency in a child; its URL and credential lines. */
const emulator = async (cwd: string, latency = 60) => {
  const child = start(cwd, ["emulator", "--port", "0", "--latency", String(latency), "--rate-limit", "0"])
  const exited = collect(child)
  const head = await lines(child, 4)
  return { child, exited, head, baseUrl: head[0]! }
}

/** 3 × 30 relations among 31 imported accounts, in 9 chunks of 10. */
const prepare = async (cwd: string, baseUrl: string) => {
  const accounts = Array.from({ length: 31 }, (_, i) => `s${i}`)
  const imported = await Effect.runPromise(inProcess(envFor(baseUrl), "account", "import", ...accounts))
  assert.strictEqual(imported.code, 0, imported.stderr)
  const file = path.join(cwd, "friends.csv")
  const rows = accounts.slice(0, 3).flatMap((from) =>
    accounts
      .filter((to) => to !== from)
      .slice(0, 30)
      .map((to) => `${from},${to}`)
  )
  fs.writeFileSync(file, `${rows.join("\n")}\n`)
  return { file, rows }
}

describe("tim and signals (spawned)", () => {
  it("SIGINT stops a bulk run after the chunks in flight: summary, resume hint, exit 130; the rerun completes", async () => {
    const cwd = tmpDir()
    const em = await emulator(cwd, 200)
    try {
      const { file, rows } = await prepare(cwd, em.baseUrl)
      const journal = path.join(cwd, "journal")
      const args = ["friend", "import", "--file", file, "--journal", journal, "--chunk-size", "5", "--concurrency", "2"]
      const env = { ...cleanEnv(), ...envFor(em.baseUrl) }
      const run = start(cwd, [...args, "--json"], env)
      const done = collect(run)
      while (entries(journal) < 2) await sleep(10)
      run.kill("SIGINT")
      const stopped = await done
      assert.strictEqual(stopped.code, 130, stopped.stderr)
      const summary = JSON.parse(stopped.stdout).summary
      assert.strictEqual(summary.interrupted, "SIGINT")
      assert.isAbove(summary.notSent, 0)
      assert.strictEqual(summary.total + summary.notSent, rows.length)
      assert.include(stopped.stderr, "run the same command again to resume")
      // Every item sent is journaled (those in flight were finished, not abandoned), and the journal parses.
      const parsed = Journal.parse(fs.readFileSync(journal, "utf8"))
      assert.notStrictEqual(typeof parsed, "string")
      const journaled = typeof parsed === "string" ? 0 : parsed.entries.reduce((n, e) => n + e.succeeded + e.failed, 0)
      assert.strictEqual(journaled, summary.total)
      assert.isFalse(fs.existsSync(`${journal}.lock`))

      const rerun = await collect(start(cwd, [...args, "--json"], env))
      assert.strictEqual(rerun.code, 0, rerun.stderr)
      const again = JSON.parse(rerun.stdout).summary
      assert.deepStrictEqual([again.skippedItems, again.skippedItems + again.total], [journaled, rows.length])
      const state = (await (await fetch(`${em.baseUrl}/_emulator/state`)).json()) as {
        friendships: ReadonlyArray<{ from: string; to: string }>
      }
      assert.deepStrictEqual(state.friendships.map((f) => `${f.from},${f.to}`).sort(), [...rows].sort())
      // Plain (non-TTY) progress carries done/total, rate, ETA, retries and failures.
      assert.match(rerun.stderr, /tim: \d+\/\d+ items \([\d.]+%\), \d+\/s, ETA \S+, \d+ retries, no failures/)
    } finally {
      em.child.kill("SIGTERM")
    }
    const closed = await em.exited
    assert.strictEqual(closed.code, 0, closed.stderr)
  }, 120_000)

  it("SIGTERM exits 143 (no journal: says how to resume next time); a second signal stops at once", async () => {
    const cwd = tmpDir()
    const em = await emulator(cwd)
    try {
      const { file } = await prepare(cwd, em.baseUrl)
      const env = { ...cleanEnv(), ...envFor(em.baseUrl) }
      const failures = path.join(cwd, "failures.csv")
      const args = ["friend", "import", "--file", file, "--chunk-size", "5", "--concurrency", "1"]
      const term = start(cwd, [...args, "--failures", failures], env)
      const termDone = collect(term)
      while (!fs.existsSync(failures)) await sleep(10)
      await sleep(300)
      term.kill("SIGTERM")
      const stopped = await termDone
      assert.strictEqual(stopped.code, 143, stopped.stderr)
      assert.match(stopped.stdout, /interrupted: SIGTERM/)
      assert.include(stopped.stderr, "give --journal FILE to be able to resume")

      const journal = path.join(cwd, "journal2")
      const twice = start(cwd, [...args, "--journal", journal, "--journal-restart"], env)
      const twiceDone = collect(twice)
      while (entries(journal) < 1) await sleep(10)
      twice.kill("SIGINT")
      await sleep(5)
      twice.kill("SIGINT")
      const hard = await twiceDone
      assert.strictEqual(hard.code, 130, `${hard.signal} ${hard.stderr}`)
      assert.notStrictEqual(typeof Journal.parse(fs.readFileSync(journal, "utf8")), "string")
      assert.isFalse(fs.existsSync(`${journal}.lock`))

      // A command that is not a bulk run is interrupted with the same exit code: here one waiting on a server
      // that never answers.
      const requests: Array<http.ServerResponse> = []
      let arrived: () => void = () => {}
      const seen = new Promise<void>((resolve) => {
        arrived = resolve
      })
      const silent = http.createServer((_req, res) => {
        requests.push(res)
        arrived()
      })
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve))
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
      const slow = start(cwd, ["account", "import", "z1"], { ...cleanEnv(), ...envFor(url) })
      const slowDone = collect(slow)
      await seen
      slow.kill("SIGINT")
      const interrupted = await slowDone
      for (const res of requests) res.destroy()
      silent.close()
      assert.strictEqual(interrupted.code, 130, `${interrupted.signal} ${interrupted.stderr}`)
    } finally {
      em.child.kill("SIGTERM")
    }
    await em.exited
  }, 120_000)

  it("tim emulator prints, after its URL, the SDKAppID, the admin and where the secret key comes from", async () => {
    const cwd = tmpDir()
    const builtIn = await emulator(cwd)
    builtIn.child.kill("SIGINT")
    await builtIn.exited
    assert.match(builtIn.head[0]!, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.deepStrictEqual(builtIn.head.slice(1), [
      `sdkappid: ${Emulator.testDefaults.sdkAppId}`,
      "admin: administrator",
      `secret key: the built-in default ${Redacted.value(Emulator.testDefaults.secretKey)} (local use only; set TIM_SECRET_KEY for another)`
    ])
    const secret = "my-own-secret-key-4711"
    const child = start(cwd, ["emulator", "--admin", "ops", "--sdkappid", "1400000009"], {
      ...cleanEnv(),
      TIM_SECRET_KEY: secret
    })
    const exited = collect(child)
    const head = await lines(child, 4)
    child.kill("SIGTERM")
    const done = await exited
    assert.deepStrictEqual(head.slice(1), ["sdkappid: 1400000009", "admin: ops", "secret key: from TIM_SECRET_KEY"])
    assert.notInclude(done.stdout + done.stderr, secret)
    assert.strictEqual(done.code, 0)
  }, 60_000)
})
