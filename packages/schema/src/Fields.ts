/**
 * Field schemas with Tencent's rules (byte lengths are UTF-8 bytes).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { utf8Length } from "./internal/wire.js"
import * as Limits from "./Limits.js"

const byteLength = (min: number, max: number, what: string) =>
  Schema.filter<typeof Schema.String>(
    (s) => {
      const n = utf8Length(s)
      return (n >= min && n <= max) || `${what} must be ${min === 0 ? "at most" : `${min} to`} ${max} bytes (got ${n})`
    },
    { jsonSchema: { maxLength: max } }
  )

const userIdPattern = new RegExp(`^[A-Za-z0-9_-]{1,${Limits.maxUserIdBytes}}$`)

/** A fixed prefix followed by 1 to `max` ASCII letters (AddSource keywords, custom tag names). */
const prefixedKeyword = (prefix: string, max: number, what: string) => {
  const pattern = new RegExp(`^${prefix}[A-Za-z]{1,${max}}$`)
  return Schema.filter<typeof Schema.String>(
    (s) => pattern.test(s) || `${what} must be "${prefix}" followed by 1 to ${max} letters (got ${JSON.stringify(s)})`
  )
}

/**
 * A UserID: 1 to 32 bytes of `A-Z a-z 0-9 _ -` (branded).
 *
 * @since 0.1.0
 */
export const UserId = Schema.String.pipe(
  Schema.filter(
    (s) =>
      userIdPattern.test(s) ||
      `a UserID must be 1 to ${Limits.maxUserIdBytes} characters of A-Z a-z 0-9 _ - (got ${JSON.stringify(s)})`
  ),
  Schema.brand("@effect-tim/UserId"),
  Schema.annotations({ identifier: "UserId" })
)

/**
 * A validated UserID.
 *
 * @since 0.1.0
 */
export type UserId = typeof UserId.Type

/**
 * Whether a string is a valid UserID (no allocation, for hot paths).
 *
 * @since 0.1.0
 */
export const isUserId = (s: string): s is UserId => userIdPattern.test(s)

/**
 * The source of a friend request: `AddSource_Type_` and 1 to 8 letters, e.g. `AddSource_Type_Android`.
 *
 * @since 0.1.0
 */
export const AddSource = Schema.String.pipe(
  prefixedKeyword("AddSource_Type_", Limits.maxAddSourceKeywordBytes, "an AddSource"),
  Schema.annotations({ identifier: "AddSource" })
)

/**
 * A friend remark, at most 96 bytes.
 *
 * @since 0.1.0
 */
export const Remark = Schema.String.pipe(
  byteLength(0, Limits.maxRemarkBytes, "a remark"),
  Schema.annotations({ identifier: "Remark" })
)

/**
 * A friend list name, 1 to 30 bytes.
 *
 * @since 0.1.0
 */
export const GroupName = Schema.String.pipe(
  byteLength(1, Limits.maxGroupNameBytes, "a friend list name"),
  Schema.annotations({ identifier: "GroupName" })
)

/**
 * The wording of a friend request, at most 256 bytes.
 *
 * @since 0.1.0
 */
export const AddWording = Schema.String.pipe(
  byteLength(0, Limits.maxAddWordingBytes, "an add wording"),
  Schema.annotations({ identifier: "AddWording" })
)

/**
 * A custom friend field tag: `Tag_SNS_Custom_` and 1 to 8 letters.
 *
 * @since 0.1.0
 */
export const CustomTag = Schema.String.pipe(
  prefixedKeyword("Tag_SNS_Custom_", Limits.maxCustomTagKeywordBytes, "a custom friend tag"),
  Schema.annotations({ identifier: "CustomTag" })
)

/**
 * A custom profile field tag: `Tag_Profile_Custom_` and 1 to 8 letters (configured per app in the console).
 *
 * @since 0.1.0
 */
export const CustomProfileTag = Schema.String.pipe(
  prefixedKeyword("Tag_Profile_Custom_", Limits.maxCustomProfileKeywordBytes, "a custom profile tag"),
  Schema.annotations({ identifier: "CustomProfileTag" })
)

/**
 * A string profile value of at most `max` bytes (500 for most fields, 16 for `Tag_Profile_IM_Location`).
 *
 * @since 0.1.0
 */
export const ProfileString = (max: number = Limits.maxProfileValueBytes) =>
  Schema.String.pipe(byteLength(0, max, "a profile value"))

/**
 * A custom field value: a string of at most 500 bytes, or an integer (the friend_import sample sends one).
 *
 * @since 0.1.0
 */
export const CustomValue = Schema.Union(
  Schema.String.pipe(byteLength(0, Limits.maxCustomValueBytes, "a custom field value")),
  Schema.Int
)

/**
 * A Unix timestamp in seconds.
 *
 * @since 0.1.0
 */
export const UnixSeconds = Schema.Int.pipe(Schema.nonNegative())

/**
 * A `{Tag, Value}` pair as friend and profile APIs send them; the value's type depends on the tag.
 *
 * @since 0.1.0
 */
export const TagValue = Schema.Struct({
  Tag: Schema.String,
  Value: Schema.Union(Schema.String, Schema.Number, Schema.Array(Schema.String))
})

/**
 * A decoded `{Tag, Value}` pair.
 *
 * @since 0.1.0
 */
export type TagValue = typeof TagValue.Type
