/**
 * The per-item results that batch APIs answer with.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { listOr, targetResult } from "./internal/fields.js"
import { optional } from "./internal/wire.js"

/**
 * `{To_Account, ResultCode, ResultInfo}`: one target's outcome (`ResultCode` 0 is success).
 *
 * @since 0.1.0
 */
export const ResultItem = targetResult({})

/**
 * A decoded result item.
 *
 * @since 0.1.0
 */
export type ResultItem = typeof ResultItem.Type

/**
 * `Fail_Account`: the targets whose item failed; present only when at least one did.
 *
 * @since 0.1.0
 */
export const failAccount = optional("Fail_Account", Schema.Array(Schema.String))

/**
 * A batch response: `ResultItem[]` and `Fail_Account`.
 *
 * @since 0.1.0
 */
export const ResultItems = Schema.Struct({
  resultItems: listOr("ResultItem", ResultItem),
  failAccount
})

/**
 * A decoded batch response.
 *
 * @since 0.1.0
 */
export type ResultItems = typeof ResultItems.Type
