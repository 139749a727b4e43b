/**
 * The `tim` command: its command tree and a runner that maps every outcome to an exit code (0 all items
 * succeeded, 2 some items failed, 1 the request failed or the input was invalid) and prints errors as their typed
 * message, never a stack trace or a secret.
 *
 * @since 0.1.0
 */
import { Command, ValidationError } from "@effect/cli"
import type { CliApp } from "@effect/cli/CliApp"
import { NodeContext } from "@effect/platform-node"
import { Cause, Console, Effect, type Layer, Logger, LogLevel } from "effect"
import * as accountCommands from "./internal/accountCommands.js"
import * as Argv from "./internal/argv.js"
import * as callbackCommands from "./internal/callbackCommands.js"
import * as demoCommand from "./internal/demoCommand.js"
import * as emulatorCommand from "./internal/emulatorCommand.js"
import { Interrupted } from "./internal/errors.js"
import * as friendCommands from "./internal/friendCommands.js"
import * as Help from "./internal/help.js"
import * as Signals from "./internal/signals.js"
import * as Spec from "./internal/spec.js"
import * as usersigCommands from "./internal/usersigCommands.js"
import * as Version from "./internal/version.js"

/**
 * The version `tim --version` prints: this package's own, from its package.json (inlined when the bin is
 * bundled).
 *
 * @since 0.1.0
 */
export const version: string = Version.version

/**
 * The command tree.
 *
 * @since 0.1.0
 */
export const command = Command.make("tim").pipe(
  Command.withDescription("the Tencent Cloud Chat relationship chain from the command line"),
  Command.withSubcommands([
    usersigCommands.command,
    accountCommands.account,
    accountCommands.profile,
    friendCommands.friend,
    friendCommands.blocklist,
    friendCommands.list,
    emulatorCommand.command,
    callbackCommands.command,
    demoCommand.command
  ])
)

const app = Command.run(command, { name: "tim", version })

// What every command accepts, read from the tree once, on first use.
let spec: Spec.CommandSpec | undefined
const specOf = (): Spec.CommandSpec => {
  spec ??= Spec.make(command)
  return spec
}

// @effect/cli colours its own messages; they reach stderr as plain text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what is removed
const ansi = /\x1b\[[0-9;]*m/g
const plainErrors = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.consoleWith((console) =>
    Effect.withConsole(effect, {
      ...console,
      error: (...parts: ReadonlyArray<unknown>) =>
        console.error(...parts.map((p) => (typeof p === "string" ? p.replace(ansi, "") : p)))
    })
  )

/** The command line checked against the tree (see internal/argv.ts), then help, the version, or the command. */
const dispatch = (argv: ReadonlyArray<string>) =>
  Effect.flatMap(Argv.parse(specOf(), argv.slice(2)), (parsed) => {
    switch (parsed._tag) {
      case "Help":
        return Console.log(Help.render(parsed.spec, parsed.spec.path.length === 1 ? version : undefined))
      case "Version":
        return Console.log(version)
      case "Run":
        return plainErrors(app([argv[0] ?? "node", argv[1] ?? "tim", ...parsed.argv.slice(1)]))
    }
  })

const describe = (error: unknown): string => {
  if (typeof error === "object" && error !== null) {
    const e = error as { readonly _tag?: unknown; readonly reason?: unknown; readonly message?: unknown }
    const message = typeof e.message === "string" && e.message.length > 0 ? e.message : String(e._tag ?? "error")
    if (e._tag === "UserSigError" && typeof e.reason === "string") return `UserSigError ${e.reason}: ${message}`
    return message
  }
  return String(error)
}

/**
 * Runs `tim` with a full argv (`[node, script, ...args]`) and returns the exit code. All output goes through
 * `Console` (stdout for results, stderr for notices, progress and errors).
 *
 * @since 0.1.0
 */
export const run = (argv: ReadonlyArray<string>): Effect.Effect<number, never, CliApp.Environment> =>
  dispatch(argv).pipe(
    Effect.as(0),
    Effect.catchAll((error) => {
      if (ValidationError.isValidationError(error)) return Effect.succeed(1)
      if ((error as { readonly _tag?: unknown })._tag === "ItemsFailed") return Effect.succeed(2)
      if (error instanceof Interrupted) return Effect.succeed(Signals.exitCode(error.signal))
      return Console.error(`tim: ${describe(error)}`).pipe(Effect.as(1))
    }),
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause)
        ? Effect.succeed(130)
        : Console.error(`tim: internal error: ${describe(Cause.squash(cause))}`).pipe(Effect.as(1))
    ),
    Logger.withMinimumLogLevel(LogLevel.Warning),
    Effect.provide(Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.logfmtLogger)))
  )

/**
 * The Node services `tim` needs (file system, path, terminal).
 *
 * @since 0.1.0
 */
export const layerNode: Layer.Layer<CliApp.Environment> = NodeContext.layer

/**
 * {@link run} on Node, with {@link layerNode} provided: the exit code of `tim` for a full argv.
 *
 * @since 0.1.0
 */
export const runNode = (argv: ReadonlyArray<string>): Effect.Effect<number> => Effect.provide(run(argv), layerNode)

/**
 * Runs `tim` as the process: the exit code of {@link runNode} becomes the process's, and SIGINT/SIGTERM are
 * handled as the README says (a bulk run stops after the chunks in flight, prints its summary and exits 130 or
 * 143; a second signal exits at once).
 *
 * @since 0.1.0
 */
export const main = (argv: ReadonlyArray<string> = process.argv): void => {
  const fiber = Effect.runFork(runNode(argv))
  Signals.install(fiber)
  fiber.addObserver((exit) => {
    const signal = Signals.receivedSignal()
    const code = exit._tag === "Success" ? exit.value : signal !== undefined ? Signals.exitCode(signal) : 1
    // Exit at once after a signal or a failure (open sockets must not keep the process alive); else let stdout drain.
    if (signal !== undefined || code !== 0) process.exit(code)
    process.exitCode = code
  })
}
