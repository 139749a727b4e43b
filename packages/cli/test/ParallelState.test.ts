/**
 * The embedded emulator's state file under concurrent `tim` processes (the real entry point): every process waits
 * for the state file's lock in turn, so no acknowledged write is lost; and a state path that cannot be written
 * fails at once.
 */

import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { spawnTim } from "./helpers.js"

const tim = (cwd: string, args: ReadonlyArray<string>) => spawnTim(cwd, args)

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "tim-parallel-"))

describe("the embedded emulator under parallel tim runs", () => {
  it("8 processes importing distinct accounts at once: every one is in the state file afterwards", async () => {
    const cwd = tmpDir()
    try {
      const runs = Array.from({ length: 8 }, (_, i) => [`par${i}_a`, `par${i}_b`] as const)
      const results = await Promise.all(runs.map((accounts) => tim(cwd, ["account", "import", ...accounts])))
      for (const [i, result] of results.entries()) {
        assert.strictEqual(result.code, 0, `run ${i}: ${result.stderr}`)
        assert.notInclude(result.stderr, "save failed")
      }
      const saved = JSON.parse(fs.readFileSync(path.join(cwd, ".tim", "emulator.json"), "utf8")) as {
        accounts: Array<{ userId: string }>
      }
      const present = new Set(saved.accounts.map((a) => a.userId))
      const missing = runs.flat().filter((userId) => !present.has(userId))
      assert.deepStrictEqual(missing, [])
      // No temporary file is left behind, and the last run released the lock.
      assert.deepStrictEqual(fs.readdirSync(path.join(cwd, ".tim")), ["emulator.json"])
      // A later run sees all of them through the API too.
      const checked = await tim(cwd, ["account", "check", ...runs.flat(), "--json"])
      assert.strictEqual(checked.code, 0, checked.stderr)
      for (const userId of runs.flat()) assert.include(checked.stdout, userId)
      assert.notInclude(checked.stdout, "NotImported")
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true })
    }
  }, 900_000)

  it("a state path that cannot be written fails at once with a clear error and a non-zero exit", async () => {
    const cwd = tmpDir()
    try {
      fs.writeFileSync(path.join(cwd, "plain-file"), "x")
      const result = await tim(cwd, ["emulator", "--state", path.join("plain-file", "state.json")])
      assert.notStrictEqual(result.code, 0)
      assert.include(result.stderr, "state file")
      assert.include(result.stderr, "ENOTDIR")
      assert.strictEqual(result.stdout, "", "no URL printed: it never served")
      // Said once, not a warning repeated on every save attempt.
      assert.strictEqual(result.stderr.split("ENOTDIR").length - 1, 1, result.stderr)
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true })
    }
  }, 300_000)
})
