/**
 * The app's callback token (Tencent's callback authentication): the `Sign` a callback request carries, and the rule
 * that a configured token is never empty. One implementation for the emulator, which signs the callbacks it sends,
 * and `@effect-tim/callbacks`, which verifies them (re-exported there as `Signature.sign`).
 *
 * @since 0.2.0
 */
import { createHash } from "node:crypto"
import { Redacted } from "effect"

/**
 * The `Sign` of a callback request made at `requestTime` (Unix seconds): the lowercase hex SHA-256 of the token
 * followed by `requestTime` as decimal text.
 *
 * @since 0.2.0
 */
export const sign = (token: Redacted.Redacted<string>, requestTime: number): string =>
  createHash("sha256")
    .update(`${Redacted.value(token)}${requestTime}`, "utf8")
    .digest("hex")

/**
 * Why a configured token cannot be used, or `undefined` when it can (or none is configured): an empty token (say, an
 * empty `TIM_CALLBACK_TOKEN`) would make every signature trivially forgeable while looking checked. The caller
 * names the setting and raises its own typed error, e.g. `` `--token ${problem}` ``.
 *
 * @since 0.2.0
 */
export const problem = (token: Redacted.Redacted<string> | undefined): string | undefined =>
  token !== undefined && Redacted.value(token).length === 0
    ? "must not be empty (leave it out for unsigned callbacks)"
    : undefined
