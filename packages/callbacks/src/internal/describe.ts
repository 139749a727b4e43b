/**
 * Parse errors as short text that never throws: the formatters recurse into the actual value, so a hostile, deeply
 * nested body or answer would exhaust the stack while its error is described.
 */
import { type ParseResult, ParseResult as PR } from "effect"

/** At most `max` characters of the error's tree, or a fixed sentence when it cannot be formatted. */
export const describe = (error: ParseResult.ParseError, max = 500): string => {
  try {
    return PR.TreeFormatter.formatErrorSync(error).slice(0, max)
  } catch {
    return "a value too deeply nested to describe"
  }
}
