/**
 * `tim friend import --file` of a 1 000 000-line CSV into an emulator with the rate limit lifted: peak RSS and
 * items/s of the `tim` process (the emulator runs in another child process, so that its state does not count).
 * Baseline in the same process: reading and validating the same file with `BulkInput.scan` (no requests).
 *
 *   pnpm exec tsx --conditions=@effect-tim/source bench/cli-import.ts [lines] [--dist]
 *
 * `--dist` runs the built `tim` (`node packages/cli/dist/bin.js`; build first with
 * `pnpm --filter "@effect-tim/cli..." build`) instead of the sources through tsx.
 */

import { spawn } from "node:child_process"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"
import * as path from "node:path"
import * as readline from "node:readline"
import { pathToFileURL } from "node:url"
import { ConfigProvider, Effect } from "effect"
import { BulkInput, Cli } from "../packages/cli/src/index.js"
import { writePairsFile } from "./lib/pairsFile.js"

const console_ = Effect.runSync(Effect.console)
const dist = process.argv.includes("--dist")
const lines = Number(process.argv.slice(2).find((a) => !a.startsWith("--")) ?? 1_000_000)
const perFrom = 1000
const froms = Math.ceil(lines / perFrom)
const accounts = Math.max(froms, perFrom) + 1
const user = (i: number) => `u${i}`

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`

const main = async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tim-bench-"))
  const file = path.join(dir, "friends.csv")
  await writePairsFile(file, {
    header: "from,to,remark",
    rows: lines,
    froms,
    perFrom,
    line: (f, t, n) => `${user(f)},${user(t)},r${n}`
  })
  console.log(`file: ${lines} lines, ${mb(fs.statSync(file).size)}`)

  const require = createRequire(import.meta.url)
  const bin = new URL("../packages/cli/src/bin.ts", import.meta.url).pathname
  const nodeArgs = ["--import", pathToFileURL(require.resolve("tsx")).href, "--conditions=@effect-tim/source", bin]
  const emulator = spawn(process.execPath, [...nodeArgs, "emulator", "--rate-limit", "0"], {
    stdio: ["ignore", "pipe", "inherit"]
  })
  const baseUrl = await new Promise<string>((resolve) =>
    readline.createInterface({ input: emulator.stdout! }).once("line", resolve)
  )
  const env = new Map([
    ["TIM_ENDPOINT", baseUrl],
    ["TIM_SDKAPPID", "1400000000"],
    ["TIM_SECRET_KEY", "effect-tim-test-secret"] // tim emulator's built-in default (Emulator.testDefaults)
  ])
  const tim = (...args: ReadonlyArray<string>) =>
    Effect.runPromise(
      Cli.runNode(["node", "tim", ...args]).pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(env)),
        Effect.withConsole({ ...console_, log: () => Effect.void })
      )
    )

  try {
    const ids = Array.from({ length: accounts }, (_, i) => user(i))
    for (let i = 0; i < ids.length; i += 1000) {
      const code = await tim("account", "import", ...ids.slice(i, i + 1000), "--json")
      if (code !== 0) throw new Error("account import failed")
    }

    const scanStarted = performance.now()
    const scanned = await Effect.runPromise(BulkInput.scan(file).pipe(Effect.provide(Cli.layerNode)))
    const scanSeconds = (performance.now() - scanStarted) / 1000

    // The import runs as `tim` does: its own process from sources. Its peak RSS is the kernel's high-water mark.
    // Built: the executable itself, so that its shebang's Node flags apply, as for an installed `tim`.
    const [command, ...timArgs] = dist
      ? [new URL("../packages/cli/dist/bin.js", import.meta.url).pathname]
      : [process.execPath, ...nodeArgs]
    const child = spawn(command!, [...timArgs, "friend", "import", "--file", file, "--rate-limit", "0"], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...Object.fromEntries(env), NODE_OPTIONS: process.env.TIM_NODE_OPTIONS ?? "" }
    })
    let peak = 0
    const readPeak = () => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8")
        const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0)
        peak = Math.max(peak, kb * 1024)
      } catch {
        // the process is gone
      }
    }
    const sampler = setInterval(readPeak, 20)
    let output = ""
    child.stdout!.on("data", (d) => {
      output += d
    })
    const started = performance.now()
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)))
    const seconds = (performance.now() - started) / 1000
    clearInterval(sampler)
    console.log(output.trim())

    const rate = lines / seconds
    const scanRate = scanned / scanSeconds
    console.log("")
    console.log(
      `baseline  read+validate only (BulkInput.scan): ${scanned} rows in ${scanSeconds.toFixed(1)} s = ${Math.round(scanRate)} rows/s`
    )
    console.log(
      `import    tim friend import --file (exit ${String(code)}): ${lines} items in ${seconds.toFixed(1)} s = ${Math.round(rate)} items/s`
    )
    console.log(`ratio     import / read-only: ${(rate / scanRate).toFixed(3)}`)
    console.log(
      `memory    peak RSS of the tim process (${dist ? "built" : "from sources"}) ${mb(peak)} (goal < 300 MB)`
    )
  } finally {
    emulator.kill("SIGTERM")
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
