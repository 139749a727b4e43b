/**
 * What a bulk file run prints and counts, chunk by chunk: the tally of a chunk is the tally of its rows one by
 * one, and the streaming sink writes each chunk at most once, with the same text as a row-by-row writer.
 */
import { assert, describe, it } from "@effect/vitest"
import { Console, Effect } from "effect"
import { makeSink, type Row, Tally } from "../src/internal/output.js"

const ok = (to: string, outcome: unknown): Row => ({ from: "a", to, outcome })
const failed = (to: string, code: number, tag: string): Row => ({ from: "a", to, error: { tag, code, info: "" } })

const rows: ReadonlyArray<Row> = [
  ok("b", "CheckResult_Type_NoRelation"),
  ok("c", "CheckResult_Type_NoRelation"),
  failed("d", 30003, "AccountNotFound"),
  ok("e", "CheckResult_Type_BothWay"),
  ok("f", { some: "object" }),
  ok("g", "CheckResult_Type_NoRelation"),
  failed("h", 30001, "InvalidParameters"),
  failed("i", 30003, "AccountNotFound"),
  ok("j", "CheckResult_Type_BothWay")
]

/** Cuts `rows` into chunks of `size`. */
const chunked = (size: number) =>
  Array.from({ length: Math.ceil(rows.length / size) }, (_, i) => rows.slice(i * size, i * size + size))

/** Runs `effect` with a console that records each `log` call (one call is one write). */
const captured = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    const writes: Array<string> = []
    const console = yield* Console.consoleWith((c) => Effect.succeed(c))
    const recording: Console.Console = {
      ...console,
      log: (...args) => Effect.sync(() => writes.push(args.join(" "))),
      unsafe: { ...console.unsafe, log: (...args) => writes.push(args.join(" ")) }
    }
    yield* Console.withConsole(effect, recording)
    return writes
  })

describe("bulk output", () => {
  it("a tally of whole chunks equals a tally of the rows one by one, key order included", () => {
    const one = new Tally()
    for (const row of rows) one.add(row)
    for (const size of [1, 2, 4, 9]) {
      const all = new Tally()
      for (const chunk of chunked(size)) all.addAll(chunk)
      assert.deepStrictEqual(all.summary(), one.summary(), `chunks of ${size}`)
      assert.deepStrictEqual([...all.outcomes.keys()], [...one.outcomes.keys()])
      assert.deepStrictEqual([...all.failures.keys()], [...one.failures.keys()])
    }
    const empty = new Tally()
    empty.addAll([])
    assert.deepStrictEqual(empty.summary(), new Tally().summary())
  })

  it.effect("--json: one document, each item on its line, one write per chunk however it is cut", () =>
    Effect.gen(function* () {
      const documents: Array<string> = []
      for (const size of [1, 3, 9]) {
        const chunks = [[], ...chunked(size), []]
        const writes = yield* captured(
          Effect.gen(function* () {
            const sink = makeSink(true)
            for (const chunk of chunks) yield* sink.rows(chunk)
            yield* sink.end({ total: rows.length })
          })
        )
        // At most one write per chunk, plus the end.
        assert.isAtMost(writes.length, chunked(size).length + 1)
        const text = writes.join("\n")
        assert.deepStrictEqual(JSON.parse(text), { items: rows, summary: { total: rows.length } })
        assert.strictEqual(text.split("\n").length, rows.length + 2)
        documents.push(text)
      }
      assert.strictEqual(new Set(documents).size, 1)
      const none = yield* captured(Effect.flatMap(Effect.succeed(makeSink(true)), (sink) => sink.end({ total: 0 })))
      assert.deepStrictEqual(JSON.parse(none.join("\n")), { items: [], summary: { total: 0 } })
    })
  )

  it.effect("as text: only the failed items, under one heading, then the summary", () =>
    Effect.gen(function* () {
      const writes = yield* captured(
        Effect.gen(function* () {
          const sink = makeSink(false)
          for (const chunk of chunked(4)) yield* sink.rows(chunk)
          yield* sink.end({ total: rows.length })
        })
      )
      const lines = writes.join("\n").split("\n")
      assert.strictEqual(lines[0], "failed items:")
      assert.deepStrictEqual(
        lines.slice(1, 4).map((l) => l.split(/\s+/).slice(0, 4).join(" ")),
        ["a d FAILED 30003", "a h FAILED 30001", "a i FAILED 30003"]
      )
      assert.deepStrictEqual(lines.slice(4), ["", `total: ${rows.length}`])
      // The chunk without failures wrote nothing.
      assert.strictEqual(writes.length, 3)
    })
  )
})
