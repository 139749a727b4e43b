/**
 * The errors `Friends` and `Accounts` add to Tencent's codes: input that fails validation before anything is sent,
 * and targets the server's answer left out, listed twice or listed as failed without a code.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * One requested item was refused before sending: its `target` (the To_Account as given, or its position when it
 * has none), the camelCase `field` at fault and the `reason`. It is that item's outcome; the rest of the batch is
 * still sent.
 *
 * @since 0.1.0
 */
export class InvalidItem extends Schema.TaggedError<InvalidItem>("@effect-tim/friends/InvalidItem")("InvalidItem", {
  target: Schema.String,
  field: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `InvalidItem ${JSON.stringify(this.target)}: ${this.field}: ${this.reason}`
  }
}

/**
 * The call as a whole was refused before sending (a bad From_Account, an empty or invalid option): nothing was
 * sent.
 *
 * @since 0.1.0
 */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>("@effect-tim/friends/InvalidRequest")(
  "InvalidRequest",
  {
    api: Schema.String,
    field: Schema.String,
    reason: Schema.String
  }
) {
  override get message(): string {
    return `InvalidRequest ${this.api}: ${this.field}: ${this.reason}`
  }
}

/**
 * The server answered the request but said nothing about this target (no result item for it).
 *
 * @since 0.1.0
 */
export class MissingResult extends Schema.TaggedError<MissingResult>("@effect-tim/friends/MissingResult")(
  "MissingResult",
  {
    target: Schema.String,
    api: Schema.String
  }
) {
  override get message(): string {
    return `MissingResult ${this.api}: the answer has no result for ${JSON.stringify(this.target)}`
  }
}

/**
 * The server's answer lists this target more than once: which entry holds is unknown, so none is taken.
 *
 * @since 0.1.0
 */
export class DuplicateResult extends Schema.TaggedError<DuplicateResult>("@effect-tim/friends/DuplicateResult")(
  "DuplicateResult",
  {
    target: Schema.String,
    api: Schema.String
  }
) {
  override get message(): string {
    return `DuplicateResult ${this.api}: the answer lists ${JSON.stringify(this.target)} more than once`
  }
}

/**
 * multiaccount_import listed this account in `FailAccounts` (it gives no code or reason per account).
 *
 * @since 0.1.0
 */
export class ImportFailed extends Schema.TaggedError<ImportFailed>("@effect-tim/friends/ImportFailed")("ImportFailed", {
  target: Schema.String,
  api: Schema.String
}) {
  override get message(): string {
    return `ImportFailed ${this.api}: ${JSON.stringify(this.target)} is listed in FailAccounts`
  }
}
