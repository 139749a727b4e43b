/**
 * Tencent Cloud Chat relationship-chain callbacks for Effect: verify, decode and dispatch `Sns.Callback*` requests
 * to typed handlers, and answer in Tencent's shape. The wire schemas are `Callback` in `@effect-tim/schema`.
 *
 * @since 0.1.0
 */
export * as CallbackError from "./CallbackError.js"
export * as Callbacks from "./Callbacks.js"
export * as Samples from "./Samples.js"
export * as Signature from "./Signature.js"
export * as Trigger from "./Trigger.js"
