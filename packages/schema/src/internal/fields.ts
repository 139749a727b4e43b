import { Schema } from "effect"
import { GroupName, UserId } from "../Fields.js"
import { maxFriendLists, maxItemsPerRequest } from "../Limits.js"
import { required } from "./wire.js"

/** `From_Account`: the account whose relationship chain a request reads or writes. */
export const fromAccount = required("From_Account", UserId)

/** `To_Account` as an array of 1 to `max` UserIDs. */
export const toAccounts = (max: number) =>
  required("To_Account", Schema.Array(UserId).pipe(Schema.minItems(1), Schema.maxItems(max)))

/** `{From_Account, To_Account[]}`: the request of the APIs that act on up to 1000 accounts and nothing else. */
export const accountsRequest = Schema.Struct({
  fromAccount,
  toAccounts: toAccounts(maxItemsPerRequest)
})

/** Up to 32 friend list names (none is allowed: an empty list). */
export const groupNameList = Schema.Array(GroupName).pipe(Schema.maxItems(maxFriendLists))

/** A list field that may be absent on the wire (decoded as empty). */
export const listOr = <const K extends string, S extends Schema.Schema.Any>(wireName: K, item: S) =>
  Schema.optionalWith(Schema.Array(item), { default: () => [] }).pipe(Schema.fromKey(wireName))

/** `ResultInfo`, absent on some answers. */
export const resultInfo = Schema.optionalWith(Schema.String, { default: () => "" }).pipe(Schema.fromKey("ResultInfo"))

/** A number field that may be absent on the wire (decoded as 0). */
export const numberOr = <const K extends string>(wireName: K) =>
  Schema.optionalWith(Schema.Number, { default: () => 0 }).pipe(Schema.fromKey(wireName))

/** `{To_Account, …, ResultCode, ResultInfo}`: one target's outcome, with what an API answers between. */
export const targetResult = <const F extends Schema.Struct.Fields>(fields: F) =>
  Schema.Struct({
    toAccount: required("To_Account", Schema.String),
    ...fields,
    resultCode: required("ResultCode", Schema.Number),
    resultInfo
  })

/** `{UserID}` items of the account APIs. */
export const userIdItem = Schema.Struct({ userId: required("UserID", UserId) })

/** `{UserID, ResultCode, ResultInfo}` answers of the account APIs. */
export const userIdResult = {
  userId: required("UserID", Schema.String),
  resultCode: required("ResultCode", Schema.Number),
  resultInfo
}
