import { Option, SchemaAST } from "effect"

/**
 * A guard built from a schema's type side, out of closures (no generated code): `true` only when decoding the
 * input would succeed and give back an equal value (same keys, same values), so the caller may use the input as it
 * is. `false` means "ask the schema", which then says what is wrong. The schema stays the one source of truth; the
 * guard only spares the decoder's allocations on the valid items that are nearly all of a bulk call.
 *
 * Covers what item schemas are made of (strings, numbers, booleans, literals, unions, refinements, structs without
 * index signatures, arrays); anything else gives a guard that always defers to the schema.
 */
export type Guard = (input: unknown) => boolean

const never: Guard = () => false
const noOptions: SchemaAST.ParseOptions = {}

export const compile = (ast: SchemaAST.AST): Guard => build(SchemaAST.typeAST(ast)) ?? never

const build = (ast: SchemaAST.AST): Guard | undefined => {
  switch (ast._tag) {
    case "StringKeyword":
      return (u) => typeof u === "string"
    case "NumberKeyword":
      return (u) => typeof u === "number"
    case "BooleanKeyword":
      return (u) => typeof u === "boolean"
    case "Literal": {
      const literal = ast.literal
      return (u) => u === literal
    }
    case "Union": {
      const members = ast.types.map(build)
      if (members.some((m) => m === undefined)) return undefined
      const guards = members as ReadonlyArray<Guard>
      return (u) => {
        for (const g of guards) if (g(u)) return true
        return false
      }
    }
    case "Refinement": {
      const from = build(ast.from)
      if (from === undefined) return undefined
      return (u) => from(u) && Option.isNone(ast.filter(u, noOptions, ast))
    }
    case "TupleType": {
      if (ast.elements.length > 0 || ast.rest.length !== 1) return undefined
      const item = build(ast.rest[0]!.type)
      if (item === undefined) return undefined
      return (u) => {
        if (!Array.isArray(u)) return false
        for (let i = 0; i < u.length; i++) if (!item(u[i])) return false
        return true
      }
    }
    case "TypeLiteral": {
      if (ast.indexSignatures.length > 0) return undefined
      const fields: Array<readonly [string, boolean, Guard]> = []
      for (const ps of ast.propertySignatures) {
        if (typeof ps.name !== "string") return undefined
        const guard = build(ps.type)
        if (guard === undefined) return undefined
        fields.push([ps.name, ps.isOptional, guard])
      }
      return (u) => {
        if (typeof u !== "object" || u === null || Array.isArray(u)) return false
        const record = u as Record<string, unknown>
        let present = 0
        for (const [name, optional, guard] of fields) {
          if (!(name in record)) {
            if (optional) continue
            return false
          }
          present++
          if (!guard(record[name])) return false
        }
        // Decoding drops keys the schema does not know: with any, the decoded value differs from the input.
        return Object.keys(record).length === present
      }
    }
    default:
      return undefined
  }
}
