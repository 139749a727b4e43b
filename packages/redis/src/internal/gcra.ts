/**
 * The shared limiter's one server-side step: a GCRA (generic cell rate algorithm) reservation in a Lua script, so
 * that reading the clock, deciding and recording happen in one atomic round trip on the Redis server.
 *
 * State per key, a hash: `t`, the theoretical arrival time (TAT) of the next call in microseconds of the server's
 * clock (`TIME`); `n`, the number of reservations so far; `e`, when the key was created (tells a report about an
 * earlier life of the key apart); `f<number>`, the earliest a future call may be granted, from reports. A call arriving at `now` is granted at `max(now, tat - tolerance)` and moves the
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
 * `n` went at `at`". The script then keeps call `n + limit` at least a window after `at` (a floor stored for that
 * number, applied when it is reserved): the memory limiter's ring of actual release times, without a second round
 * trip. Only that call waits longer (the ones in between keep their slots), and the calls after it pace on from it.
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
  -- the call limit places after the reported one: the next one if the report is from an earlier life of the key
  local target = n + 1
  if tonumber(ARGV[6]) == e then target = tonumber(ARGV[5]) + limit end
  if target > n then
    local floor = wentAt + window
    local field = 'f' .. target
    local held = tonumber(redis.call('HGET', KEYS[1], field))
    if held == nil or floor > held then redis.call('HSET', KEYS[1], field, string.format('%d', floor)) end
  end
end
-- this call is number n + 1: no earlier than a window after the call limit places before it went, if reported
local own = 'f' .. (n + 1)
local floor = tonumber(redis.call('HGET', KEYS[1], own))
if floor ~= nil then
  if floor + tolerance > tat then tat = floor + tolerance end
  redis.call('HDEL', KEYS[1], own)
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

/** The script as a command of an ioredis client (`defineCommand(name, { numberOfKeys: 1, lua: script })`). */
export type Command = (
  key: string,
  interval: number,
  tolerance: number,
  window: number,
  limit: number,
  reportNumber: number,
  reportCreated: number,
  reportWentAt: number
) => Promise<[wait: number, grant: number, number: number, created: number]>

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
