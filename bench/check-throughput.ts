/**
 * What the operator sees: `tim friend check --file` of 500 000 pairs (500 from-accounts × 1 000, so 500 calls of
 * 1 000 items) against `tim emulator`, both limited to 100 and then 200 calls/s, each a separate process of the
 * built bin. The rate is net of start-up: calls / (wall time − the wall time of the same command on a one-row
 * file, measured just before). The in-process benchmarks (bench/bulk.ts, bench/bulk-cpu.ts) measure the library
 * alone; this one adds the CLI's two passes over the file, its output, and the emulator sharing the machine.
 *
 *   pnpm --filter "@effect-tim/cli..." build
 *   pnpm exec tsx bench/check-throughput.ts [limits, default 100,200] [--froms N] [--bin PATH] [--cpu-prof DIR]
 *     [--node-options "FLAGS"]
 *
 * The bin runs as an executable, so its shebang's Node flags apply as they do for a user. `--cpu-prof DIR` runs
 * the large check (and the emulator) with `--cpu-prof` and leaves the profiles there; `--node-options` adds Node
 * flags to the `tim` processes (not the emulator), to try them.
 * CPU time and peak RSS of each process come from `process.resourceUsage()` at its exit (a preloaded script).
 */

import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as readline from "node:readline"
import { fileURLToPath } from "node:url"
import { collect, makeUsage, type Run } from "./lib/childUsage.js"
import { writePairsFile } from "./lib/pairsFile.js"

const argValue = (name: string) => {
  const i = process.argv.indexOf(name)
  return i > 0 ? process.argv[i + 1] : undefined
}
const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith("--") && !all[i - 1]?.startsWith("--"))
const limits = (positional[0] ?? "100,200").split(",").map(Number)
const froms = Number(argValue("--froms") ?? 500)
const perFrom = 1000
const bin = path.resolve(argValue("--bin") ?? fileURLToPath(new URL("../packages/cli/dist/bin.js", import.meta.url)))
const cpuProf = argValue("--cpu-prof")
const nodeOptions = argValue("--node-options") ?? ""
const sdkAppId = "1400000000"
const secretKey = "check-throughput-bench-secret"

if (!fs.existsSync(bin)) {
  console.error(`${bin} is missing: build it first (pnpm --filter "@effect-tim/cli..." build)`)
  process.exit(1)
}

const usage = makeUsage()
const dir = usage.dir

const env = (extra: Record<string, string>): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = { ...process.env, ...extra }
  for (const key of ["TIM_ENDPOINT", "TIM_REGION", "TIM_IDENTIFIER"]) if (!(key in extra)) delete e[key]
  return e
}

// Node refuses --cpu-prof in NODE_OPTIONS: a profiled process runs as `node --cpu-prof … bin` (with the shebang's flag).
const launch = (args: ReadonlyArray<string>, extraEnv: Record<string, string>, profile?: string) =>
  profile === undefined
    ? usage.launch(bin, args, env(extraEnv), args[0] === "emulator" ? "" : nodeOptions)
    : usage.launch(
        process.execPath,
        ["--max-old-space-size=192", "--cpu-prof", `--cpu-prof-dir=${profile}`, bin, ...args],
        env(extraEnv),
        args[0] === "emulator" ? "" : nodeOptions
      )

const tim = (args: ReadonlyArray<string>, extraEnv: Record<string, string>, profile?: string): Promise<Run> => {
  const started = performance.now()
  return collect(launch(args, extraEnv, profile), started)
}

const writeFile = (file: string, rows: number) =>
  writePairsFile(file, { header: "from,to", rows, froms, perFrom, line: (f, t) => `u${f},u${t}` })

const main = async () => {
  const big = path.join(dir, "pairs.csv")
  const one = path.join(dir, "one.csv")
  await writeFile(big, froms * perFrom)
  await writeFile(one, 1)
  const calls = Math.ceil((froms * perFrom) / perFrom)
  console.log(
    `tim friend check --file: ${froms * perFrom} pairs (${calls} calls of ${perFrom}), ${path.relative(process.cwd(), bin)}, Node ${process.version}, ${os.cpus().length} cores`
  )
  const accounts = Array.from({ length: Math.max(froms, perFrom + 1) }, (_, i) => `u${i}`)
  const rows: Array<string> = []
  for (const limit of limits) {
    const loadBefore = os.loadavg()[0]!
    const emulatorStarted = performance.now()
    const emulator = launch(
      ["emulator", "--rate-limit", String(limit)],
      { TIM_SDKAPPID: sdkAppId, TIM_SECRET_KEY: secretKey },
      cpuProf
    )
    const emulatorDone = collect(emulator, emulatorStarted)
    const baseUrl = await new Promise<string>((resolve) =>
      readline.createInterface({ input: emulator.stdout! }).once("line", resolve)
    )
    const client = { TIM_ENDPOINT: baseUrl, TIM_SDKAPPID: sdkAppId, TIM_SECRET_KEY: secretKey }
    const rate = ["--rate-limit", String(limit)]
    try {
      const imported = await tim(["account", "import", ...accounts, ...rate], client)
      if (imported.code !== 0) throw new Error(`account import exited ${imported.code}: ${imported.stderr}`)
      const startup = await tim(["friend", "check", "--file", one, ...rate], client)
      if (startup.code !== 0) throw new Error(`the one-row check exited ${startup.code}: ${startup.stderr}`)
      // The admin routes take JSON only; without the header the reset was refused and the one-row check's call
      // was counted with the large run's (501 calls for 500 chunks).
      const reset = await fetch(`${baseUrl}/_emulator/stats/reset`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}"
      })
      if (!reset.ok) throw new Error(`the emulator's stats reset answered ${reset.status}: ${await reset.text()}`)
      const run = await tim(["friend", "check", "--file", big, ...rate], client, cpuProf)
      if (run.code !== 0) throw new Error(`the check exited ${run.code}: ${run.stderr.slice(-2000)}`)
      const stats = (await (await fetch(`${baseUrl}/_emulator/stats`)).json()) as {
        readonly apis: Record<string, { readonly calls: number; readonly answers: Record<string, number> }>
      }
      const check = stats.apis["v4/sns/friend_check"] ?? { calls: 0, answers: {} }
      const net = (run.wallMs - startup.wallMs) / 1000
      const achieved = calls / net
      emulator.kill("SIGTERM")
      const emulatorRun = await emulatorDone
      const loadAfter = os.loadavg()[0]!
      rows.push(
        `| ${limit}/s | ${(run.wallMs / 1000).toFixed(2)} s | ${(startup.wallMs / 1000).toFixed(2)} s | ${net.toFixed(2)} s | ${achieved.toFixed(1)}/s | **${((achieved / limit) * 100).toFixed(1)}%** | ${check.calls} (${Object.entries(
          check.answers
        )
          .map(([k, n]) => `${k}: ${n}`)
          .join(
            ", "
          )}) | ${((run.cpuMs ?? Number.NaN) / 1000).toFixed(1)} s, ${(run.rssMb ?? Number.NaN).toFixed(0)} MB | ${((emulatorRun.cpuMs ?? Number.NaN) / 1000).toFixed(1)} s | ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)} |`
      )
    } finally {
      emulator.kill("SIGTERM")
      await emulatorDone
    }
  }
  console.log(
    "| limit | wall | start-up (1 row) | net | calls/s net | of the limit | friend_check calls (answers by code) | tim CPU, peak RSS | emulator CPU | load average (1 min) |"
  )
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
  for (const row of rows) console.log(row)
  if (cpuProf !== undefined) console.log(`profiles in ${cpuProf}`)
}

main()
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(usage.remove)
