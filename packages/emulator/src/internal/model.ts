/**
 * The emulator's public data shapes as schemas (re-exported by `Emulator`): fault settings and the state snapshot.
 */
import { Enums } from "@effect-tim/schema"
import { Schema } from "effect"

const Share = Schema.Number.pipe(
  Schema.filter((n) => (Number.isFinite(n) && n >= 0 && n <= 1) || `a share must be a number from 0 to 1 (got ${n})`)
)

/** Fault injection settings: shares in [0, 1], a latency in milliseconds and a PRNG seed. */
export const Faults = Schema.Struct({
  itemError: Share,
  requestError: Share,
  http502: Share,
  drop: Share,
  latencyMs: Schema.Number.pipe(
    Schema.filter(
      (n) => (Number.isFinite(n) && n >= 0 && n <= 60_000) || `latencyMs must be from 0 to 60000 (got ${n})`
    )
  ),
  seed: Schema.Number.pipe(Schema.filter((n) => Number.isSafeInteger(n) || `seed must be an integer (got ${n})`))
})

/** Fault injection settings. */
export interface Faults extends Schema.Schema.Type<typeof Faults> {}

/** A partial update of the fault settings (what `POST /_emulator/faults` accepts). */
export const FaultsPatch = Schema.partialWith(Faults, { exact: true })

/** No faults: the emulator is deterministic. */
export const noFaults: Faults = { itemError: 0, requestError: 0, http502: 0, drop: 0, latencyMs: 0, seed: 1 }

const CustomValues = Schema.Record({ key: Schema.String, value: Schema.Union(Schema.String, Schema.Number) })

/** The whole state as JSON: accounts, directed friendships, blocklists, friend lists and pending requests. */
export const StateSnapshot = Schema.Struct({
  accounts: Schema.Array(
    Schema.Struct({
      userId: Schema.String,
      nick: Schema.optionalWith(Schema.String, { exact: true }),
      allowType: Enums.AllowType,
      /** The other profile fields that were set, by tag (standard and custom). */
      profile: Schema.optionalWith(CustomValues, { exact: true })
    })
  ),
  friendships: Schema.Array(
    Schema.Struct({
      from: Schema.String,
      to: Schema.String,
      remark: Schema.optionalWith(Schema.String, { exact: true }),
      groups: Schema.Array(Schema.String),
      addSource: Schema.String,
      addWording: Schema.optionalWith(Schema.String, { exact: true }),
      addTime: Schema.Number,
      custom: CustomValues
    })
  ),
  blocklists: Schema.Array(Schema.Struct({ from: Schema.String, to: Schema.String, addedAt: Schema.Number })),
  lists: Schema.Array(Schema.Struct({ owner: Schema.String, name: Schema.String })),
  pending: Schema.Array(
    Schema.Struct({
      from: Schema.String,
      to: Schema.String,
      addSource: Schema.String,
      addWording: Schema.optionalWith(Schema.String, { exact: true }),
      createdAt: Schema.Number
    })
  )
})

/** The whole state as JSON. */
export interface StateSnapshot extends Schema.Schema.Type<typeof StateSnapshot> {}

/** The state file: a snapshot plus each account's sequences, so that sequences keep moving after a restart. */
export const StateFile = Schema.Struct({
  ...StateSnapshot.fields,
  sequences: Schema.optionalWith(
    Schema.Array(
      Schema.Struct({
        userId: Schema.String,
        standard: Schema.Number,
        custom: Schema.Number,
        block: Schema.Number,
        group: Schema.Number
      })
    ),
    { default: () => [] }
  )
})

/** A decoded state file. */
export type StateFile = typeof StateFile.Type
