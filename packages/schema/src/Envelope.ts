/**
 * The JSON envelope every Tencent Cloud Chat REST response carries.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * `ActionStatus`, `ErrorCode`, `ErrorInfo` and `ErrorDisplay`. Unknown extra fields (`RequestId`, the API's own
 * fields) are ignored; `ErrorInfo` may be any string (friend_delete answers `"0"`).
 *
 * @since 0.1.0
 */
export const Envelope = Schema.Struct({
  ActionStatus: Schema.Literal("OK", "FAIL"),
  ErrorCode: Schema.Number,
  ErrorInfo: Schema.optionalWith(Schema.String, { default: () => "" }),
  ErrorDisplay: Schema.optional(Schema.String)
})

/**
 * A decoded envelope.
 *
 * @since 0.1.0
 */
export type Envelope = typeof Envelope.Type

/**
 * The envelope of a successful call, as the emulator sends it.
 *
 * @since 0.1.0
 */
export const ok = { ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "", ErrorDisplay: "" } as const

/**
 * The envelope of a failed call.
 *
 * @since 0.1.0
 */
export const fail = (code: number, info: string) =>
  ({ ActionStatus: "FAIL", ErrorCode: code, ErrorInfo: info, ErrorDisplay: "" }) as const

/**
 * Whether an envelope reports a failure (`ActionStatus: FAIL` or a non-zero `ErrorCode`).
 *
 * @since 0.1.0
 */
export const isFailure = (envelope: Envelope): boolean => envelope.ActionStatus === "FAIL" || envelope.ErrorCode !== 0
