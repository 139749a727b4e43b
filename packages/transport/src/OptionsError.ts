/**
 * The error of building a client from invalid options: which option is wrong and why. Never contains the secret key.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * A client option is invalid (`option` names it: `region`, `endpoint`, `rateLimit`, `timeout`, `retry.maxAttempts`,
 * ...). Building the layer fails with it; nothing throws.
 *
 * @since 0.1.0
 */
export class OptionsError extends Schema.TaggedError<OptionsError>("@effect-tim/transport/OptionsError")(
  "OptionsError",
  {
    option: Schema.String,
    detail: Schema.String
  }
) {
  override get message(): string {
    return `Invalid TimClient option ${this.option}: ${this.detail}`
  }
}
