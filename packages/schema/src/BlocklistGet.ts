/**
 * `v4/sns/black_list_get`: pull an account's blocklist, a page at a time.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Api from "./Api.js"
import { UnixSeconds } from "./Fields.js"
import { snsRead } from "./internal/errors.js"
import { fromAccount, listOr, numberOr } from "./internal/fields.js"
import { required } from "./internal/wire.js"
import * as Limits from "./Limits.js"

/**
 * The request body. `LastSequence` is 0 for REST callers.
 *
 * @since 0.1.0
 */
export const Request = Schema.Struct({
  fromAccount,
  startIndex: required("StartIndex", UnixSeconds),
  maxLimited: required("MaxLimited", Schema.Int.pipe(Schema.between(1, Limits.maxBlocked))),
  lastSequence: required("LastSequence", UnixSeconds)
})

/** @since 0.1.0 */
export type Request = typeof Request.Type

/**
 * One blocked account and when it was blocked.
 *
 * @since 0.1.0
 */
export const BlockedItem = Schema.Struct({
  toAccount: required("To_Account", Schema.String),
  addBlackTimeStamp: numberOr("AddBlackTimeStamp")
})

/** @since 0.1.0 */
export type BlockedItem = typeof BlockedItem.Type

const Wire = Schema.Struct({
  blockedItems: listOr("BlackListItem", BlockedItem),
  startIndex: numberOr("StartIndex"),
  // Tencent writes `CurruentSequence` (sic); its field table says `CurrentSequence`. Accept both, write the former.
  CurruentSequence: Schema.optional(Schema.Number),
  CurrentSequence: Schema.optional(Schema.Number)
})

/**
 * The response body (without the envelope). `startIndex` 0 means the whole list has been pulled.
 *
 * @since 0.1.0
 */
export const Response = Schema.transform(
  Wire,
  Schema.Struct({
    blockedItems: Schema.typeSchema(Schema.Array(BlockedItem)),
    startIndex: Schema.Number,
    currentSequence: Schema.Number
  }),
  {
    strict: true,
    decode: ({ CurrentSequence, CurruentSequence, ...rest }) => ({
      ...rest,
      currentSequence: CurruentSequence ?? CurrentSequence ?? 0
    }),
    encode: ({ currentSequence, ...rest }) => ({ ...rest, CurruentSequence: currentSequence })
  }
)

/** @since 0.1.0 */
export type Response = typeof Response.Type

/**
 * The descriptor.
 *
 * @since 0.1.0
 */
export const api = Api.make({
  service: "sns",
  command: "black_list_get",
  Request,
  Response,
  errors: [...snsRead]
})

/**
 * The codes black_list_get documents.
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
