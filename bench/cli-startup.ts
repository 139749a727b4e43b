/**
 * Start-up of the built `tim`: wall time, CPU time and peak RSS of `tim --version` and `tim --help`, beside
 * `node -e 0` in the same run (alternating, median of runs). The bin is run as an executable, so its shebang's
 * Node flags apply as they do for a user.
 *
 *   pnpm --filter "@effect-tim/cli..." build
 *   pnpm exec tsx bench/cli-startup.ts [runs] [--sources] [--compare PATH]
 *
 * `--sources` adds `tim --version` run from the sources through tsx (what `pnpm tim` does); `--compare PATH` adds
 * `--version` of another build of the bin (an older commit's `dist/bin.js`, say).
 * CPU time and peak RSS come from `process.resourceUsage()` in each child, written at exit by a preloaded script
 * (given to every command alike, `node -e 0` included).
 */

import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { collect, makeUsage, median } from "./lib/childUsage.js"

const runs = Number(process.argv.slice(2).find((a, i, all) => !a.startsWith("--") && all[i - 1] !== "--compare") ?? 15)
const sources = process.argv.includes("--sources")
const compareAt = process.argv.indexOf("--compare")
const compare = compareAt > 0 ? process.argv[compareAt + 1] : undefined
const cliDir = fileURLToPath(new URL("../packages/cli/", import.meta.url))
const bin = path.join(cliDir, "dist/bin.js")
const { version } = JSON.parse(fs.readFileSync(path.join(cliDir, "package.json"), "utf8")) as { version: string }

if (!fs.existsSync(bin)) {
  console.error(`${bin} is missing: build it first (pnpm --filter "@effect-tim/cli..." build)`)
  process.exit(1)
}

const usage = makeUsage()

interface Sample {
  readonly wallMs: number
  readonly cpuMs: number
  readonly rssMb: number
  readonly stdout: string
}

const once = async (command: string, args: ReadonlyArray<string>): Promise<Sample> => {
  const started = performance.now()
  const run = await collect(usage.launch(command, args), started)
  if (run.code !== 0 || run.cpuMs === undefined || run.rssMb === undefined) {
    throw new Error(`${command} ${args.join(" ")} exited ${run.code}: ${run.stderr}`)
  }
  return { wallMs: run.wallMs, cpuMs: run.cpuMs, rssMb: run.rssMb, stdout: run.stdout }
}

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href
const cases: ReadonlyArray<readonly [string, string, ReadonlyArray<string>]> = [
  ["node -e 0", process.execPath, ["-e", "0"]],
  ["tim --version", bin, ["--version"]],
  ["tim --help", bin, ["--help"]],
  ...(compare !== undefined ? [[`${compare} --version`, compare, ["--version"]] as const] : []),
  ...(sources
    ? [
        [
          "tim --version from sources (tsx)",
          process.execPath,
          ["--import", tsx, "--conditions=@effect-tim/source", path.join(cliDir, "src/bin.ts"), "--version"]
        ] as const
      ]
    : [])
]

const main = async () => {
  const printed = (await once(bin, ["--version"])).stdout.trim()
  if (printed !== version)
    throw new Error(`tim --version printed ${JSON.stringify(printed)}, package.json says ${version}`)
  const samples = new Map<string, Array<Sample>>(cases.map(([name]) => [name, []]))
  const loadBefore = os.loadavg()
  for (let i = 0; i < runs; i++) {
    // Alternating order, so that a burst of load elsewhere hits every command alike.
    const order = i % 2 === 0 ? cases : [...cases].reverse()
    for (const [name, command, args] of order) samples.get(name)!.push(await once(command, args))
  }
  const loadAfter = os.loadavg()
  const base = samples.get("node -e 0")!
  const baseWall = median(base.map((s) => s.wallMs))
  const baseCpu = median(base.map((s) => s.cpuMs))
  console.log(`tim ${version}, Node ${process.version}, ${os.cpus().length} cores, ${runs} runs each (median)`)
  console.log(
    `load average before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${loadAfter.map((l) => l.toFixed(2)).join(" ")}`
  )
  console.log("| command | wall | × node -e 0 | CPU | × node -e 0 | peak RSS |")
  console.log("| --- | --- | --- | --- | --- | --- |")
  for (const [name] of cases) {
    const s = samples.get(name)!
    const wall = median(s.map((x) => x.wallMs))
    const cpu = median(s.map((x) => x.cpuMs))
    const rss = median(s.map((x) => x.rssMb))
    console.log(
      `| ${name} | ${(wall / 1000).toFixed(3)} s | ${(wall / baseWall).toFixed(1)} | ${(cpu / 1000).toFixed(3)} s | ${(cpu / baseCpu).toFixed(1)} | ${rss.toFixed(0)} MB |`
    )
  }
}

main()
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(usage.remove)
