/**
 * Help text from the command specs: plain text within 80 columns, the full command path in USAGE, the arity of
 * the arguments, `[…]` around what is optional, and the environment variable beside each option that reads one.
 */
import { arity, type CommandSpec, type OptionSpec } from "./spec.js"

const width = 80

/** Wraps `text` to lines of at most `width - indent` characters, each indented by `indent` spaces. */
export const wrap = (text: string, indent: number, first = indent): Array<string> => {
  const lines: Array<string> = []
  let line = ""
  let room = width - first
  // A no-break space (U+00A0) keeps words together, such as `[env TIM_ENDPOINT]`.
  for (const word of text.split(/[ \t\n]+/).filter((w) => w.length > 0)) {
    if (line.length > 0 && line.length + 1 + word.length > room) {
      lines.push(line)
      line = word
      room = width - indent
    } else {
      line = line.length === 0 ? word : `${line} ${word}`
    }
  }
  if (line.length > 0) lines.push(line)
  return lines.map((l, i) => `${" ".repeat(i === 0 ? first : indent)}${l.replaceAll("\u00a0", " ")}`)
}

/** Two columns: each term, then its description wrapped beside it (or below it when the term is long). */
const columns = (rows: ReadonlyArray<readonly [string, string]>): Array<string> => {
  const left = Math.min(26, Math.max(...rows.map(([term]) => term.length))) + 4
  const out: Array<string> = []
  for (const [term, description] of rows) {
    const head = `  ${term}`
    if (description.length === 0) out.push(head)
    else if (head.length + 2 <= left) {
      const body = wrap(description, left)
      out.push(`${head.padEnd(left)}${(body[0] ?? "").trimStart()}`, ...body.slice(1))
    } else out.push(head, ...wrap(description, left))
  }
  return out
}

/** `--type single|both`, in brackets when optional, with `…` when repeatable. */
export const optionTerm = (o: OptionSpec): string => {
  const names = [`--${o.name}`, ...o.aliases].join(", ")
  const core = o.flag ? names : `${names} ${o.placeholder}`
  return `${o.optional ? `[${core}]` : core}${o.repeated ? "…" : ""}`
}

const optionDescription = (o: OptionSpec): string =>
  [o.description, o.env === undefined ? "" : `[env\u00a0${o.env}]`].filter((s) => s.length > 0).join(" ")

/** The argument part of a usage line: `FROM TO…`, `[NAME…]`. */
export const argsUsage = (spec: CommandSpec): string =>
  spec.args
    .map((a) => {
      const name = `${a.name.toUpperCase()}${a.max > 1 ? "…" : ""}`
      return a.min === 0 ? `[${name}]` : name
    })
    .join(" ")

const usageLines = (spec: CommandSpec): Array<string> => {
  const path = spec.path.join(" ")
  if (spec.children.length > 0) return [`  ${path} COMMAND …`]
  const hasOptions = spec.options.length > 0 ? " [options]" : ""
  const file = spec.options.find((o) => o.name === "file")
  if (file !== undefined && arity(spec).min === 0) {
    // A bulk command: its arguments or a file, not both.
    const names = spec.args.map((a) => `${a.name.toUpperCase()}${a.max > 1 ? "…" : ""}`).join(" ")
    return [`  ${path}${hasOptions} ${names}`, `  ${path}${hasOptions} --file FILE`]
  }
  const args = argsUsage(spec)
  return [`  ${path}${hasOptions}${args.length > 0 ? ` ${args}` : ""}`]
}

/** The help of a command (a group lists its subcommands). */
export const render = (spec: CommandSpec, version?: string): string => {
  const title = `${spec.path.join(" ")}${version === undefined ? "" : ` ${version}`}`
  const out: Array<string> = [...wrap(`${title}: ${spec.description}`, 2, 0), "", "USAGE", ...usageLines(spec)]
  if (spec.children.length > 0) {
    out.push("", "COMMANDS", ...columns(spec.children.map((c) => [c.name, c.description] as const)))
    out.push("", `Run \`${spec.path.join(" ")} COMMAND --help\` for a command's arguments and options.`)
    return out.join("\n")
  }
  const described = spec.args.filter((a) => a.description.length > 0)
  if (described.length > 0) {
    out.push(
      "",
      "ARGUMENTS",
      ...columns(described.map((a) => [`${a.name.toUpperCase()}${a.max > 1 ? "…" : ""}`, a.description] as const))
    )
  }
  if (spec.options.length > 0) {
    out.push("", "OPTIONS", ...columns(spec.options.map((o) => [optionTerm(o), optionDescription(o)] as const)))
  }
  if (spec.args.length > 0) out.push("", "Arguments that begin with - go after --.")
  return out.join("\n")
}
