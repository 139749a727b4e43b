/**
 * Request decoding with the schema package's schemas, turning parse errors into short, readable infos.
 * Hostile values (huge strings, deeply nested arrays) never make a message large or throw.
 */
import { Either, ParseResult, Schema } from "effect"

const maxInfoLength = 300

const truncate = (s: string): string => (s.length <= maxInfoLength ? s : `${s.slice(0, maxInfoLength)}…`)

/** A short description of a parse error: the first issue's wire path and message. */
export const describe = (error: ParseResult.ParseError): string => {
  try {
    const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
    const first = issues[0]
    if (first === undefined) return "invalid request"
    const path = first.path.length === 0 ? "" : `${first.path.map(String).join(".")}: `
    return truncate(`${path}${first.message}`)
  } catch {
    // The formatter recurses into the actual value; a deeply nested value can exhaust the stack.
    return "invalid value (too deeply nested to describe)"
  }
}

/** A decoder returning the value or a readable message. */
export const decoder = <A, I>(schema: Schema.Schema<A, I, never>) => {
  const decode = Schema.decodeUnknownEither(schema)
  return (input: unknown): A | Invalid => {
    const result = decode(input)
    return Either.isRight(result) ? result.right : new Invalid(describe(result.left))
  }
}

/** A value that failed to decode, with the reason. */
export class Invalid {
  constructor(readonly message: string) {}
}

/**
 * The wire form of an API's answer (the encoded side of the schema package's `Response`). Handlers build wire
 * JSON directly: running `Schema.encode` over every item cost more than half a millisecond per 100-item answer.
 * The tests decode every answer with `api.Response`, so the two cannot drift apart. (The schema package's
 * `Encoded` types cannot check this at compile time yet: its renamed keys are typed as `string`.)
 */
export const wire =
  (_schema: Schema.Schema.AnyNoContext) =>
  (value: object): Record<string, unknown> =>
    value as Record<string, unknown>

/** A plain JSON object, or undefined. */
export const asObject = (u: unknown): Record<string, unknown> | undefined =>
  typeof u === "object" && u !== null && !Array.isArray(u) ? (u as Record<string, unknown>) : undefined

/**
 * Removes every object member whose value is `null`, at any depth, in place: an optional field sent as `null` (as
 * real SDKs do, e.g. `"To_Account": null` in group_add) counts as absent, and a required one as missing. Array
 * elements that are `null` stay (a `null` UserID is still not a string). Iterative, so deep nesting cannot exhaust
 * the stack.
 */
export const dropNulls = (root: Record<string, unknown>): void => {
  const stack: Array<unknown> = [root]
  while (stack.length > 0) {
    const value = stack.pop()
    if (Array.isArray(value)) {
      for (const element of value) if (typeof element === "object" && element !== null) stack.push(element)
    } else if (typeof value === "object" && value !== null) {
      const object = value as Record<string, unknown>
      for (const key of Object.keys(object)) {
        const member = object[key]
        if (member === null) delete object[key]
        else if (typeof member === "object") stack.push(member)
      }
    }
  }
}

/**
 * An optional enum whose absence means "no" (group_get's `NeedFriend`, friend_add's `ForceAddFlags`): any value but
 * the "yes" one counts as absent, as a service that only tests for "yes" would treat it.
 */
export const onlyYes = (body: Record<string, unknown>, key: string, yes: unknown): Record<string, unknown> => {
  if (body[key] !== undefined && body[key] !== yes) delete body[key]
  return body
}
