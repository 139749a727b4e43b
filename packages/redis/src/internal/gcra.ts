/**
 * The shared limiter's one server-side step: a GCRA (generic cell rate algorithm) reservation in a Lua script, so
 * that reading the clock, deciding and recording happen in one atomic round trip on the Redis server.
 *
 * State per key, a hash: `t`, the theoretical arrival time (TAT) of the next call in microseconds of the server's
 * clock (`TIME`); `n`, the number of reservations so far; `e`, when the key was created (tells a report about an
 * earlier life of the key apart). A call arriving at `now` is granted at `max(now, tat - tolerance)` and moves the
 * TAT on by one interval; the script answers how long the caller must wait. Callers' clocks never enter: they only
 * sleep the relative wait the server computed, and measure how late they really went.
 *
 * Any span of `d` microseconds then holds at most `floor(d / interval) + burst` grants, so with
 * `interval = window / limit` and a window longer than a second, a one-second span holds at most
 * `ceil(1e6 / interval) - 1 + burst` grants; `burstFor` keeps that at or below the limit. With a burst of 1, two
 * calls `limit` places apart are granted at least a window apart: the guard beyond the second is the margin for
 * delivery jitter.
 *
 * A caller that went later than its grant (a busy event loop) reports it with its next reservation: "call number
 * `n` went at `at`". The script then keeps the call `limit` places after it at least a window after `at`, by
 * moving the TAT on where needed: the memory limiter's ring of actual release times, without a second round trip.
 */

/**
 * The script. KEYS[1]: the key; ARGV: interval (µs), tolerance (µs, `(burst - 1) * interval`), window (µs), limit,
 * then a report or zeros: the reported call's number, the key's creation time it was made in, when it went (µs of
 * the server's clock). Answers `[wait, grant, number, created]`: how long the caller waits (µs), the granted time
 * (µs of the server's clock), the call's number and the key's creation time (for its report).
 */
export const script = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local limit = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 't', 'n', 'e')
local tat = tonumber(state[1])
local n = tonumber(state[2])
local e = tonumber(state[3])
if tat == nil or n == nil or e == nil then tat = now; n = 0; e = now end
if tat < now then tat = now end
local wentAt = tonumber(ARGV[7])
if wentAt > 0 then
  -- reservations made after the reported call: all of this key's life if it was made in an earlier one
  local since = n
  if tonumber(ARGV[6]) == e then since = n - tonumber(ARGV[5]) end
  -- this call is number n + 1; the one limit places after the reported call is still ahead places further
  local ahead = limit - 1 - since
  if ahead >= 0 then
    local floor = wentAt + window - ahead * interval + tolerance
    if floor > tat then tat = floor end
  end
end
local at = tat - tolerance
if at < now then at = now end
local nextTat = tat + interval
n = n + 1
redis.call('HSET', KEYS[1], 't', string.format('%d', nextTat), 'n', n, 'e', string.format('%d', e))
-- kept two windows past its last reservation, so that a late report still finds its life of the key
redis.call('PEXPIRE', KEYS[1], math.floor((nextTat - now + 2 * window) / 1000) + 1)
return { at - now, at, n, e }
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
