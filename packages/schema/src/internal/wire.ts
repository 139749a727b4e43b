import { Schema } from "effect"

/** A required field whose wire name differs from its camelCase name. */
export const required = <const K extends string, S extends Schema.Schema.All>(wireName: K, schema: S) =>
  Schema.propertySignature(schema).pipe(Schema.fromKey(wireName))

/** An optional field (absent on the wire when undefined) whose wire name differs from its camelCase name. */
export const optional = <const K extends string, S extends Schema.Schema.All>(wireName: K, schema: S) =>
  Schema.optionalWith(schema, { exact: true }).pipe(Schema.fromKey(wireName))

/** UTF-8 byte length without allocating (Tencent's limits are in bytes, not characters). */
export const utf8Length = (s: string): number => {
  let bytes = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4
        i++
      } else bytes += 3
    } else bytes += 3
  }
  return bytes
}
