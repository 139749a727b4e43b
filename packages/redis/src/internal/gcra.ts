/**
 * The shared limiter's one server-side step: a GCRA (generic cell rate algorithm) reservation in a Lua script, so
 * that reading the clock, deciding and recording happen in one atomic round trip on the Redis server.
 *
 * State per key: one integer, the theoretical arrival time (TAT) of the next call, in microseconds of the server's
 * clock (`TIME`). A call arriving at `now` is granted at `max(now, tat - tolerance)` and moves the TAT on by one
 * interval; the script answers how long the caller must wait. Callers' clocks never enter: they only sleep the
 * relative wait the server computed.
 *
 * Any span of `d` microseconds then holds at most `floor(d / interval) + burst` grants, so with
 * `interval = window / limit` and a window longer than a second, a one-second span holds at most
 * `ceil(1e6 / interval) - 1 + burst` grants; `burstFor` keeps that at or below the limit.
 */

/**
 * The script. KEYS[1]: the key; ARGV: interval (µs), tolerance (µs, `(burst - 1) * interval`). Answers
 * `[wait, grant]`: how long the caller waits (µs) and the granted time on the server's clock (µs, for tests).
 */
export const script = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil or tat < now then tat = now end
local at = tat - tolerance
if at < now then at = now end
local nextTat = tat + interval
redis.call('SET', KEYS[1], string.format('%d', nextTat), 'PX', math.floor((nextTat - now) / 1000) + 1)
return { at - now, at }
`

/** The microseconds between two paced calls for `limit` calls per `windowMillis`. */
export const intervalMicros = (limit: number, windowMillis: number): number => Math.ceil((windowMillis * 1000) / limit)

/**
 * The burst actually used: the configured one, lowered so that no one-second span can hold more than `limit`
 * grants (see the module comment), and at least 1.
 */
export const burstFor = (limit: number, interval: number, burst: number): number => {
  const paced = Math.ceil(1_000_000 / interval) - 1
  return Math.max(1, Math.min(burst, limit - paced))
}
