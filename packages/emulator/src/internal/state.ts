/**
 * The emulator's in-memory state: plain Maps, mutated synchronously (a request's reads and writes never span an
 * `await`, so parallel requests on one account cannot lose each other's writes).
 */
import type { Enums } from "@effect-tim/schema"

/** One direction of a friendship: `to` is in the owner's friend list. */
export interface Friend {
  remark: string | undefined
  groups: Array<string>
  addSource: string
  addWording: string | undefined
  addTime: number
  custom: Map<string, string | number>
}

/** A friend request waiting for the peer's confirmation (AllowType NeedConfirm). */
export interface Pending {
  readonly addSource: string
  readonly addWording: string | undefined
  readonly createdAt: number
}

/** Per-account sequences; each changes on every write to the data it covers. */
export interface Sequences {
  standard: number
  custom: number
  block: number
  group: number
}

/** An imported account and its relationship chain. */
export interface Account {
  readonly userId: string
  nick: string | undefined
  allowType: Enums.AllowType
  /** The other profile fields that were set (standard and custom), by tag. */
  readonly profile: Map<string, string | number>
  /** Friend list, in insertion order (friend_get pages over it). */
  readonly friends: Map<string, Friend>
  /** Blocklist: target → added at (Unix seconds), in insertion order. */
  readonly blocked: Map<string, number>
  /** Friend list names, in creation order. */
  readonly lists: Array<string>
  /** Outgoing pending friend requests: target → request. */
  readonly pendingOut: Map<string, Pending>
  readonly seq: Sequences
}

/** The whole state of one emulated app. */
export interface State {
  readonly accounts: Map<string, Account>
  /** Bumped on every write; the persistence loop saves when it moved. */
  version: number
}

/** An empty state. */
export const empty = (): State => ({ accounts: new Map(), version: 0 })

/** A new account with no relations. */
export const makeAccount = (userId: string, allowType: Enums.AllowType): Account => ({
  userId,
  nick: undefined,
  allowType,
  profile: new Map(),
  friends: new Map(),
  blocked: new Map(),
  lists: [],
  pendingOut: new Map(),
  seq: { standard: 0, custom: 0, block: 0, group: 0 }
})

/** Marks the state as changed (for the persistence loop). */
export const touch = (state: State): void => {
  state.version++
}

/** Bumps the standard-data sequence of an account (friend list, remarks, groups, add data). */
export const bumpStandard = (account: Account): void => {
  account.seq.standard++
}

/** Bumps the custom-data sequence of an account. */
export const bumpCustom = (account: Account): void => {
  account.seq.custom++
}

/** Removes `to` from `owner`'s friend list; true when it was there. */
export const removeFriend = (owner: Account, to: string): boolean => {
  const friend = owner.friends.get(to)
  if (friend === undefined) return false
  owner.friends.delete(to)
  bumpStandard(owner)
  if (friend.custom.size > 0) bumpCustom(owner)
  return true
}

/** Ensures the named lists exist on an account; false (and nothing changed) when that would exceed `max`. */
export const ensureLists = (account: Account, names: ReadonlyArray<string>, max: number): boolean => {
  const missing = [...new Set(names)].filter((name) => !account.lists.includes(name))
  if (missing.length === 0) return true
  if (account.lists.length + missing.length > max) return false
  account.lists.push(...missing)
  account.seq.group++
  return true
}

/** Deletes accounts and every relation that points at them, in one pass over the accounts that stay. */
export const deleteAccounts = (state: State, userIds: ReadonlySet<string>): void => {
  let deleted = false
  for (const userId of userIds) if (state.accounts.delete(userId)) deleted = true
  if (!deleted) return
  for (const other of state.accounts.values()) {
    for (const userId of userIds) {
      removeFriend(other, userId)
      if (other.blocked.delete(userId)) other.seq.block++
      other.pendingOut.delete(userId)
    }
  }
}

/** One account to seed: its UserID, and optionally its AllowType and nick. */
export interface SeedAccount {
  readonly userId: string
  readonly allowType?: Enums.AllowType | undefined
  readonly nick?: string | undefined
}

/**
 * Creates the accounts that do not exist yet (with `allowType`, else `defaultAllowType`) and sets the given
 * AllowType and nick on those that do, keeping their relations. The caller has validated the input.
 */
export const seedAccounts = (
  state: State,
  accounts: ReadonlyArray<SeedAccount>,
  defaultAllowType: Enums.AllowType
): void => {
  for (const item of accounts) {
    let account = state.accounts.get(item.userId)
    if (account === undefined) {
      account = makeAccount(item.userId, item.allowType ?? defaultAllowType)
      state.accounts.set(item.userId, account)
    } else if (item.allowType !== undefined) {
      account.allowType = item.allowType
    }
    // Profile fields, like portrait_set: no relation sequence changes.
    if (item.nick !== undefined) account.nick = item.nick
  }
  touch(state)
}
