/**
 * `tim callback trigger COMMAND --url URL`: sends a signed sample of a callback to the app's receiver and prints
 * its answer and whether Tencent would accept it (exit 0 valid, 1 invalid or unreachable).
 * `tim callback listen --port P`: receives callbacks, verifies them and prints one line per event (for watching
 * the emulator's callbacks or a staging app's), until SIGINT or SIGTERM.
 *
 * The callbacks package is imported when these commands run, not at start-up.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { Args, Command, Options } from "@effect/cli"
import { Callback } from "@effect-tim/schema"
import { CallbackToken } from "@effect-tim/usersig"
import { Config, Console, Deferred, Effect, Exit, Option } from "effect"
import { embedded } from "./connection.js"
import { listenOptions } from "./emulatorCommand.js"
import { ItemsFailed, type Subcommand, UsageError } from "./errors.js"
import * as Signals from "./signals.js"

const callbacksModule = Effect.promise(() => import("@effect-tim/callbacks"))

const commands = Callback.Command.literals

const token = Options.redacted("token").pipe(
  Options.withPseudoName("TOKEN"),
  Options.withDescription("the callback token; without it nothing is signed or checked"),
  Options.withFallbackConfig(Config.redacted("TIM_CALLBACK_TOKEN")),
  Options.optional
)

const sdkAppId = Options.integer("sdkappid").pipe(
  Options.withDescription(`the app's SDKAppID (default ${embedded.sdkAppId})`),
  Options.withFallbackConfig(Config.integer("TIM_SDKAPPID")),
  Options.withDefault(embedded.sdkAppId)
)

/**
 * A line as `listen` prints it: control characters (ESC, CR, LF, …) that a sender put in an account ID are shown
 * escaped, so an unverified sender cannot rewrite the terminal or forge lines.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to escape
const control = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g
const printable = (text: string) => text.replace(control, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)

/** Exit code 1, `tim: message` on stderr. */
const usage = (message: string) => Effect.fail(new UsageError({ message }))

const trigger = Command.make(
  "trigger",
  {
    command: Args.choice(
      commands.map((c) => [c, c] as const),
      { name: "COMMAND" }
    ).pipe(Args.withDescription(`the callback to send: ${commands.join(", ")}`)),
    url: Options.text("url").pipe(Options.withPseudoName("URL"), Options.withDescription("the app's callback URL")),
    token,
    sdkAppId,
    timeout: Options.integer("timeout").pipe(
      Options.withPseudoName("MS"),
      Options.withDescription("how long to wait for the answer (default 5000)"),
      Options.withDefault(5000)
    )
  },
  (o) =>
    Effect.gen(function* () {
      const { Samples, Trigger } = yield* callbacksModule
      if (o.timeout <= 0) return yield* usage("--timeout must be a positive number of milliseconds")
      const result = yield* Trigger.send({
        url: o.url,
        command: o.command,
        body: Samples.requests[o.command],
        sdkAppId: o.sdkAppId,
        token: Option.getOrUndefined(o.token),
        timeout: o.timeout
      })
      yield* Console.log(`${o.command} → HTTP ${result.status} in ${result.elapsedMillis} ms`)
      yield* Console.log(result.text)
      if (result.problem === undefined) {
        yield* Console.log(
          `valid: yes (${Option.isSome(o.token) ? "signed" : "unsigned"})${result.failed === undefined ? "" : `; the app answered FAIL: ${result.failed}`}`
        )
      } else {
        yield* Console.log(`valid: no: ${result.problem}`)
        // Sent, but the answer is not one Tencent accepts: exit 2, like a batch with failed items.
        return yield* new ItemsFailed({ failed: 1 })
      }
    })
).pipe(Command.withDescription("send a signed sample callback and check the app's answer"))

const pairsOf = (event: { readonly pairs: ReadonlyArray<{ fromAccount: string; toAccount: string }> }) =>
  event.pairs.map((p) => `${p.fromAccount}>${p.toAccount}`).join(" ")

const listen = Command.make(
  "listen",
  {
    ...listenOptions,
    path: Options.text("path").pipe(
      Options.withPseudoName("PATH"),
      Options.withDescription("accept callbacks on this path only (default: any)"),
      Options.optional
    ),
    token,
    sdkAppId
  },
  (o) =>
    Effect.scoped(
      Effect.gen(function* () {
        if (!(Number.isInteger(o.port) && o.port >= 0 && o.port < 65536)) {
          return yield* usage("--port must be 0 to 65535")
        }
        const tokenProblem = CallbackToken.problem(Option.getOrUndefined(o.token))
        if (tokenProblem !== undefined) return yield* usage(`--token (or TIM_CALLBACK_TOKEN) ${tokenProblem}`)
        const { Callbacks } = yield* callbacksModule
        const runtime = yield* Effect.runtime<never>()
        const say = (text: string) => Console.log(`${new Date().toISOString()} ${printable(text)}`)
        const handler = Callbacks.toNodeHandler(
          {
            onPrevFriendAdd: (e) =>
              Effect.as(
                say(`${e.command} ${e.fromAccount} → ${e.items.map((i) => i.toAccount).join(" ")} (allowed)`),
                Callbacks.allow
              ),
            onPrevFriendResponse: (e) =>
              Effect.as(
                say(
                  `${e.command} ${e.fromAccount} → ${e.items.map((i) => `${i.toAccount}:${i.responseAction ?? "?"}`).join(" ")} (allowed)`
                ),
                Callbacks.allow
              ),
            onFriendAdd: (e) => say(`${e.command} ${pairsOf(e)}`),
            onFriendDelete: (e) => say(`${e.command} ${pairsOf(e)}`),
            onBlackListAdd: (e) => say(`${e.command} ${pairsOf(e)}`),
            onBlackListDelete: (e) => say(`${e.command} ${pairsOf(e)}`),
            onUnknown: (command) => say(`${command.slice(0, 64)} (unknown command, answered OK)`),
            onRefused: (error) => say(`refused ${error._tag}: ${error.message}`)
          },
          { sdkAppId: o.sdkAppId, token: Option.getOrUndefined(o.token) },
          runtime
        )
        const wanted = Option.getOrUndefined(o.path)
        const server = createServer((req, res) => {
          const path = (req.url ?? "/").split("?")[0]
          if (wanted !== undefined && path !== wanted) {
            req.resume()
            res.writeHead(404).end()
            return
          }
          handler(req, res)
        })
        const listening = yield* Effect.async<AddressInfo, string>((resume) => {
          server.once("error", (error) => resume(Effect.fail(error.message)))
          server.listen(o.port, o.host, () => resume(Effect.succeed(server.address() as AddressInfo)))
        }).pipe(Effect.either)
        if (listening._tag === "Left") return yield* usage(`cannot listen on ${o.host}:${o.port}: ${listening.left}`)
        yield* Effect.addFinalizer(() => Effect.async<void>((resume) => void server.close(() => resume(Effect.void))))
        const host = listening.right.address.includes(":") ? `[${listening.right.address}]` : listening.right.address
        yield* Console.log(`listening on http://${host}:${listening.right.port}${wanted ?? "/"}`)
        yield* Console.log(
          `sdkappid: ${o.sdkAppId}; ${Option.isSome(o.token) ? "signatures checked with the token" : "no token: signatures not checked"}`
        )
        const stopped = yield* Deferred.make<void>()
        yield* Signals.graceful(() => Deferred.unsafeDone(stopped, Exit.void))
        yield* Deferred.await(stopped)
      })
    )
).pipe(Command.withDescription("receive callbacks, verify them and print one line per event"))

/** `tim callback`. */
export const command: Subcommand<"callback"> = Command.make("callback").pipe(
  Command.withDescription("send and receive Tencent's relationship-chain callbacks"),
  Command.withSubcommands([trigger, listen])
)
