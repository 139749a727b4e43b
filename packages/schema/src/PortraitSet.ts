/**
 * `v4/profile/portrait_set`: set an account's standard profile fields (trtc.io/document/33520) and the app's
 * custom `Tag_Profile_Custom_*` fields.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Api from "./Api.js"
import { AdminForbidType, AllowType, Gender, type ProfileTag } from "./Enums.js"
import { CustomProfileTag, ProfileString } from "./Fields.js"
import { fromAccount } from "./internal/fields.js"
import { required } from "./internal/wire.js"
import * as Limits from "./Limits.js"
import * as TimError from "./TimError.js"

/**
 * How a profile field's value is checked: a string of at most `maxBytes` bytes, an unsigned 32-bit integer, or one
 * of an enum's values. A value of the wrong JSON type answers 40610, an integer out of range or a value outside the
 * enum 40605, a string over its limit 40601.
 *
 * @since 0.1.0
 */
export type FieldRule =
  | { readonly type: "string"; readonly maxBytes: number }
  | { readonly type: "uint32" }
  | { readonly type: "enum"; readonly values: ReadonlyArray<string> }

const text = (maxBytes: number = Limits.maxProfileValueBytes) => ({ type: "string", maxBytes }) as const
const uint32 = { type: "uint32" } as const

/**
 * The standard profile fields with their types and limits, as Tencent's profile page lists them.
 *
 * @since 0.1.0
 */
export const standardFields = {
  Tag_Profile_IM_Nick: text(),
  Tag_Profile_IM_Gender: { type: "enum", values: Gender.literals },
  Tag_Profile_IM_BirthDay: uint32,
  Tag_Profile_IM_Location: text(Limits.maxLocationBytes),
  Tag_Profile_IM_SelfSignature: text(),
  Tag_Profile_IM_AllowType: { type: "enum", values: AllowType.literals },
  Tag_Profile_IM_Language: uint32,
  Tag_Profile_IM_Image: text(),
  Tag_Profile_IM_MsgSettings: uint32,
  Tag_Profile_IM_AdminForbidType: { type: "enum", values: AdminForbidType.literals },
  Tag_Profile_IM_Level: uint32,
  Tag_Profile_IM_Role: uint32
} as const satisfies { readonly [K in ProfileTag]: FieldRule }

/**
 * The rule of a custom profile field: a string of at most 500 bytes (the page: integer values are not supported for
 * custom fields).
 *
 * @since 0.1.0
 */
export const customFieldRule: FieldRule = text()

/** The largest unsigned 32-bit integer. */
const maxUint32 = 4_294_967_295

const Uint32 = Schema.Int.pipe(Schema.between(0, maxUint32))

/** The decoded type of a value under a rule. */
type ValueOf<R> = R extends { readonly type: "string" }
  ? string
  : R extends { readonly type: "uint32" }
    ? number
    : R extends { readonly values: ReadonlyArray<infer V> }
      ? V
      : never

/**
 * A profile field to set: a standard field with a value of its type, or a custom field with a string.
 *
 * @since 0.1.0
 */
export type ProfileItem =
  | { readonly [K in ProfileTag]: { readonly tag: K; readonly value: ValueOf<(typeof standardFields)[K]> } }[ProfileTag]
  | { readonly tag: `Tag_Profile_Custom_${string}`; readonly value: string }

/** The wire form of a {@link ProfileItem}. */
type ProfileItemWire =
  | { readonly [K in ProfileTag]: { readonly Tag: K; readonly Value: ValueOf<(typeof standardFields)[K]> } }[ProfileTag]
  | { readonly Tag: `Tag_Profile_Custom_${string}`; readonly Value: string }

const valueSchema = (rule: FieldRule): Schema.Schema.AnyNoContext =>
  rule.type === "string"
    ? ProfileString(rule.maxBytes)
    : rule.type === "uint32"
      ? Uint32
      : Schema.Literal(...rule.values)

/**
 * A profile field to set (`{Tag, Value}` on the wire).
 *
 * @since 0.1.0
 */
export const ProfileItem: Schema.Schema<ProfileItem, ProfileItemWire> = Schema.Union(
  ...Object.entries(standardFields).map(([tag, rule]) =>
    Schema.Struct({ tag: required("Tag", Schema.Literal(tag)), value: required("Value", valueSchema(rule)) })
  ),
  Schema.Struct({
    tag: required(
      "Tag",
      Schema.compose(CustomProfileTag, Schema.TemplateLiteral("Tag_Profile_Custom_", Schema.String))
    ),
    value: required("Value", ProfileString())
  })
) as never

/**
 * The request body.
 *
 * @since 0.1.0
 */
export const Request = Schema.Struct({
  fromAccount,
  profileItems: required("ProfileItem", Schema.Array(ProfileItem).pipe(Schema.minItems(1)))
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
 * The descriptor, with the codes of the page's table (trtc.io/document/34916).
 *
 * @since 0.1.0
 */
export const api = Api.make({
  service: "profile",
  command: "portrait_set",
  Request,
  Response,
  errors: [
    TimError.ProfileInvalidRequest,
    TimError.ProfileAccountNotFound,
    TimError.ProfileAdminRequired,
    TimError.ProfileServerError,
    TimError.ProfileWriteForbidden,
    TimError.ProfileTagNotFound,
    TimError.ProfileValueTooLong,
    TimError.ProfileValueInvalid,
    TimError.ProfileValueTypeInvalid
  ]
})

/**
 * The codes portrait_set can answer.
 *
 * @since 0.1.0
 */
export type Error = Api.ErrorOf<typeof api>
