/**
 * Converting the in-memory state to and from its JSON snapshot (the `GET /_emulator/state` answer and the state
 * file).
 */
import type { StateFile, StateSnapshot } from "./model.js"
import { type Account, empty, makeAccount, type State } from "./state.js"

/** The state as a snapshot (friendships are directed: a two-way friendship is two entries). */
export const toSnapshot = (state: State): StateSnapshot => {
  const accounts: Array<StateSnapshot["accounts"][number]> = []
  const friendships: Array<StateSnapshot["friendships"][number]> = []
  const blocklists: Array<StateSnapshot["blocklists"][number]> = []
  const lists: Array<StateSnapshot["lists"][number]> = []
  const pending: Array<StateSnapshot["pending"][number]> = []
  for (const account of state.accounts.values()) {
    const from = account.userId
    accounts.push({
      userId: from,
      ...(account.nick === undefined ? {} : { nick: account.nick }),
      allowType: account.allowType,
      ...(account.profile.size === 0 ? {} : { profile: Object.fromEntries(account.profile) })
    })
    for (const [to, f] of account.friends) {
      friendships.push({
        from,
        to,
        ...(f.remark === undefined ? {} : { remark: f.remark }),
        groups: [...f.groups],
        addSource: f.addSource,
        ...(f.addWording === undefined ? {} : { addWording: f.addWording }),
        addTime: f.addTime,
        custom: Object.fromEntries(f.custom)
      })
    }
    for (const [to, addedAt] of account.blocked) blocklists.push({ from, to, addedAt })
    for (const name of account.lists) lists.push({ owner: from, name })
    for (const [to, p] of account.pendingOut) {
      pending.push({
        from,
        to,
        addSource: p.addSource,
        ...(p.addWording === undefined ? {} : { addWording: p.addWording }),
        createdAt: p.createdAt
      })
    }
  }
  return { accounts, friendships, blocklists, lists, pending }
}

/** The state file's content: the snapshot plus sequences. */
export const toStateFile = (state: State): StateFile => ({
  ...toSnapshot(state),
  sequences: [...state.accounts.values()].map((a) => ({ userId: a.userId, ...a.seq }))
})

/** Rebuilds a state from a state file; a reference to an account the file does not list is an error. */
export const fromStateFile = (file: StateFile): State | string => {
  const state = empty()
  for (const a of file.accounts) {
    const account = makeAccount(a.userId, a.allowType)
    account.nick = a.nick
    if (a.profile !== undefined) for (const [tag, value] of Object.entries(a.profile)) account.profile.set(tag, value)
    state.accounts.set(a.userId, account)
  }
  const owner = (userId: string, what: string): Account | string =>
    state.accounts.get(userId) ?? `${what} refers to account ${JSON.stringify(userId)}, which the file does not list`
  for (const f of file.friendships) {
    const from = owner(f.from, "a friendship")
    if (typeof from === "string") return from
    const to = owner(f.to, "a friendship")
    if (typeof to === "string") return to
    from.friends.set(f.to, {
      remark: f.remark,
      groups: [...f.groups],
      addSource: f.addSource,
      addWording: f.addWording,
      addTime: f.addTime,
      custom: new Map(Object.entries(f.custom))
    })
  }
  for (const b of file.blocklists) {
    const from = owner(b.from, "a blocklist entry")
    if (typeof from === "string") return from
    from.blocked.set(b.to, b.addedAt)
  }
  for (const l of file.lists) {
    const from = owner(l.owner, "a friend list")
    if (typeof from === "string") return from
    if (!from.lists.includes(l.name)) from.lists.push(l.name)
  }
  for (const p of file.pending) {
    const from = owner(p.from, "a pending request")
    if (typeof from === "string") return from
    from.pendingOut.set(p.to, { addSource: p.addSource, addWording: p.addWording, createdAt: p.createdAt })
  }
  for (const s of file.sequences) {
    const account = state.accounts.get(s.userId)
    if (account !== undefined) {
      account.seq.standard = s.standard
      account.seq.custom = s.custom
      account.seq.block = s.block
      account.seq.group = s.group
    }
  }
  return state
}
