/**
 * The root README's `tim` examples print exactly what they say: each line is run (in a fresh directory, so on a
 * fresh embedded emulator) and its output checked against its comment; the `pnpm --silent tim` form they use keeps
 * stdout to tim's own output, so `--json` parses.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import * as Cli from "../src/Cli.js"
import { binArgs } from "./helpers.js"

const root = new URL("../../../", import.meta.url).pathname
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8")
const prefix = "npx -y pnpm@10 --silent tim "

/** The README's `tim` lines: the arguments and the comment. */
const examples = readme
  .split("\n")
  .filter((line) => line.includes(" tim ") && line.startsWith("npx "))
  .map((line) => {
    const [command = "", comment = ""] = line.split(/\s+#\s+/, 2)
    return { line, command: command.trim(), comment: comment.trim() }
  })

const cleanEnv = () => {
  const env = { ...process.env }
  for (const key of Object.keys(env)) if (key.startsWith("TIM_")) delete env[key]
  return env
}

describe("the root README's tim examples", () => {
  it("use the form whose stdout is only tim's", () => {
    assert.isAtLeast(examples.length, 4)
    for (const e of examples) assert.isTrue(e.command.startsWith(prefix), e.line)
  })

  it("print what their comments say, on a fresh embedded emulator", () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "tim-readme-"))
    for (const e of examples) {
      const args = e.command.slice(prefix.length).split(/\s+/)
      const run = spawnSync(process.execPath, [...binArgs(), ...args], { cwd, env: cleanEnv(), encoding: "utf8" })
      assert.strictEqual(run.status, 0, `${e.line}\n${run.stderr}`)
      if (e.comment.startsWith("{")) {
        // The documented JSON, up to the `…` that stands for the summary.
        const shown = e.comment.replace(/,…}$/, "")
        assert.isTrue(run.stdout.startsWith(shown), `${e.line}\n${run.stdout}`)
        JSON.parse(run.stdout)
      } else {
        const outcome = /^([A-Za-z]+)/.exec(e.comment)?.[1] ?? "?"
        const rows = run.stdout.split("\n").filter((l) => /\s(Imported|Pending|Added|AlreadyFriends)$/.test(l))
        assert.isAbove(rows.length, 0, `${e.line}\n${run.stdout}`)
        for (const row of rows) assert.isTrue(row.endsWith(` ${outcome}`), `${e.line}: ${row}`)
      }
    }
  }, 120_000)

  it("`pnpm --silent tim` prints only tim's output on stdout", () => {
    // The pnpm that runs the tests (on PATH in CI and in this repository's scripts).
    const run = spawnSync("pnpm", ["--silent", "tim", "--version"], { cwd: root, env: cleanEnv(), encoding: "utf8" })
    assert.isUndefined(run.error, "pnpm is not on PATH")
    assert.strictEqual(run.status, 0, run.stderr)
    assert.strictEqual(run.stdout, `${Cli.version}\n`)
  }, 120_000)
})
