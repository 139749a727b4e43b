/**
 * The command line checked against the command specs before @effect/cli parses it. @effect/cli 0.77 takes an
 * unknown `--opt` or a stray `-x` as a positional argument and keeps the last of a repeated option, so a typo
 * became an account name and was sent. Here every token is classified first: unknown options (with the closest
 * known one), single-valued options given twice, flags given a value, anything beginning with `-` where an
 * argument is expected (such arguments go after `--`), and the wrong number of arguments are usage errors.
 * What passes is handed on in a normal form (path, options, `--`, arguments) that @effect/cli cannot misread.
 */
import { CliConfig, Primitive } from "@effect/cli"
import type { FileSystem } from "@effect/platform"
import { Effect, Option } from "effect"
import { UsageError } from "./errors.js"
import { type ArgSpec, arity, type CommandSpec, type OptionSpec } from "./spec.js"

/** What a command line asks for. */
export type Parsed =
  | { readonly _tag: "Help"; readonly spec: CommandSpec }
  | { readonly _tag: "Version" }
  | { readonly _tag: "Run"; readonly spec: CommandSpec; readonly argv: ReadonlyArray<string> }

/** Edit distance (Levenshtein), for "did you mean". */
export const distance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/** The closest of `candidates` to `word`, when it is close enough to be a likely typo. */
export const closest = (word: string, candidates: ReadonlyArray<string>): string | undefined => {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const c of candidates) {
    const d = distance(word, c)
    if (d < bestDistance || (d === bestDistance && best !== undefined && c.startsWith(word))) {
      best = c
      bestDistance = d
    }
  }
  if (best === undefined) return undefined
  const prefix = best.startsWith(word) || word.startsWith(best)
  return prefix || bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined
}

const isHelp = (token: string) => token === "--help" || token === "-h"

const command = (spec: CommandSpec) => `\`${spec.path.join(" ")}\``

const usage = (spec: CommandSpec, message: string) =>
  new UsageError({ message: `${message} (see \`${spec.path.join(" ")} --help\`)` })

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

const argNames = (args: ReadonlyArray<ArgSpec>) =>
  args.map((a) => `${a.name.toUpperCase()}${a.max > 1 ? "…" : ""}`).join(" ")

const arityText = (min: number, max: number) =>
  min === max
    ? `exactly ${plural(min, "argument")}`
    : max === Number.POSITIVE_INFINITY
      ? `at least ${plural(min, "argument")}`
      : `${min} to ${max} arguments`

/** The names an option answers to, with dashes. */
export const namesOf = (o: OptionSpec): ReadonlyArray<string> => [`--${o.name}`, ...o.aliases]

/**
 * Checks the tokens after `tim` against `root` and says what they ask for, or why not (a {@link UsageError}).
 * Option values are checked with the option's own type (integers, choices) so that nothing fails later.
 */
export const parse = (
  root: CommandSpec,
  tokens: ReadonlyArray<string>
): Effect.Effect<Parsed, UsageError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    // The path: subcommand names down to a leaf.
    let spec = root
    let i = 0
    while (spec.children.length > 0) {
      const token = tokens[i]
      if (token === undefined || isHelp(token)) return { _tag: "Help", spec } as const
      if (token === "--version" && spec === root) return { _tag: "Version" } as const
      const child = spec.children.find((c) => c.name === token)
      if (child === undefined) {
        const names = spec.children.map((c) => c.name)
        if (token.startsWith("-")) {
          return yield* usage(spec, `${command(spec)} takes a command first (${names.join(", ")}), not ${token}`)
        }
        const suggestion = closest(token, names)
        return yield* usage(
          spec,
          `unknown command ${JSON.stringify(token)} for ${command(spec)}${
            suggestion === undefined
              ? ` (commands: ${names.join(", ")})`
              : `; did you mean \`${spec.path.join(" ")} ${suggestion}\`?`
          }`
        )
      }
      spec = child
      i++
    }

    // A leaf: options anywhere, arguments in order, everything after `--` is an argument.
    const byName = new Map<string, OptionSpec>()
    for (const o of spec.options) for (const name of namesOf(o)) byName.set(name, o)
    const given = new Map<OptionSpec, Array<string>>()
    const positional: Array<string> = []
    let help = false
    for (; i < tokens.length; i++) {
      const token = tokens[i]!
      if (token === "--") {
        positional.push(...tokens.slice(i + 1))
        break
      }
      if (isHelp(token)) {
        help = true
        continue
      }
      if (!token.startsWith("-")) {
        positional.push(token)
        continue
      }
      const eq = token.startsWith("--") ? token.indexOf("=") : -1
      const name = eq === -1 ? token : token.slice(0, eq)
      const option = byName.get(name)
      if (option === undefined) {
        if (!name.startsWith("--") || name === "-" || name === "--") {
          return yield* usage(
            spec,
            `${JSON.stringify(token)} is not an option of ${command(spec)}; an argument that begins with - goes after --, as in \`${spec.path.join(" ")} -- ${token}\``
          )
        }
        const suggestion = closest(
          name,
          spec.options.map((o) => `--${o.name}`)
        )
        return yield* usage(
          spec,
          `unknown option ${name} for ${command(spec)}${suggestion === undefined ? "" : `; did you mean ${suggestion}?`}`
        )
      }
      const values = given.get(option) ?? []
      if (values.length > 0 && !option.repeated) {
        return yield* usage(spec, `--${option.name} is given more than once; it takes one value`)
      }
      let value: string
      if (option.flag) {
        if (eq !== -1) return yield* usage(spec, `--${option.name} is a flag and takes no value`)
        value = "true"
      } else if (eq !== -1) {
        value = token.slice(eq + 1)
      } else {
        const next = tokens[i + 1]
        if (next === undefined) return yield* usage(spec, `--${option.name} needs a value (${option.placeholder})`)
        value = next
        i++
      }
      if (!option.flag && value.trim().length === 0) {
        // @effect/cli drops empty (and trims) values: refuse rather than send something else.
        return yield* usage(spec, `--${option.name} needs a non-empty value`)
      }
      if (!option.flag) {
        yield* Primitive.validate(option.primitive, Option.some(value), CliConfig.defaultConfig).pipe(
          Effect.mapError((reason) => usage(spec, `--${option.name} ${JSON.stringify(value)}: ${reason}`))
        )
      }
      values.push(value)
      given.set(option, values)
    }
    if (help) return { _tag: "Help", spec } as const

    const { max, min } = arity(spec)
    if (positional.length < min || positional.length > max) {
      const names = argNames(spec.args)
      return yield* usage(
        spec,
        `${command(spec)} takes ${arityText(min, max)}${names.length > 0 ? ` (${names})` : ""}, got ${positional.length}`
      )
    }
    for (const [index, value] of positional.entries()) {
      const arg = argFor(spec.args, index, positional.length)
      if (arg !== undefined && (arg.primitive as unknown as { readonly _tag: string })._tag !== "Text") {
        yield* Primitive.validate(arg.primitive, Option.some(value), CliConfig.defaultConfig).pipe(
          Effect.mapError((reason) => usage(spec, `${arg.name.toUpperCase()} ${JSON.stringify(value)}: ${reason}`))
        )
      }
    }

    const argv: Array<string> = [...spec.path]
    for (const [option, values] of given) {
      for (const value of values) argv.push(...(option.flag ? [`--${option.name}`] : [`--${option.name}`, value]))
    }
    argv.push("--", ...positional)
    return { _tag: "Run", spec, argv } as const
  })

/** Which argument spec the `index`-th of `count` positional arguments fills (runs take what the others leave). */
const argFor = (args: ReadonlyArray<ArgSpec>, index: number, count: number): ArgSpec | undefined => {
  const required = args.reduce((n, a) => n + a.min, 0)
  let spare = count - required
  let position = 0
  for (const a of args) {
    const extra = Math.min(a.max - a.min, spare)
    const take = a.min + extra
    spare -= extra
    if (index < position + take) return a
    position += take
  }
  return undefined
}
