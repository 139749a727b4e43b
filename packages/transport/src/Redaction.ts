/**
 * Scrubbing secrets out of text a server sent back. Proxies, gateways and error pages echo the request URL, so any
 * server-provided string (ErrorInfo, a ResultInfo, a body snippet, a header value) may carry the UserSig, or a cut
 * piece of it, which still inflates to a working sig. Every such string goes through {@link scrub} before it reaches
 * an error, a log, a span, a result or a terminal: it removes every run of {@link minRun} or more consecutive
 * characters of each secret, then shortens.
 *
 * @since 0.1.0
 */
import { Redacted } from "effect"

/**
 * Runs of this many consecutive characters of a secret are removed (shorter ones cannot be inflated into a sig or
 * guessed into a key).
 *
 * @since 0.1.0
 */
export const minRun = 16

/**
 * What a removed run is replaced with.
 *
 * @since 0.1.0
 */
export const placeholder = "<redacted>"

/**
 * The secrets to scrub, indexed for fast search; build it with {@link make} once per set of secrets.
 *
 * @since 0.1.0
 */
export interface Secrets {
  /** For each aligned 8-character block of a secret: the secrets and offsets where it starts. */
  readonly blocks: ReadonlyMap<string, ReadonlyArray<readonly [string, number]>>
  /** Whether there is anything to scrub at all. */
  readonly empty: boolean
}

const blockSize = minRun / 2

/**
 * Indexes `secrets` (plain or `Redacted`; those shorter than {@link minRun} are ignored) for {@link scrub}. Any run of
 * {@link minRun} characters of a secret holds one of its aligned {@link minRun}/2-character blocks, so a search only
 * looks those up and extends each hit both ways.
 *
 * @since 0.1.0
 */
export const make = (secrets: Iterable<string | Redacted.Redacted<string> | undefined>): Secrets => {
  const blocks = new Map<string, Array<readonly [string, number]>>()
  for (const input of secrets) {
    if (input === undefined) continue
    const secret = Redacted.isRedacted(input) ? Redacted.value(input) : input
    if (secret.length < minRun) continue
    for (let offset = 0; offset + blockSize <= secret.length; offset += blockSize) {
      const block = secret.slice(offset, offset + blockSize)
      const at = blocks.get(block)
      if (at === undefined) blocks.set(block, [[secret, offset]])
      else at.push([secret, offset])
    }
  }
  return { blocks, empty: blocks.size === 0 }
}

/** The ranges `[start, end)` of `text` that are runs of at least `minRun` characters of a secret, merged. */
const runsIn = (text: string, secrets: Secrets): Array<[number, number]> => {
  const ranges: Array<[number, number]> = []
  for (let p = 0; p + blockSize <= text.length; p++) {
    const hits = secrets.blocks.get(text.slice(p, p + blockSize))
    if (hits === undefined) continue
    for (const [secret, offset] of hits) {
      let start = p
      let s = offset
      while (start > 0 && s > 0 && text.charCodeAt(start - 1) === secret.charCodeAt(s - 1)) {
        start--
        s--
      }
      let end = p + blockSize
      let e = offset + blockSize
      while (end < text.length && e < secret.length && text.charCodeAt(end) === secret.charCodeAt(e)) {
        end++
        e++
      }
      if (end - start >= minRun) {
        const last = ranges[ranges.length - 1]
        if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end)
        else ranges.push([start, end])
      }
    }
  }
  return ranges
}

/**
 * Removes from `text` every run of {@link minRun} or more consecutive characters of any of `secrets` (replaced by
 * {@link placeholder}), then, if `maxLength` is given, collapses whitespace and shortens the result to `maxLength`
 * characters (plus `…`). Scrubbing comes first, so a secret cut by the shortening is still recognised; only the first
 * `maxLength + 2 × (longest secret)` characters are searched when shortening, so a huge text costs little.
 *
 * @since 0.1.0
 */
export const scrub = (text: string, secrets: Secrets, maxLength?: number): string => {
  let input = text
  let cut = false
  if (maxLength !== undefined) {
    // A raw prefix long enough for every run that reaches into the first `maxLength` characters: what lies beyond
    // is cut away unshown, so it needs no search.
    const window = maxLength + 2 * longest(secrets) + minRun
    if (input.length > window) {
      input = input.slice(0, window)
      cut = true
    }
    input = input.replace(/\s+/g, " ").trim()
  }
  if (!secrets.empty && input.length >= minRun) {
    const ranges = runsIn(input, secrets)
    if (ranges.length > 0) {
      let result = ""
      let from = 0
      for (const [start, end] of ranges) {
        result += input.slice(from, start) + placeholder
        from = end
      }
      input = result + input.slice(from)
    }
  }
  if (maxLength !== undefined && input.length > maxLength) return `${input.slice(0, maxLength)}…`
  return cut ? `${input}…` : input
}

const longestCache = new WeakMap<Secrets, number>()
const longest = (secrets: Secrets): number => {
  let n = longestCache.get(secrets)
  if (n === undefined) {
    n = 0
    for (const hits of secrets.blocks.values()) for (const [secret] of hits) n = Math.max(n, secret.length)
    longestCache.set(secrets, n)
  }
  return n
}
