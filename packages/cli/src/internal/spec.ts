/**
 * What each command accepts, read once from the @effect/cli descriptors (their options, arguments, defaults and
 * fallback variables), so that argument checking and help follow the command tree and cannot drift from it.
 *
 * The descriptors are walked through their documented `_tag` shapes (`Standard`, `Subcommands`, `Map`; options
 * `Single`, `Both`, `Map`, `WithDefault`, `WithFallback`, `Variadic`, …), which @effect/cli 0.77 keeps stable.
 */
import type { Primitive } from "@effect/cli"

/** One option of a command. */
export interface OptionSpec {
  /** `--name`. */
  readonly name: string
  /** Other spellings, with their dashes (`-h`). */
  readonly aliases: ReadonlyArray<string>
  /** A flag: present or not, no value. */
  readonly flag: boolean
  /** May be given several times. */
  readonly repeated: boolean
  /** Has a default, a fallback or is optional. */
  readonly optional: boolean
  /** The environment variable read when the option is absent. */
  readonly env: string | undefined
  /** The allowed values of a choice. */
  readonly choices: ReadonlyArray<string> | undefined
  /** What the value is (`TEXT`, `N`, …). */
  readonly placeholder: string
  readonly description: string
  readonly primitive: Primitive.Primitive<unknown>
}

/** One positional argument (or a run of them). */
export interface ArgSpec {
  readonly name: string
  readonly min: number
  readonly max: number
  readonly description: string
  readonly primitive: Primitive.Primitive<unknown>
}

/** A command: a group of subcommands, or a leaf with options and arguments. */
export interface CommandSpec {
  readonly name: string
  /** `["tim", "friend", "add"]`. */
  readonly path: ReadonlyArray<string>
  readonly description: string
  readonly options: ReadonlyArray<OptionSpec>
  readonly args: ReadonlyArray<ArgSpec>
  readonly children: ReadonlyArray<CommandSpec>
}

// The descriptor nodes, as far as they are read here.
type Node = { readonly _tag: string } & Record<string, any>

/** The plain text of a HelpDoc or Span. */
const text = (doc: unknown): string => {
  if (typeof doc !== "object" || doc === null) return ""
  const d = doc as Node
  switch (d._tag) {
    case "Text":
    case "URI":
      return String(d.value)
    case "Paragraph":
    case "Header":
    case "Highlight":
    case "Weak":
    case "Strong":
    case "Code":
      return text(d.value)
    case "Sequence":
      return [text(d.left), text(d.right)].filter((s) => s.length > 0).join(d.left?._tag === "Paragraph" ? " " : "")
    default:
      return ""
  }
}

/** The variable a `Config` reads (its first `Nested` name). */
const configName = (config: unknown): string | undefined => {
  if (typeof config !== "object" || config === null) return undefined
  const c = config as Node
  if (c._tag === "Nested" && typeof c.name === "string") return c.name
  for (const key of ["config", "original", "first", "left"]) {
    const found = configName(c[key])
    if (found !== undefined) return found
  }
  return undefined
}

const placeholderOf = (primitive: Node): string => {
  switch (primitive._tag) {
    case "Integer":
      return "N"
    case "Float":
      return "X"
    case "Choice":
      return (primitive.alternatives as ReadonlyArray<readonly [string, unknown]>).map(([c]) => c).join("|")
    case "Path":
      return "FILE"
    case "Redacted":
    case "Secret":
      return "KEY"
    default:
      return "TEXT"
  }
}

interface Modifiers {
  readonly repeated: boolean
  readonly optional: boolean
  readonly env: string | undefined
}

const options = (node: Node, m: Modifiers, out: Array<OptionSpec>): void => {
  switch (node._tag) {
    case "Empty":
      return
    case "Single": {
      const primitive = node.primitiveType as Node
      const flag = primitive._tag === "Bool"
      out.push({
        name: node.name,
        aliases: node.aliases.map((a: string) => (a.length === 1 ? `-${a}` : `--${a}`)),
        flag,
        repeated: m.repeated,
        optional: m.optional || flag || m.repeated,
        env: m.env,
        choices:
          primitive._tag === "Choice"
            ? (primitive.alternatives as ReadonlyArray<readonly [string, unknown]>).map(([c]) => c)
            : undefined,
        placeholder: node.pseudoName?._tag === "Some" ? node.pseudoName.value : placeholderOf(primitive),
        description: text(node.description),
        primitive: primitive as unknown as Primitive.Primitive<unknown>
      })
      return
    }
    case "Both":
    case "OrElse":
      options(node.left, m, out)
      options(node.right, m, out)
      return
    case "Map":
      options(node.options, m, out)
      return
    case "WithDefault":
      options(node.options, { ...m, optional: true }, out)
      return
    case "WithFallback":
      options(node.options, { ...m, env: configName(node.effect) ?? m.env }, out)
      return
    case "Variadic":
    case "KeyValueMap":
      options(node.argumentOption, { ...m, repeated: true }, out)
      return
    default:
      throw new Error(`tim: unknown option node ${node._tag}`)
  }
}

const args = (node: Node, min: number, max: number, out: Array<ArgSpec>): void => {
  switch (node._tag) {
    case "Empty":
      return
    case "Single":
      out.push({
        name: String(node.name).replace(/^<(.*)>$/, "$1"),
        min,
        max,
        description: text(node.description),
        primitive: node.primitiveType
      })
      return
    case "Both":
      args(node.left, min, max, out)
      args(node.right, min, max, out)
      return
    case "Map":
      args(node.args, min, max, out)
      return
    case "WithDefault":
    case "WithFallbackConfig":
      args(node.args, 0, max, out)
      return
    case "Variadic": {
      const lo = node.min._tag === "Some" ? node.min.value : 0
      const hi = node.max._tag === "Some" ? node.max.value : Number.POSITIVE_INFINITY
      args(node.args, lo * min, hi * max, out)
      return
    }
    default:
      throw new Error(`tim: unknown argument node ${node._tag}`)
  }
}

const fromDescriptor = (node: Node, parent: ReadonlyArray<string>): CommandSpec => {
  switch (node._tag) {
    case "Map":
      return fromDescriptor(node.command, parent)
    case "Standard": {
      const opts: Array<OptionSpec> = []
      options(node.options, { repeated: false, optional: false, env: undefined }, opts)
      const positional: Array<ArgSpec> = []
      args(node.args, 1, 1, positional)
      return {
        name: node.name,
        path: [...parent, node.name],
        description: text(node.description),
        options: opts,
        args: positional,
        children: []
      }
    }
    case "Subcommands": {
      const self = fromDescriptor(node.parent, parent)
      return {
        ...self,
        children: (node.children as ReadonlyArray<Node>).map((child) => fromDescriptor(child, self.path))
      }
    }
    default:
      throw new Error(`tim: unknown command node ${node._tag}`)
  }
}

/** The spec of a command tree. */
export const make = (command: { readonly descriptor: unknown }): CommandSpec =>
  fromDescriptor(command.descriptor as unknown as Node, [])

/** The least and most positional arguments a command takes. */
export const arity = (spec: CommandSpec): { readonly min: number; readonly max: number } =>
  spec.args.reduce((acc, a) => ({ min: acc.min + a.min, max: acc.max + a.max }), { min: 0, max: 0 })
