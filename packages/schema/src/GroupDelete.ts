/**
 * `v4/sns/group_delete`: delete friend lists (the friendships stay).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Api from "./Api.js"
import { GroupNames } from "./GroupAdd.js"
import { snsRead } from "./internal/errors.js"
import { fromAccount } from "./internal/fields.js"
import { optional, required } from "./internal/wire.js"
import * as TimError from "./TimError.js"

/**
 * The request body.
 *
 * @since 0.1.0
 */
export const Request = Schema.Struct({
  fromAccount,
  groupNames: required("GroupName", GroupNames)
})

/** @since 0.1.0 */
export type Request = typeof Request.Type

/**
 * The response body (without the envelope).
 *
 * @since 0.1.0
 */
export const Response = Schema.Struct({
  currentSequence: optional("CurrentSequence", Schema.Number)
})

/** @since 0.1.0 */
export type Response = typeof Response.Type

/**
 * The descriptor.
 *
 * @since 0.1.0
 */
export const api = Api.make({
  service: "sns",
  command: "group_delete",
  Request,
  Response,
  errors: [...snsRead, TimError.WriteConflict]
})

/**
 * The codes group_delete can answer.
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
