import { type ChildProcess, spawn } from "node:child_process"
import { createRequire } from "node:module"
import { pathToFileURL } from "node:url"
import { NodeContext } from "@effect/platform-node"
import { Emulator } from "@effect-tim/emulator"
import { ConfigProvider, type Console, Effect } from "effect"
import * as Cli from "../src/Cli.js"

/** What one in-process run of `tim` printed and returned. */
export interface Result {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** The variables that point `tim` at an emulator with the test app. */
export const envFor = (baseUrl: string, secretKey = "effect-tim-test-secret"): Record<string, string> => ({
  TIM_ENDPOINT: baseUrl,
  TIM_SDKAPPID: String(Emulator.testDefaults.sdkAppId),
  TIM_SECRET_KEY: secretKey
})

/** Runs `tim` in-process with `args`, the given variables, and stdout/stderr captured. */
export const tim = (env: Record<string, string>, ...args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const out: Array<string> = []
    const err: Array<string> = []
    const base = yield* Effect.console
    const write =
      (into: Array<string>) =>
      (...parts: ReadonlyArray<unknown>) =>
        Effect.sync(() => {
          into.push(parts.map(String).join(" "))
        })
    const console: Console.Console = { ...base, log: write(out), error: write(err) }
    const code = yield* Cli.run(["node", "tim", ...args]).pipe(
      Effect.withConsole(console),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
      Effect.provide(NodeContext.layer)
    )
    return { code, stdout: out.join("\n"), stderr: err.join("\n") } satisfies Result
  })

/** Runs `tim` in-process against the emulator in context. */
export const timAt = (...args: ReadonlyArray<string>) =>
  Effect.flatMap(Emulator.Emulator, (emulator) => tim(envFor(emulator.baseUrl), ...args))

/** Parses the `--json` document of a run. */
export const json = (result: Result): any => JSON.parse(result.stdout)

/** The command line that runs the real entry point from sources, from any working directory. */
export const binArgs = (): ReadonlyArray<string> => {
  const require = createRequire(import.meta.url)
  const tsx = pathToFileURL(require.resolve("tsx")).href
  return ["--import", tsx, "--conditions=@effect-tim/source", new URL("../src/bin.ts", import.meta.url).pathname]
}

/** How a spawned `tim` ended, with everything it printed. */
export interface Done {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** This process's environment without the `TIM_*` connection variables, so a spawned `tim` sees only the test's. */
export const cleanEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env }
  for (const key of ["TIM_ENDPOINT", "TIM_REGION", "TIM_SDKAPPID", "TIM_IDENTIFIER", "TIM_SECRET_KEY"]) delete env[key]
  return env
}

/** Starts the real entry point as a child process in `cwd`. */
export const start = (cwd: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = cleanEnv()): ChildProcess =>
  spawn(process.execPath, [...binArgs(), ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] })

/** Waits for a child to close, collecting its output. */
export const collect = (child: ChildProcess): Promise<Done> =>
  new Promise((resolve, reject) => {
    let stdout = ""
    let stderr = ""
    child.stdout?.on("data", (d) => {
      stdout += d
    })
    child.stderr?.on("data", (d) => {
      stderr += d
    })
    child.on("error", reject)
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
  })

/** Runs the real entry point in a child process to the end. */
export const spawnTim = (cwd: string, args: ReadonlyArray<string>, env?: NodeJS.ProcessEnv): Promise<Done> =>
  collect(start(cwd, args, env))
