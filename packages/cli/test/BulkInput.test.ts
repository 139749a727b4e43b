import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, FastCheck as fc, Stream } from "effect"
import * as BulkInput from "../src/BulkInput.js"

const tmp = (name: string, content: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tim-bulk-"))
  const file = path.join(dir, name)
  fs.writeFileSync(file, content)
  return file
}

const readAll = (file: string) =>
  BulkInput.rows(file).pipe(Stream.runCollect, Effect.map(Chunk.toReadonlyArray), Effect.provide(NodeContext.layer))

/**
 * What a CSV file means, line by line through `parseCsvLine`, `parseHeader` and `parseLine` (the reader's fast
 * path must agree with it): the rows, or the first bad line and its reason.
 */
const reference = (
  content: string
): ReadonlyArray<BulkInput.Row> | { readonly line: number; readonly reason: string } => {
  const rows: Array<BulkInput.Row> = []
  let order: ReadonlyArray<BulkInput.Column> = BulkInput.columns
  let first = true
  const lines = content.split("\n")
  if (lines.at(-1) === "") lines.pop()
  for (let i = 0; i < lines.length; i++) {
    let text = lines[i]!.endsWith("\r") ? lines[i]!.slice(0, -1) : lines[i]!
    if (i === 0 && text.startsWith("\ufeff")) text = text.slice(1)
    if (text.trim().length === 0) continue
    if (first) {
      first = false
      const fields = BulkInput.parseCsvLine(text)
      const header = typeof fields === "string" ? undefined : BulkInput.parseHeader(fields)
      if (typeof header === "string") return { line: i + 1, reason: header }
      if (header !== undefined) {
        order = header
        continue
      }
    }
    const row = BulkInput.parseLine("csv", order, text, i + 1)
    if (typeof row === "string") return { line: i + 1, reason: row }
    rows.push(row)
  }
  return rows
}

/** Feeds `content` to a parser in pieces cut at `cuts` (block boundaries fall anywhere, also inside a line). */
const parseInPieces = (content: string, cuts: ReadonlyArray<number>) => {
  const parser = BulkInput.makeParser("p.csv")
  const rows: Array<BulkInput.Row> = []
  let at = 0
  for (const cut of [...cuts.map((c) => c % (content.length + 1)).sort((a, b) => a - b), content.length]) {
    const result = parser.feed(content.slice(at, cut))
    if (result instanceof BulkInput.BulkInputError) return { line: result.line, reason: result.reason }
    rows.push(...result)
    at = cut
  }
  const last = parser.end()
  if (last instanceof BulkInput.BulkInputError) return { line: last.line, reason: last.reason }
  return [...rows, ...last]
}

// Quotes are rare (a line with one takes the slow path): most lines exercise the fast one.
const csvLine = fc
  .array(
    fc.oneof(
      { arbitrary: fc.constantFrom("u1", "u2", "b", "é", " ", "\t", "\u00a0", ",", ",", "x y"), weight: 20 },
      { arbitrary: fc.constantFrom('"', '""'), weight: 1 }
    ),
    { maxLength: 9 }
  )
  .map((parts) => parts.join(""))
const csvFile = fc.record({
  header: fc.constantFrom("", "from,to\n", "to,from,remark\n", " From , TO ,group,wording\n", "\ufefffrom,to\n"),
  lines: fc.array(fc.tuple(csvLine, fc.constantFrom("\n", "\r\n")), { maxLength: 12 }),
  last: fc.constantFrom("", "u1,u2", "u1,")
})

describe("BulkInput", () => {
  it("splits CSV lines with RFC 4180 quoting", () => {
    assert.deepStrictEqual(BulkInput.parseCsvLine("a,b"), ["a", "b"])
    assert.deepStrictEqual(BulkInput.parseCsvLine('a,"b, c",""'), ["a", "b, c", ""])
    assert.deepStrictEqual(BulkInput.parseCsvLine('a,"say ""hi"""'), ["a", 'say "hi"'])
    assert.deepStrictEqual(BulkInput.parseCsvLine(" a , b ,"), ["a", "b", ""])
    assert.strictEqual(BulkInput.parseCsvLine('a,"open'), "unterminated quoted field")
    assert.match(BulkInput.parseCsvLine('a,b"c') as string, /quote inside an unquoted field/)
    assert.match(BulkInput.parseCsvLine('a,"b"x') as string, /after a quoted field/)
  })

  it("round-trips fields through csvField", () => {
    for (const value of ["plain", "with,comma", 'with "quote"', " padded ", "multi\nline"]) {
      assert.deepStrictEqual(BulkInput.parseCsvLine(`x,${BulkInput.csvField(value)}`), ["x", value])
    }
  })

  it("recognises headers, in any column order", () => {
    assert.deepStrictEqual(BulkInput.parseHeader(["From", "to", "remark"]), ["from", "to", "remark"])
    assert.deepStrictEqual(BulkInput.parseHeader(["to", "from"]), ["to", "from"])
    assert.strictEqual(BulkInput.parseHeader(["alice", "bob"]), undefined)
    assert.match(BulkInput.parseHeader(["from", "to", "colour"]) as string, /unknown column/)
  })

  it.effect("streams CSV rows with an optional header, skipping blank lines, BOM and CRLF", () =>
    Effect.gen(function* () {
      const file = tmp("f.csv", '\ufefffrom,to,remark,group\r\nalice,bob,"hi, bob",team\r\n\r\nalice,carol\r\n')
      const rows = yield* readAll(file)
      assert.deepStrictEqual(rows, [
        { line: 2, from: "alice", to: "bob", remark: "hi, bob", group: "team" },
        { line: 4, from: "alice", to: "carol" }
      ])
      const noHeader = yield* readAll(tmp("g.csv", "a,b,,,AddSource_Type_X,hello\n"))
      assert.deepStrictEqual(noHeader, [{ line: 1, from: "a", to: "b", source: "AddSource_Type_X", wording: "hello" }])
      const reordered = yield* readAll(tmp("h.csv", "to,from\nbob,alice\n"))
      assert.deepStrictEqual(reordered, [{ line: 2, from: "alice", to: "bob" }])
    })
  )

  it.effect("streams JSON Lines, detected by extension or content", () =>
    Effect.gen(function* () {
      const content = '{"from":"alice","to":"bob","remark":"r"}\n\n{"from":"bob","to":"carol"}\n'
      const expected = [
        { line: 1, from: "alice", to: "bob", remark: "r" },
        { line: 3, from: "bob", to: "carol" }
      ]
      assert.deepStrictEqual(yield* readAll(tmp("f.jsonl", content)), expected)
      assert.deepStrictEqual(yield* readAll(tmp("f.txt", content)), expected)
    })
  )

  it.effect("fails with the line and the reason on malformed input", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<readonly [string, string, number, RegExp]> = [
        ["a.csv", "alice,bob\nalice\n", 2, /at least two fields/],
        ["b.csv", "alice,bob\n,bob\n", 2, /from account is empty/],
        ["c.csv", "a,b,c,d,e,f,g\n", 1, /at most 6 fields/],
        ["d.jsonl", '{"from":"a","to":"b"}\n{"from":"a"\n', 2, /not valid JSON/],
        ["e.jsonl", '{"from":"a","to":1}\n', 1, /expected/],
        ["f.jsonl", '{"from":"a","to":"b","extra":1}\n', 1, /expected/],
        ["g.csv", "from,to,colour\n", 1, /unknown column/]
      ]
      for (const [name, content, line, reason] of cases) {
        const file = tmp(name, content)
        const error = yield* Effect.flip(readAll(file))
        assert.strictEqual(error._tag, "BulkInputError")
        if (error._tag === "BulkInputError") {
          assert.strictEqual(error.line, line, name)
          assert.match(error.message, reason)
          assert.include(error.message, `${file}:${line}:`)
        }
      }
      const count = yield* BulkInput.scan(tmp("ok.csv", "a,b\na,c\n\nb,c\n")).pipe(Effect.provide(NodeContext.layer))
      assert.strictEqual(count, 3)
    })
  )

  it.prop(
    "the reader's fast path reads CSV as parseCsvLine and parseLine do, wherever the blocks are cut",
    [csvFile, fc.array(fc.nat(), { maxLength: 4 })],
    ([file, cuts]) => {
      const content = file.header + file.lines.map(([l, eol]) => l + eol).join("") + file.last
      assert.deepStrictEqual(parseInPieces(content, cuts), reference(content))
    },
    { fastCheck: { numRuns: 3000 } }
  )

  it.effect.prop(
    "inspect (which counts without building rows) accepts and refuses what the row reader does",
    [csvFile],
    ([file]) =>
      Effect.gen(function* () {
        const content = file.header + file.lines.map(([l, eol]) => l + eol).join("") + file.last
        const expected = reference(content)
        const result = yield* Effect.either(BulkInput.inspect(tmp("i.csv", content)))
        const got =
          result._tag === "Right"
            ? result.right.rows
            : result.left._tag === "BulkInputError"
              ? { line: result.left.line, reason: result.left.reason }
              : result.left.message
        assert.deepStrictEqual(got, "length" in expected ? expected.length : expected)
      }).pipe(Effect.provide(NodeContext.layer)),
    { fastCheck: { numRuns: 300 } }
  )

  it.effect("groups rows by from-account within a window, splits at maxItems, with stable ids", () =>
    Effect.gen(function* () {
      const rows: Array<BulkInput.Row> = [
        { line: 1, from: "a", to: "x1" },
        { line: 2, from: "b", to: "y1" },
        { line: 3, from: "a", to: "x2" },
        { line: 4, from: "a", to: "x3" },
        { line: 5, from: "b", to: "y2" }
      ]
      const run = (options: BulkInput.ChunkOptions) =>
        Stream.fromIterable(rows).pipe(BulkInput.chunks(options), Stream.runCollect, Effect.map(Chunk.toReadonlyArray))
      const chunks = yield* run({ window: 10, maxItems: 2 })
      assert.deepStrictEqual(
        chunks.map((c) => [c.from, c.rows.map((r) => r.to)]),
        [
          ["a", ["x1", "x2"]],
          ["a", ["x3"]],
          ["b", ["y1", "y2"]]
        ]
      )
      assert.match(chunks[0]!.id, /^1-3#[0-9a-f]{16}$/)
      assert.deepStrictEqual(
        (yield* run({ window: 10, maxItems: 2 })).map((c) => c.id),
        chunks.map((c) => c.id)
      )
      // A different content at the same lines gets a different id.
      assert.notStrictEqual(BulkInput.chunkId([{ line: 1, from: "a", to: "z" }]), BulkInput.chunkId([rows[0]!]))
      // Read from a file, the chunks are the same as grouping the row stream, ids included.
      const file = tmp("w.csv", `from,to\n${rows.map((r) => `${r.from},${r.to}`).join("\n")}\nb,y3\na,x4\n`)
      for (const options of [
        { window: 10, maxItems: 2 },
        { window: 3, maxItems: 2 },
        { window: 2, maxItems: 1000 }
      ]) {
        const grouped = yield* BulkInput.rows(file).pipe(
          BulkInput.chunks(options),
          Stream.runCollect,
          Effect.provide(NodeContext.layer)
        )
        const read = yield* BulkInput.fileChunks(file, options).pipe(
          Stream.runCollect,
          Effect.provide(NodeContext.layer)
        )
        const view = (cs: Chunk.Chunk<BulkInput.Chunk>) =>
          Chunk.toReadonlyArray(cs).map((c) => ({ id: c.id, from: c.from, rows: c.rows }))
        assert.deepStrictEqual(view(read), view(grouped))
        assert.isAbove(Chunk.size(read), 2)
      }
      // A window bounds the grouping: rows of one from-account in two windows are two chunks.
      const windowed = yield* run({ window: 2, maxItems: 1000 })
      assert.deepStrictEqual(
        windowed.map((c) => [c.from, c.rows.length]),
        [
          ["a", 1],
          ["b", 1],
          ["a", 2],
          ["b", 1]
        ]
      )
    })
  )
})
