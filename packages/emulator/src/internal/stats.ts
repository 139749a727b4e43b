/**
 * Counts of what the emulator answered: requests that reached the API handler and their answers by top-level
 * ErrorCode, per API command and in total, since start or the last reset. Counting is two Map lookups per request.
 */
import { Schema } from "effect"

/**
 * An answer's key: the envelope's ErrorCode as a decimal string ("0" for success), `"http502"` for the injected
 * 502, `"none"` for a request whose connection was dropped without an answer.
 */
const AnswerCounts = Schema.Record({ key: Schema.String, value: Schema.Number })

/** The counts of one API command. */
export const ApiStats = Schema.Struct({ calls: Schema.Number, answers: AnswerCounts })

/** The callbacks sent to the app (with a callback URL only): queued by writes, delivered, retried, given up, dropped. */
export const CallbackStats = Schema.Struct({
  queued: Schema.Number,
  delivered: Schema.Number,
  retried: Schema.Number,
  failed: Schema.Number,
  dropped: Schema.Number
})

/** What `GET /_emulator/stats` answers. */
export const Stats = Schema.Struct({
  /** When counting started (ISO 8601): the emulator's start or the last reset of the counts. */
  since: Schema.String,
  /** Requests received on `/v4/...` paths. */
  calls: Schema.Number,
  /** Answers by key, over every API. */
  answers: AnswerCounts,
  /** Per API command path (`v4/sns/friend_check`); `unknown` for paths that are no API. */
  apis: Schema.Record({ key: Schema.String, value: ApiStats }),
  /** The callbacks sent to the app, when the emulator has a callback URL. */
  callbacks: Schema.optional(CallbackStats)
})

/** The mutable counters of one emulator. */
export interface Counters {
  since: number
  readonly apis: Map<string, { calls: number; readonly answers: Map<string, number> }>
}

/** The key of requests to paths that are no API (so that hostile paths cannot grow the table). */
export const unknownApi = "unknown"

/** Empty counters, counting from `nowMillis`. */
export const make = (nowMillis: number): Counters => ({ since: nowMillis, apis: new Map() })

const entryOf = (counters: Counters, api: string) => {
  let entry = counters.apis.get(api)
  if (entry === undefined) {
    entry = { calls: 0, answers: new Map() }
    counters.apis.set(api, entry)
  }
  return entry
}

/** Counts a request to `api`. */
export const call = (counters: Counters, api: string): void => {
  entryOf(counters, api).calls++
}

/** Counts an answer to `api` (an ErrorCode, `http502` or `none`). */
export const answer = (counters: Counters, api: string, key: number | string): void => {
  const answers = entryOf(counters, api).answers
  const k = String(key)
  answers.set(k, (answers.get(k) ?? 0) + 1)
}

/** Starts counting again from `nowMillis`. */
export const reset = (counters: Counters, nowMillis: number): void => {
  counters.apis.clear()
  counters.since = nowMillis
}

/** The counts as JSON, APIs in name order. */
export const toJson = (counters: Counters, callbacks?: typeof CallbackStats.Type): typeof Stats.Type => {
  let calls = 0
  const answers: Record<string, number> = {}
  const apis: Record<string, typeof ApiStats.Type> = {}
  for (const api of [...counters.apis.keys()].sort()) {
    const entry = counters.apis.get(api)!
    calls += entry.calls
    const own: Record<string, number> = {}
    for (const [key, n] of entry.answers) {
      own[key] = n
      answers[key] = (answers[key] ?? 0) + n
    }
    apis[api] = { calls: entry.calls, answers: own }
  }
  const json = { since: new Date(counters.since).toISOString(), calls, answers, apis }
  return callbacks === undefined ? json : { ...json, callbacks }
}
