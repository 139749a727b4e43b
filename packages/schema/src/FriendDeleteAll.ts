/**
 * `v4/sns/friend_delete_all`: delete all of an account's friends (one-way by default).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Api from "./Api.js"
import { DeleteType } from "./Enums.js"
import { snsRead } from "./internal/errors.js"
import { fromAccount } from "./internal/fields.js"
import { optional } from "./internal/wire.js"
import * as TimError from "./TimError.js"

/**
 * The request body.
 *
 * @since 0.1.0
 */
export const Request = Schema.Struct({
  fromAccount,
  deleteType: optional("DeleteType", DeleteType)
})

/** @since 0.1.0 */
export type Request = typeof Request.Type

/**
 * The response body: the envelope only.
 *
 * @since 0.1.0
 */
export const Response = Schema.Struct({})

/** @since 0.1.0 */
export type Response = typeof Response.Type

/**
 * The descriptor.
 *
 * @since 0.1.0
 */
export const api = Api.make({
  service: "sns",
  command: "friend_delete_all",
  Request,
  Response,
  errors: [...snsRead, TimError.WriteConflict]
})

/**
 * The codes friend_delete_all documents.
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
