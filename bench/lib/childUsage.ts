/**
 * Runs child processes and measures each: wall time, and its own CPU time and peak RSS from
 * `process.resourceUsage()`, which a preloaded script writes to fd 3 when the child exits. Every child gets the
 * same preload, so a baseline such as `node -e 0` pays it too.
 */

import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

/** What one child did. `cpuMs` and `rssMb` are undefined when it died before its exit handler ran. */
export interface Run {
  readonly code: number | null
  readonly wallMs: number
  readonly stdout: string
  readonly stderr: string
  readonly cpuMs: number | undefined
  readonly rssMb: number | undefined
}

/** A temporary directory with the preload script; `remove` deletes it. */
export const makeUsage = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tim-bench-usage-"))
  const preload = path.join(dir, "usage.cjs")
  fs.writeFileSync(
    preload,
    `process.on("exit", () => { const u = process.resourceUsage(); try { require("node:fs").writeSync(3, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, rssMb: u.maxRSS / 1024 })) } catch {} })\n`
  )
  /** Starts `command` with the preload (and `nodeFlags`) in NODE_OPTIONS and fd 3 piped back. */
  const launch = (
    command: string,
    args: ReadonlyArray<string>,
    env: NodeJS.ProcessEnv = process.env,
    nodeFlags = ""
  ): ChildProcess =>
    spawn(command, args, {
      stdio: ["ignore", "pipe", "pipe", "pipe"],
      env: { ...env, NODE_OPTIONS: `--require ${preload} ${nodeFlags}` }
    })
  return { dir, launch, remove: () => fs.rmSync(dir, { recursive: true, force: true }) }
}

/** Waits for a child started by `launch` (at `started`, from `performance.now()`) and collects what it did. */
export const collect = (child: ChildProcess, started: number): Promise<Run> =>
  new Promise((resolve, reject) => {
    let stdout = ""
    let stderr = ""
    let usage = ""
    child.stdout!.on("data", (d) => {
      stdout += d
    })
    child.stderr!.on("data", (d) => {
      stderr += d
    })
    ;(child.stdio[3] as NodeJS.ReadableStream).on("data", (d) => {
      usage += d
    })
    child.on("error", reject)
    child.on("close", (code) => {
      const wallMs = performance.now() - started
      const u = usage.length > 0 ? (JSON.parse(usage) as { cpuMs: number; rssMb: number }) : undefined
      resolve({ code, wallMs, stdout, stderr, cpuMs: u?.cpuMs, rssMb: u?.rssMb })
    })
  })

/** The median of `xs` (the mean of the middle two for an even count). */
export const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}
