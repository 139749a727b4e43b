/**
 * The `Accounts` service: importing, checking and deleting accounts, and their AllowType (how they accept friend
 * requests), with the same bulk semantics as `Friends`: every input validated before sending, split into requests
 * of at most 100 accounts, exactly one typed outcome per account in the caller's order, item retries of transient
 * codes. These are admin calls: no From_Account. The methods are derived from the APIs' descriptions in
 * `internal/accountOps.ts`.
 *
 * @since 0.1.0
 */
import { TimClient } from "@effect-tim/transport"
import { Context, Effect, Layer } from "effect"
import { ops, singles } from "./internal/accountOps.js"
import * as Operation from "./internal/operation.js"

/**
 * @since 0.1.0
 */
export declare namespace Accounts {
  /**
   * `import`, `check`, `remove`, `setAllowType(accounts, allowType)`, `getAllowType`, each with its single-account
   * form (`importOne`, `checkOne`, …): the value, or the account's typed error in the error channel.
   *
   * @since 0.1.0
   */
  export type Service = Operation.Methods<typeof ops, typeof singles>
}

/**
 * The accounts service.
 *
 * @since 0.1.0
 */
export class Accounts extends Context.Tag("@effect-tim/friends/Accounts")<Accounts, Accounts.Service>() {}

/**
 * `Accounts.layer` options.
 *
 * @since 0.1.0
 */
export interface Options {
  /** Requests of one call in flight at once (different accounts, so writes too). Default 16. */
  readonly concurrency?: number | undefined
}

/**
 * Builds the service over the `TimClient` in context.
 *
 * @since 0.1.0
 */
export const make = (options: Options = {}): Effect.Effect<Accounts.Service, never, TimClient.TimClient> =>
  Effect.map(TimClient.TimClient, (client) =>
    Accounts.of(
      Operation.methodsOf(ops, singles, {
        client,
        spanPrefix: "tim.accounts",
        readConcurrency: Math.max(1, options.concurrency ?? 16),
        // No From_Account: nothing to serialise per account.
        withWriteLock: (_, effect) => effect
      })
    )
  )

/**
 * The service over the `TimClient` in context.
 *
 * @since 0.1.0
 */
export const layer = (options: Options = {}): Layer.Layer<Accounts, never, TimClient.TimClient> =>
  Layer.effect(Accounts, make(options))
