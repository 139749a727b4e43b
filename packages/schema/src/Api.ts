/**
 * The descriptor of one REST API: where it lives, its request and response schemas and the error codes its page
 * documents. The transport's generic call and the emulator's router are both driven by descriptors.
 *
 * @since 0.1.0
 */
import type { Schema } from "effect"
import * as TimError from "./TimError.js"

/**
 * A REST API. `Request` and `Response` map camelCase values to Tencent's wire JSON; `Response` describes only the
 * API's own fields (the envelope is handled once, by `Envelope`).
 *
 * @since 0.1.0
 */
export interface Api<
  Rq extends Schema.Schema.AnyNoContext = Schema.Schema.AnyNoContext,
  Rs extends Schema.Schema.AnyNoContext = Schema.Schema.AnyNoContext,
  Errors extends ReadonlyArray<TimError.TimErrorClass> = ReadonlyArray<TimError.TimErrorClass>
> {
  /** The service segment of the URL, e.g. `sns`. */
  readonly service: string
  /** The command segment of the URL, e.g. `friend_add`. */
  readonly command: string
  /** `v4/{service}/{command}`. */
  readonly path: string
  /** The request body schema (camelCase ↔ wire). */
  readonly Request: Rq
  /** The response body schema, without the envelope (camelCase ↔ wire). */
  readonly Response: Rs
  /** The codes the API's page documents (top-level or per item). */
  readonly errors: Errors
}

/**
 * Any API descriptor.
 *
 * @since 0.1.0
 */
export type Any = Api<Schema.Schema.AnyNoContext, Schema.Schema.AnyNoContext, ReadonlyArray<TimError.TimErrorClass>>

/**
 * Describes an API.
 *
 * @since 0.1.0
 */
export const make = <
  Rq extends Schema.Schema.AnyNoContext,
  Rs extends Schema.Schema.AnyNoContext,
  const Errors extends ReadonlyArray<TimError.TimErrorClass>
>(options: {
  readonly service: string
  readonly command: string
  readonly Request: Rq
  readonly Response: Rs
  readonly errors: Errors
}): Api<Rq, Rs, Errors> => ({ ...options, path: `v4/${options.service}/${options.command}` })

/**
 * The decoded request of an API.
 *
 * @since 0.1.0
 */
export type RequestOf<A extends Any> = Schema.Schema.Type<A["Request"]>

/**
 * The decoded response of an API.
 *
 * @since 0.1.0
 */
export type ResponseOf<A extends Any> = Schema.Schema.Type<A["Response"]>

/**
 * The typed errors an API documents.
 *
 * @since 0.1.0
 */
export type ErrorOf<A extends Any> = InstanceType<A["errors"][number]>

const publicCodes = TimError.publicClasses.map((cls) => cls.code)
const allowedCodes = new WeakMap<Any, ReadonlySet<number>>()

/**
 * The typed error of a code as an API documents it: a code of the API's own list or a public one gets its class,
 * any other (undocumented for this API, or unknown) becomes `UnknownCode` keeping code and info, so that
 * `ErrorOf<A> | PublicError | UnknownCode` is exactly what a caller can get. The code set is built once per API.
 *
 * @since 0.1.0
 */
export const errorFromCode = <A extends Any>(
  api: A
): ((code: number, info: string) => ErrorOf<A> | TimError.PublicError | TimError.UnknownCode) => {
  let allowed = allowedCodes.get(api)
  if (allowed === undefined) {
    allowed = new Set<number>([...api.errors.map((cls) => cls.code), ...publicCodes])
    allowedCodes.set(api, allowed)
  }
  const known = allowed
  return (code, info) =>
    (known.has(code) ? TimError.fromCode(code, info) : new TimError.UnknownCode({ code, info })) as
      | ErrorOf<A>
      | TimError.PublicError
      | TimError.UnknownCode
}
