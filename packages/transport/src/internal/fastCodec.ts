/**
 * A fast path for the Schema codecs of API requests and responses.
 *
 * Effect's Schema parser is general (effects, error trees, unions, annotations) and costs a few microseconds per
 * field; a friend_check answer of 100 items took ~250 µs to decode. This module compiles a schema's AST once into
 * plain functions for the subset the wire schemas use (structs with renamed/defaulted keys, arrays, literals,
 * literal unions, primitives, refinements), calling the schema's own filters and property transformations. It is
 * built from closures only (no `new Function` or `eval`), so it runs where code generation from strings is forbidden. It
 * never decides that an input is invalid: on anything unexpected it answers `Fallback`, and the caller runs
 * Effect's parser, which then produces the value or the proper ParseError. Schemas using anything else compile to
 * `undefined` and always take the full path.
 */
import { SchemaAST as AST, Either, Option } from "effect"
import { identity } from "effect/Function"

/** The answer of a fast codec that cannot vouch for the input: use the full parser. */
export const Fallback: unique symbol = Symbol.for("@effect-tim/transport/fastCodec/Fallback")

/** A compiled codec. */
export type Fast = (input: unknown) => unknown

type Compiled = Fast | undefined

const memo = [new WeakMap<AST.AST, Compiled>(), new WeakMap<AST.AST, Compiled>()] as const

/** Compiles the decoder (`isDecoding`) or encoder of an AST, or `undefined` if it uses unsupported features. */
export const compile = (ast: AST.AST, isDecoding: boolean): Compiled => {
  const cache = memo[isDecoding ? 0 : 1]
  if (cache.has(ast)) return cache.get(ast)
  cache.set(ast, undefined) // recursive schemas are unsupported
  const compiled = go(ast, isDecoding)
  cache.set(ast, compiled)
  return compiled
}

const has = Object.prototype.hasOwnProperty

/** A source key that is absent (as opposed to present with the value `undefined`). */
const Absent: unique symbol = Symbol("absent")

const go = (ast: AST.AST, isDecoding: boolean): Compiled => {
  switch (ast._tag) {
    case "StringKeyword":
      return (u) => (typeof u === "string" ? u : Fallback)
    case "NumberKeyword":
      return (u) => (typeof u === "number" ? u : Fallback)
    case "BooleanKeyword":
      return (u) => (typeof u === "boolean" ? u : Fallback)
    case "UnknownKeyword":
    case "AnyKeyword":
      return (u) => u
    case "UndefinedKeyword":
      return (u) => (u === undefined ? u : Fallback)
    case "Literal": {
      const literal = ast.literal
      return (u) => (u === literal ? u : Fallback)
    }
    case "Union": {
      if (ast.types.every(AST.isLiteral)) {
        const literals = ast.types.map((t) => (t as AST.Literal).literal)
        // A chain of `===` for the few literals of an enum: a Set would hash every (freshly parsed) string first.
        if (literals.length <= 16) {
          return (u) => {
            for (let i = 0; i < literals.length; i++) if (u === literals[i]) return u
            return Fallback
          }
        }
        const set = new Set<unknown>(literals)
        return (u) => (set.has(u) ? u : Fallback)
      }
      // Only when exactly one member accepts the input: then the full parser cannot pick another one.
      const members: Array<Fast> = []
      for (const member of ast.types) {
        const codec = compile(member, isDecoding)
        if (codec === undefined) return undefined
        members.push(codec)
      }
      return (u) => {
        let result: unknown = Fallback
        for (const member of members) {
          const v = member(u)
          if (v === Fallback) continue
          if (result !== Fallback) return Fallback
          result = v
        }
        return result
      }
    }
    case "Refinement": {
      if (AST.getParseOptionsAnnotation(ast)._tag === "Some") return undefined
      const check = (a: unknown) => Option.isNone(ast.filter(a, AST.defaultParseOption, ast))
      if (isDecoding) {
        const from = compile(ast.from, true)
        if (from === undefined) return undefined
        return (u) => {
          const a = from(u)
          return a === Fallback || !check(a) ? Fallback : a
        }
      }
      // Effect validates the whole type side, then encodes `from` without its refinements, which validates the
      // nested values a second time. Encoding `from` (refinements included) and checking this filter on the input
      // makes every check once, with the same outcome.
      const encode = compile(ast.from, false)
      if (encode === undefined) return undefined
      return (u) => {
        const e = encode(u)
        return e === Fallback || !check(u) ? Fallback : e
      }
    }
    case "TupleType": {
      if (ast.elements.length > 0 || ast.rest.length !== 1) return undefined
      const item = compile(ast.rest[0]!.type, isDecoding)
      if (item === undefined) return undefined
      // Arrays whose items come out unchanged (strings, numbers, literals) are checked without a copy.
      return (u) => {
        if (!Array.isArray(u)) return Fallback
        let out: Array<unknown> | undefined
        for (let i = 0; i < u.length; i++) {
          const x = u[i]
          const v = item(x)
          if (v === Fallback) return Fallback
          if (out !== undefined) out[i] = v
          else if (v !== x) {
            out = new Array(u.length)
            for (let j = 0; j < i; j++) out[j] = u[j]
            out[i] = v
          }
        }
        return out ?? u
      }
    }
    case "TypeLiteral": {
      if (ast.indexSignatures.length > 0) return undefined
      // `{}` accepts any value but null and undefined, and returns it as it is.
      if (ast.propertySignatures.length === 0) return (u) => (u === null || u === undefined ? Fallback : u)
      const codecs = propertyCodecs(ast, isDecoding)
      if (codecs === undefined) return undefined
      const required: Array<readonly [string, Fast]> = []
      const optional: Array<readonly [string, Fast]> = []
      ast.propertySignatures.forEach((ps, i) => {
        ;(ps.isOptional ? optional : required).push([ps.name as string, codecs[i]!])
      })
      // Required keys first, in declaration order, then the optional ones present: the key order of the parser.
      return (u) => {
        if (typeof u !== "object" || u === null || Array.isArray(u)) return Fallback
        const record = u as Record<string, unknown>
        const out: Record<string, unknown> = {}
        for (let i = 0; i < required.length; i++) {
          const [key, codec] = required[i]!
          const x = record[key]
          if (x === undefined && !has.call(record, key)) return Fallback
          const v = codec(x)
          if (v === Fallback) return Fallback
          out[key] = v
        }
        for (let i = 0; i < optional.length; i++) {
          const [key, codec] = optional[i]!
          if (!has.call(record, key)) continue
          const v = codec(record[key])
          if (v === Fallback) return Fallback
          out[key] = v
        }
        return out
      }
    }
    case "Transformation": {
      if (AST.getParseOptionsAnnotation(ast)._tag === "Some") return undefined
      const first = isDecoding ? compile(ast.from, true) : compile(ast.to, false)
      const second = isDecoding ? compile(ast.to, true) : compile(ast.from, false)
      if (first === undefined || second === undefined) return undefined
      const transformation = ast.transformation
      if (AST.isComposeTransformation(transformation)) {
        return (u) => {
          const a = first(u)
          return a === Fallback ? Fallback : second(a)
        }
      }
      if (AST.isFinalTransformation(transformation)) {
        const f = isDecoding ? transformation.decode : transformation.encode
        return (u) => {
          const a = first(u)
          if (a === Fallback) return Fallback
          // Synchronous transformations answer with an Either; anything else (an effect) takes the full path.
          const r: unknown = f(a, AST.defaultParseOption, ast, u)
          return Either.isEither(r) && Either.isRight(r) ? second(r.right) : Fallback
        }
      }
      if (!AST.isTypeLiteralTransformation(transformation)) return undefined
      const source = isDecoding ? ast.from : ast.to
      if (!AST.isTypeLiteral(source)) return undefined
      const psts = transformation.propertySignatureTransformations
      const froms = psts.map((pst) => (isDecoding ? pst.from : pst.to))
      const tos = psts.map((pst) => (isDecoding ? pst.to : pst.from))
      const kept = source.propertySignatures.map((ps) => ps.name).filter((name) => !froms.includes(name))
      // Effect renames keys in place, one transformation after the other; building a fresh object at once is the
      // same as long as no target key is another transformation's source key or a kept key.
      if (tos.some((to, i) => kept.includes(to) || froms.some((from, j) => j !== i && from === to))) return undefined
      if ([...froms, ...tos, ...kept].some((key) => typeof key !== "string")) return undefined
      const fs = psts.map((pst) => (isDecoding ? pst.decode : pst.encode))
      const target = isDecoding ? ast.to : ast.from
      const fused = AST.isTypeLiteral(target) ? renamedStruct(source, target, kept, froms, tos, fs, isDecoding) : null
      if (fused !== null) return fused
      const keptKeys = kept as ReadonlyArray<string>
      const fromKeys = froms as ReadonlyArray<string>
      const toKeys = tos as ReadonlyArray<string>
      return (u) => {
        const a = first(u)
        if (a === Fallback) return Fallback
        const record = a as Record<string, unknown>
        const out: Record<string, unknown> = {}
        for (const key of keptKeys) if (has.call(record, key)) out[key] = record[key]
        for (let i = 0; i < fromKeys.length; i++) {
          const key = fromKeys[i]!
          const f = fs[i]!
          // A plain rename (`fromKey`) maps the option through `identity`: copy the key without allocating one.
          if (f === identity) {
            if (has.call(record, key)) out[toKeys[i]!] = record[key]
            continue
          }
          const x = record[key]
          const o = f(x !== undefined || has.call(record, key) ? Option.some(x) : Option.none())
          if (o._tag === "Some") out[toKeys[i]!] = o.value
        }
        return second(out)
      }
    }
    default:
      return undefined
  }
}

/** The codecs of a struct's properties, or `undefined` if one is unsupported or the struct is not a plain one. */
const propertyCodecs = (ast: AST.TypeLiteral, isDecoding: boolean): Array<Fast> | undefined => {
  if (ast.indexSignatures.length > 0 || ast.propertySignatures.length === 0) return undefined
  const codecs: Array<Fast> = []
  for (const ps of ast.propertySignatures) {
    if (typeof ps.name !== "string") return undefined
    const codec = compile(ps.type, isDecoding)
    if (codec === undefined) return undefined
    codecs.push(codec)
  }
  return codecs
}

/**
 * A struct with renamed keys in one pass: reads the source keys, applies the key transformations and builds the
 * target object at once, where the general path builds the source object, a renamed one and the target one. Every
 * step is the one the general path takes (same checks, same key order in the result); `null` when the structs
 * are not plain ones, so that the general path handles them.
 */
const renamedStruct = (
  source: AST.TypeLiteral,
  target: AST.TypeLiteral,
  kept: ReadonlyArray<PropertyKey>,
  froms: ReadonlyArray<PropertyKey>,
  tos: ReadonlyArray<PropertyKey>,
  fs: ReadonlyArray<(o: Option.Option<unknown>) => Option.Option<unknown>>,
  isDecoding: boolean
): Fast | null => {
  const sourceCodecs = propertyCodecs(source, isDecoding)
  const targetCodecs = propertyCodecs(target, isDecoding)
  if (sourceCodecs === undefined || targetCodecs === undefined) return null
  const direct = directStruct(source, target, kept, froms, tos, fs, sourceCodecs, targetCodecs)
  if (direct !== null) return direct
  type Step = (a: Array<unknown>, b: Array<unknown>) => void
  // The source side: `a[i]` holds the decoded value of source key i, or Absent when the key is absent.
  const sourceKeys = source.propertySignatures.map((ps) => ps.name as string)
  const sourceOptional = source.propertySignatures.map((ps) => ps.isOptional)
  const sourceIndex = new Map<PropertyKey, number>(source.propertySignatures.map((ps, i) => [ps.name, i]))
  // The renamed object: `b[j]` for target key j, Absent when absent (a later transformation of the same key wins).
  const targetIndex = new Map<PropertyKey, number>(target.propertySignatures.map((ps, j) => [ps.name, j]))
  // Target keys whose value is a source value checked by the very same codec: checking it again is redundant when
  // the codec has no transformation in it (its output then passes it again, unchanged).
  const checked = new Set<number>()
  const sameCodec = (i: number, j: number): boolean => {
    const type = source.propertySignatures[i]!.type
    return type === target.propertySignatures[j]!.type && AST.typeAST(type) === type
  }
  const steps: Array<Step> = []
  for (const name of kept) {
    const j = targetIndex.get(name)
    if (j === undefined) continue
    const i = sourceIndex.get(name)!
    steps.push((a, b) => {
      b[j] = a[i]
    })
    if (sameCodec(i, j)) checked.add(j)
  }
  for (let k = 0; k < froms.length; k++) {
    const from = sourceIndex.get(froms[k]!)
    const j = targetIndex.get(tos[k]!)
    if (j === undefined) continue // dropped by the target struct, as the general path drops it
    const f = fs[k]!
    if (from === undefined) {
      steps.push((_, b) => {
        const o = f(Option.none())
        if (o._tag === "Some") b[j] = o.value
      })
    } else if (f === identity) {
      steps.push((a, b) => {
        if (a[from] !== Absent) b[j] = a[from]
      })
      if (sameCodec(from, j)) checked.add(j)
    } else {
      steps.push((a, b) => {
        const o = f(a[from] === Absent ? Option.none() : Option.some(a[from]))
        if (o._tag === "Some") b[j] = o.value
      })
    }
  }
  // The target side, as the TypeLiteral codec does it: required keys first, then the optional ones present.
  const targetKeys = target.propertySignatures.map((ps) => ps.name as string)
  const requiredTargets: Array<number> = []
  const optionalTargets: Array<number> = []
  target.propertySignatures.forEach((ps, j) => {
    ;(ps.isOptional ? optionalTargets : requiredTargets).push(j)
  })
  const sourceCount = sourceKeys.length
  const targetCount = targetKeys.length
  return (u) => {
    if (typeof u !== "object" || u === null || Array.isArray(u)) return Fallback
    const record = u as Record<string, unknown>
    const a = new Array<unknown>(sourceCount)
    for (let i = 0; i < sourceCount; i++) {
      const key = sourceKeys[i]!
      const x = record[key]
      if (x === undefined && !has.call(record, key)) {
        if (!sourceOptional[i]) return Fallback
        a[i] = Absent
        continue
      }
      const v = sourceCodecs[i]!(x)
      if (v === Fallback) return Fallback
      a[i] = v
    }
    const b = new Array<unknown>(targetCount).fill(Absent)
    for (let k = 0; k < steps.length; k++) steps[k]!(a, b)
    const out: Record<string, unknown> = {}
    for (let r = 0; r < requiredTargets.length; r++) {
      const j = requiredTargets[r]!
      const x = b[j]
      if (x === Absent) return Fallback
      const v = checked.has(j) ? x : targetCodecs[j]!(x)
      if (v === Fallback) return Fallback
      out[targetKeys[j]!] = v
    }
    for (let r = 0; r < optionalTargets.length; r++) {
      const j = optionalTargets[r]!
      const x = b[j]
      if (x === Absent) continue
      const v = checked.has(j) ? x : targetCodecs[j]!(x)
      if (v === Fallback) return Fallback
      out[targetKeys[j]!] = v
    }
    return out
  }
}

/** One target field of {@link directStruct}: where it comes from and how it is checked. */
interface FieldOp {
  readonly sourceKey: string
  readonly sourceOptional: boolean
  readonly sourceCodec: Fast
  /** The key transformation, `undefined` for a plain rename (identity). */
  readonly f: ((o: Option.Option<unknown>) => Option.Option<unknown>) | undefined
  /** The target codec, `undefined` when the source codec already checked the very same type. */
  readonly targetCodec: Fast | undefined
  /**
   * Whether a value the source codec produced is already a value of the target type, which the target codec would
   * only copy (see {@link sameType}): then a value the key transformation passes on unchanged skips that codec.
   */
  readonly covered: boolean
  readonly targetKey: string
  readonly targetOptional: boolean
}

/**
 * The common case of {@link renamedStruct} in one loop over the target fields, without intermediate arrays: every
 * source key feeds exactly one target key (kept, or renamed by one transformation). Each field is read, checked by
 * the source codec, transformed, checked by the target codec when that is not the same check again, and written;
 * the first `Fallback` ends it (the full parser then decides, so the order of the checks does not matter).
 * `null` when the struct is not of that kind.
 */
const directStruct = (
  source: AST.TypeLiteral,
  target: AST.TypeLiteral,
  kept: ReadonlyArray<PropertyKey>,
  froms: ReadonlyArray<PropertyKey>,
  tos: ReadonlyArray<PropertyKey>,
  fs: ReadonlyArray<(o: Option.Option<unknown>) => Option.Option<unknown>>,
  sourceCodecs: ReadonlyArray<Fast>,
  targetCodecs: ReadonlyArray<Fast>
): Fast | null => {
  const sourceIndex = new Map<PropertyKey, number>(source.propertySignatures.map((ps, i) => [ps.name, i]))
  const origin = new Map<PropertyKey, { readonly i: number; readonly f: FieldOp["f"] }>()
  const used = new Set<number>()
  const claim = (to: PropertyKey, i: number | undefined, f: FieldOp["f"]): boolean => {
    if (i === undefined || origin.has(to) || used.has(i)) return false
    origin.set(to, { i, f })
    used.add(i)
    return true
  }
  for (const name of kept) if (!claim(name, sourceIndex.get(name), undefined)) return null
  for (let k = 0; k < froms.length; k++) {
    if (!claim(tos[k]!, sourceIndex.get(froms[k]!), fs[k] === identity ? undefined : fs[k])) return null
  }
  if (used.size !== source.propertySignatures.length) return null
  const ops: Array<FieldOp> = []
  for (const optional of [false, true]) {
    for (let j = 0; j < target.propertySignatures.length; j++) {
      const ps = target.propertySignatures[j]!
      if (ps.isOptional !== optional) continue
      const from = origin.get(ps.name)
      if (from === undefined) return null
      const sps = source.propertySignatures[from.i]!
      const same = from.f === undefined && sps.type === ps.type && AST.typeAST(ps.type) === ps.type
      const produced = AST.typeAST(sps.type)
      const defined = AST.isUnion(produced) ? produced.types.filter((t) => !AST.isUndefinedKeyword(t)) : [produced]
      ops.push({
        sourceKey: sps.name as string,
        sourceOptional: sps.isOptional,
        sourceCodec: sourceCodecs[from.i]!,
        f: from.f,
        targetCodec: same ? undefined : targetCodecs[j]!,
        covered:
          AST.typeAST(ps.type) === ps.type &&
          (sameType(produced, ps.type) || (defined.length === 1 && sameType(defined[0]!, ps.type))),
        targetKey: ps.name as string,
        targetOptional: ps.isOptional
      })
    }
  }
  return (u) => {
    if (typeof u !== "object" || u === null || Array.isArray(u)) return Fallback
    const record = u as Record<string, unknown>
    const out: Record<string, unknown> = {}
    for (let n = 0; n < ops.length; n++) {
      const op = ops[n]!
      let x = record[op.sourceKey]
      let present = x !== undefined || has.call(record, op.sourceKey)
      let decoded: unknown = Absent
      if (present) {
        x = op.sourceCodec(x)
        if (x === Fallback) return Fallback
        decoded = x
      } else if (!op.sourceOptional) {
        return Fallback
      }
      if (op.f !== undefined) {
        const o = op.f(present ? Option.some(x) : Option.none())
        present = o._tag === "Some"
        if (present) x = (o as Option.Some<unknown>).value
      }
      if (!present) {
        if (op.targetOptional) continue
        return Fallback
      }
      if (op.targetCodec !== undefined && !(op.covered && x === decoded && x !== undefined)) {
        x = op.targetCodec(x)
        if (x === Fallback) return Fallback
      }
      out[op.targetKey] = x
    }
    return out
  }
}

/**
 * Whether the type `a` is the type `b` for decoding's purposes: the same node, or arrays (rest only) or unions of
 * such, member by member. A decoded value of `a` then decodes as `b` to an equal value, so checking it again with
 * `b`'s codec (which rebuilds every struct in it) is redundant.
 */
const sameType = (a: AST.AST, b: AST.AST): boolean => {
  if (a === b) return true
  if (AST.isTupleType(a) && AST.isTupleType(b)) {
    return (
      a.elements.length === 0 &&
      b.elements.length === 0 &&
      a.rest.length === 1 &&
      b.rest.length === 1 &&
      sameType(a.rest[0]!.type, b.rest[0]!.type)
    )
  }
  if (AST.isUnion(a) && AST.isUnion(b)) {
    return a.types.length === b.types.length && a.types.every((t, i) => sameType(t, b.types[i]!))
  }
  return false
}
