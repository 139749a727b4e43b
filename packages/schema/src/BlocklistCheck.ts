/**
 * `v4/sns/black_list_check`: check blocklist relations in bulk (≤ 1000 accounts per request).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Api from "./Api.js"
import { failAccount } from "./BatchResult.js"
import { BlockCheckType, BlockRelation } from "./Enums.js"
import { snsRead } from "./internal/errors.js"
import { fromAccount, listOr, targetResult, toAccounts } from "./internal/fields.js"
import { required } from "./internal/wire.js"
import * as Limits from "./Limits.js"

/**
 * The request body.
 *
 * @since 0.1.0
 */
export const Request = Schema.Struct({
  fromAccount,
  toAccounts: toAccounts(Limits.maxItemsPerRequest),
  checkType: required("CheckType", BlockCheckType)
})

/** @since 0.1.0 */
export type Request = typeof Request.Type

/**
 * `{To_Account, Relation, ResultCode, ResultInfo}` (relations end in `_NO`, not `_NoRelation`).
 *
 * @since 0.1.0
 */
export const CheckItem = targetResult({ relation: required("Relation", BlockRelation) })

/** @since 0.1.0 */
export type CheckItem = typeof CheckItem.Type

/**
 * The response body (without the envelope).
 *
 * @since 0.1.0
 */
export const Response = Schema.Struct({
  checkItems: listOr("BlackListCheckItem", CheckItem),
  failAccount
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
  command: "black_list_check",
  Request,
  Response,
  errors: [...snsRead]
})

/**
 * The codes black_list_check can answer.
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
