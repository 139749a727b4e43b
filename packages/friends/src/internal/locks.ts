import { Effect } from "effect"

/**
 * Serialises writes per From_Account (Tencent answers 30008 to concurrent writes on one account) while letting at
 * most `concurrency` accounts write at once. A lock lives only while someone holds or waits for it.
 */
export const makeWriteLocks = (concurrency: number) => {
  const accounts = new Map<string, { readonly lock: Effect.Semaphore; users: number }>()
  const writers = Effect.unsafeMakeSemaphore(concurrency)
  return <A, E, R>(account: string, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.acquireUseRelease(
      Effect.sync(() => {
        let entry = accounts.get(account)
        if (entry === undefined) {
          entry = { lock: Effect.unsafeMakeSemaphore(1), users: 0 }
          accounts.set(account, entry)
        }
        entry.users++
        return entry
      }),
      // Take the account's lock first, so that a queue on one account never holds a slot of the global limit.
      (entry) => entry.lock.withPermits(1)(writers.withPermits(1)(effect)),
      (entry) =>
        Effect.sync(() => {
          entry.users--
          if (entry.users === 0) accounts.delete(account)
        })
    )
}
