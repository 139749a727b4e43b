import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import * as BulkInput from "../src/BulkInput.js"

const tmp = (name: string, content: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tim-bulk-"))
  const file = path.join(dir, name)
  fs.writeFileSync(file, content)
  return file
}

const readAll = (file: string) =>
  BulkInput.rows(file).pipe(Stream.runCollect, Effect.map(Chunk.toReadonlyArray), Effect.provide(NodeContext.layer))

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
