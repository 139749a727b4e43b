/**
 * Writes the CSV files the CLI benchmarks read: `rows` lines of pairs `(from, to)`, from-account `f` (0, 1, …) paired
 * with to-accounts 0…`perFrom` except itself, each line made by `line`, in 1 MiB writes.
 */
import * as fs from "node:fs"

export const writePairsFile = async (
  file: string,
  options: {
    readonly header: string
    readonly rows: number
    readonly froms: number
    readonly perFrom: number
    /** The line for from-account `f`, to-account `t`, the `n`-th line (0-based), without its newline. */
    readonly line: (f: number, t: number, n: number) => string
  }
): Promise<void> => {
  const { froms, perFrom, rows, line } = options
  const out = fs.createWriteStream(file)
  let buffer = `${options.header}\n`
  let written = 0
  for (let f = 0; f < froms && written < rows; f++) {
    for (let t = 0; t <= perFrom && written < rows; t++) {
      if (t === f) continue
      buffer += `${line(f, t, written)}\n`
      written++
      if (buffer.length > 1 << 20) {
        if (!out.write(buffer)) await new Promise<void>((r) => out.once("drain", () => r()))
        buffer = ""
      }
    }
  }
  out.end(buffer)
  await new Promise<void>((r) => out.once("finish", () => r()))
}
