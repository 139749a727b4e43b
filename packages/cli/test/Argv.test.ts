/**
 * The command line is input: every leaf command refuses a misspelled option, a repeated single-valued option and
 * a stray `-x` with a usage error (exit 1) before anything is sent, and help reads well in 80 columns. Run through
 * the entry point (`Cli.run`) against a local server that counts the requests it gets.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { assert, describe, it } from "@effect/vitest"
import { Emulator } from "@effect-tim/emulator"
import { Effect } from "effect"
import * as Cli from "../src/Cli.js"
import { closest } from "../src/internal/argv.js"
import * as Spec from "../src/internal/spec.js"
import { envFor, json, tim } from "./helpers.js"

/** A server that records every request and answers an empty OK envelope. */
const recorder = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly requests: Array<string>; readonly server: http.Server }>((resume) => {
    const requests: Array<string> = []
    const server = http.createServer((req, res) => {
      let body = ""
      req.on("data", (d) => {
        body += d
      })
      req.on("end", () => {
        requests.push(`${req.url} ${body}`)
        res.setHeader("content-type", "application/json")
        res.end(JSON.stringify({ ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "", FailAccounts: [] }))
      })
    })
    server.listen(0, "127.0.0.1", () =>
      resume(
        Effect.succeed({
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          requests,
          server
        })
      )
    )
  }),
  ({ server }) =>
    Effect.promise(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
    )
)

const envOf = (url: string) => ({ TIM_ENDPOINT: url, TIM_SDKAPPID: "1400000000", TIM_SECRET_KEY: "argv-test-secret" })

const root = Spec.make(Cli.command)
const leaves = (spec: Spec.CommandSpec): Array<Spec.CommandSpec> =>
  spec.children.length === 0 ? [spec] : spec.children.flatMap(leaves)
const nodes = (spec: Spec.CommandSpec): Array<Spec.CommandSpec> => [spec, ...spec.children.flatMap(nodes)]

/** Positional arguments a leaf accepts (its minimum, at least one where it takes any). */
const validArgs = (leaf: Spec.CommandSpec): Array<string> => {
  const { max, min } = Spec.arity(leaf)
  const n = Math.min(max, Math.max(min, 2))
  return Array.from({ length: n }, (_, i) =>
    leaf.path.join(" ") === "tim profile set-allow-type" && i === 1 ? "allow-any" : `acc${i}`
  )
}

const valueFor = (o: Spec.OptionSpec): string => {
  switch ((o.primitive as unknown as { readonly _tag: string })._tag) {
    case "Choice":
      return o.choices?.[0] ?? "x"
    case "Integer":
      return "1"
    case "Float":
      return "0.5"
    default:
      return "x"
  }
}

/** Swaps two letters in the middle of the name: `--json` → `--jsno`. */
const typo = (name: string) => {
  const i = Math.max(1, Math.floor(name.length / 2) - 1)
  return `${name.slice(0, i)}${name[i + 1]}${name[i]}${name.slice(i + 2)}`
}

describe("tim's command line", () => {
  it.scopedLive("every leaf command refuses a typo, a repeat and a stray -x before sending anything", () =>
    Effect.gen(function* () {
      const server = yield* recorder
      const env = envOf(server.url)
      const all = leaves(root)
      assert.isAtLeast(all.length, 20)
      for (const leaf of all) {
        const path = leaf.path.slice(1)
        const command = `\`${leaf.path.join(" ")}\``
        const args = validArgs(leaf)
        const first = leaf.options.find((o) => o.name.length >= 4)!
        const misspelled = `--${typo(first.name)}`
        const t = yield* tim(env, ...path, ...args, misspelled)
        assert.strictEqual(t.code, 1, `${command} ${misspelled}`)
        assert.include(t.stderr, `unknown option ${misspelled} for ${command}; did you mean --${first.name}?`)

        const single = leaf.options.find((o) => !o.repeated)!
        const once = single.flag ? [`--${single.name}`] : [`--${single.name}`, valueFor(single)]
        const r = yield* tim(env, ...path, ...args, ...once, ...once)
        assert.strictEqual(r.code, 1, `${command} ${once.join(" ")} twice: ${r.stderr}`)
        assert.include(r.stderr, `--${single.name} is given more than once`)

        const x = yield* tim(env, ...path, ...args.slice(0, 1), "-x", ...args.slice(1))
        assert.strictEqual(x.code, 1, `${command} -x`)
        assert.include(x.stderr, `"-x" is not an option of ${command}`)
        assert.strictEqual(t.stdout + r.stdout + x.stdout, "", command)
      }
      assert.deepStrictEqual(server.requests, [])
    })
  )

  it.scopedLive("the issue's command lines are usage errors; arguments beginning with - go after --", () =>
    Effect.gen(function* () {
      const server = yield* recorder
      const env = envOf(server.url)
      const josn = yield* tim(env, "account", "import", "dave", "--josn")
      assert.deepStrictEqual(
        [josn.code, josn.stderr],
        [
          1,
          "tim: unknown option --josn for `tim account import`; did you mean --json? (see `tim account import --help`)"
        ]
      )
      const forse = yield* tim(env, "friend", "add", "alice", "--forse", "carol")
      assert.include(forse.stderr, "did you mean --force?")
      const type = yield* tim(env, "friend", "delete", "alice", "bob", "--type", "single", "--type", "both")
      assert.include(type.stderr, "--type is given more than once")
      const key = yield* tim(
        env,
        "friend",
        "add",
        "alice",
        "bob",
        "--secret-key",
        "K-secret",
        "--secret-key",
        "K-secret"
      )
      assert.strictEqual(key.code, 1)
      assert.notInclude(key.stderr + key.stdout, "K-secret")
      const get = yield* tim(env, "friend", "get", "alice", "bob")
      assert.include(get.stderr, "`tim friend get` takes exactly 1 argument (FROM), got 2")
      const none = yield* tim(env, "account", "import")
      assert.include(none.stderr, "`tim account import` takes at least 1 argument (ACCOUNT…), got 0")
      const flag = yield* tim(env, "account", "import", "a", "--json=true")
      assert.include(flag.stderr, "--json is a flag and takes no value")
      const value = yield* tim(env, "friend", "add", "a", "b", "--rate-limit", "fast")
      assert.include(value.stderr, `--rate-limit "fast": 'fast' is not a integer`)
      const choice = yield* tim(env, "friend", "add", "a", "b", "--type", "sngle")
      assert.include(choice.stderr, `--type "sngle"`)
      const missing = yield* tim(env, "friend", "add", "a", "b", "--remark")
      assert.include(missing.stderr, "--remark needs a value")
      const dash = yield* tim(env, "account", "import", "-dash")
      assert.include(dash.stderr, "an argument that begins with - goes after --, as in `tim account import -- -dash`")
      assert.deepStrictEqual(server.requests, [])

      // After `--` they are accounts like any other (here sent to an emulator: UserIDs may hold - characters).
      const emulator = yield* Emulator.make({ ...Emulator.testDefaults, rateLimit: 0 })
      const sent = yield* tim(envFor(emulator.baseUrl), "account", "import", "--json", "--", "-dash", "--josn")
      assert.strictEqual(sent.code, 0, sent.stderr)
      assert.deepStrictEqual(json(sent).items, [
        { account: "-dash", outcome: "Imported" },
        { account: "--josn", outcome: "Imported" }
      ])
    })
  )

  it.live("unknown commands get a suggestion at the level of the typo", () =>
    Effect.gen(function* () {
      const ad = yield* tim({}, "friend", "ad", "alice", "bob")
      assert.deepStrictEqual(
        [ad.code, ad.stderr],
        [1, 'tim: unknown command "ad" for `tim friend`; did you mean `tim friend add`? (see `tim friend --help`)']
      )
      const frend = yield* tim({}, "frend", "add")
      assert.include(frend.stderr, "did you mean `tim friend`?")
      const far = yield* tim({}, "blocklist", "zzzzzz")
      assert.include(far.stderr, "(commands: add, delete, check, get)")
      assert.strictEqual(closest("chek", ["check", "get"]), "check")
      assert.strictEqual(closest("qqqq", ["check", "get"]), undefined)
    })
  )

  it.live("help: 80 columns, no ANSI, full command path, arity, optional markers and variables", () =>
    Effect.gen(function* () {
      for (const node of nodes(root)) {
        const help = yield* tim({}, ...node.path.slice(1), "--help")
        assert.strictEqual(help.code, 0)
        assert.notInclude(help.stdout, "\x1b", node.path.join(" "))
        for (const line of help.stdout.split("\n")) assert.isAtMost(line.length, 80, line)
        assert.include(help.stdout, `USAGE\n  ${node.path.join(" ")}`)
      }
      const get = (yield* tim({}, "friend", "get", "-h")).stdout
      assert.include(get, "USAGE\n  tim friend get [options] FROM\n")
      assert.match(get, /\[--endpoint URL\] +base URL [^[]*\[env TIM_ENDPOINT\]/)
      assert.match(get, /\[--secret-key KEY\] +[^[]*\[env TIM_SECRET_KEY\]/)
      const add = (yield* tim({}, "friend", "add", "--help")).stdout
      assert.include(add, "  tim friend add [options] FROM TO…\n  tim friend add [options] --file FILE")
      assert.match(add, /\[--type single\|both\]/)
      assert.match(add, /\[--force\]/)
      const update = (yield* tim({}, "friend", "update", "--help")).stdout
      assert.include(update, "[--group NAME]…")
      const gen = (yield* tim({}, "usersig", "gen", "--help")).stdout
      // Required unless its variable is set: no brackets.
      assert.match(gen, /\n {2}--sdkappid N +.*\[env TIM_SDKAPPID\]/)
      const top = yield* tim({})
      assert.strictEqual(top.code, 0)
      assert.match(top.stdout, /^tim \S+: /)
      assert.include(top.stdout, "COMMANDS\n  usersig")
      const version = yield* tim({}, "--version")
      assert.strictEqual(version.stdout, Cli.version)
    })
  )
})
