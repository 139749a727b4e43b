import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Failures from "../src/Failures.js"
import * as Journal from "../src/Journal.js"

const tmpFile = (name: string) => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tim-journal-")), name)
const provide = <A, E>(effect: Effect.Effect<A, E, any>) =>
  effect.pipe(Effect.scoped, Effect.provide(NodeContext.layer)) as Effect.Effect<A, E>

const binding = {
  command: "friend import",
  options: { remark: null, chunkSize: 2 },
  target: { endpoint: "http://127.0.0.1:1", sdkAppId: 1400000000, identifier: "administrator" },
  input: { rows: 5, bytes: 40, sha256: "aa" },
  failures: null
}
const header = `tim-journal 2 ${JSON.stringify(binding)}\n`

describe("Journal", () => {
  it.effect("records entries durably and reads them back on reopen", () =>
    Effect.gen(function* () {
      const file = tmpFile("j")
      const first = yield* provide(
        Effect.gen(function* () {
          const journal = yield* Journal.open(file, binding)
          assert.deepStrictEqual([journal.done.size, journal.fresh, journal.failuresSize], [0, true, 0])
          yield* journal.record({ id: "1-3#aa", succeeded: 3, failed: 0, failuresSize: 22 })
          yield* journal.record({ id: "4-5#bb", succeeded: 1, failed: 1, failuresSize: 60 })
          return fs.readFileSync(file, "utf8")
        })
      )
      assert.strictEqual(first, `${header}done 1-3#aa 3 0 22\ndone 4-5#bb 1 1 60\n`)
      const reopened = yield* provide(Journal.open(file, binding))
      assert.deepStrictEqual(
        [...reopened.done.values()],
        [
          { id: "1-3#aa", succeeded: 3, failed: 0, failuresSize: 22 },
          { id: "4-5#bb", succeeded: 1, failed: 1, failuresSize: 60 }
        ]
      )
      assert.deepStrictEqual([reopened.fresh, reopened.failuresSize], [false, 60])
    })
  )

  it.effect("drops a torn last line (a crash mid-write) and keeps appending cleanly", () =>
    Effect.gen(function* () {
      const file = tmpFile("j")
      fs.writeFileSync(file, `${header}done 1-2#aa 2 0 0\ndone 3-4#b`)
      yield* provide(
        Effect.gen(function* () {
          const journal = yield* Journal.open(file, binding)
          assert.deepStrictEqual([...journal.done.keys()], ["1-2#aa"])
          yield* journal.record({ id: "3-4#bb", succeeded: 2, failed: 0, failuresSize: 0 })
        })
      )
      assert.strictEqual(fs.readFileSync(file, "utf8"), `${header}done 1-2#aa 2 0 0\ndone 3-4#bb 2 0 0\n`)
      // A torn header alone: the journal starts over.
      const torn = tmpFile("t")
      fs.writeFileSync(torn, 'tim-journal 2 {"comm')
      yield* provide(Journal.open(torn, binding))
      assert.strictEqual(fs.readFileSync(torn, "utf8"), header)
    })
  )

  it.effect("refuses a journal made for another run, saying what differs, unless restarted", () =>
    Effect.gen(function* () {
      const file = tmpFile("j")
      fs.writeFileSync(file, `${header}done 1-2#aa 2 0 0\n`)
      const other = {
        ...binding,
        options: { remark: "new", chunkSize: 2 },
        target: { ...binding.target, endpoint: "http://127.0.0.1:2" }
      }
      const refused = yield* Effect.flip(provide(Journal.open(file, other)))
      assert.strictEqual(refused._tag, "JournalError")
      assert.include(refused.message, 'options.remark: null → "new"')
      assert.include(refused.message, 'target.endpoint: "http://127.0.0.1:1" → "http://127.0.0.1:2"')
      assert.include(refused.message, "--journal-restart")
      assert.strictEqual(fs.readFileSync(file, "utf8"), `${header}done 1-2#aa 2 0 0\n`)
      const restarted = yield* provide(Journal.open(file, other, { restart: true }))
      assert.deepStrictEqual([restarted.done.size, restarted.fresh], [0, true])
      assert.strictEqual(fs.readFileSync(file, "utf8"), `tim-journal 2 ${JSON.stringify(other)}\n`)
    })
  )

  it.effect("refuses a file that is not a journal and never modifies it, even with restart", () =>
    Effect.gen(function* () {
      for (const text of ["from,to\nalice,bob\n", "just one line", "tim-journal 1 friend add\n", `${header}done x\n`]) {
        const file = tmpFile("n")
        fs.writeFileSync(file, text)
        const bad = yield* Effect.flip(provide(Journal.open(file, binding, { restart: true })))
        assert.match(bad.message, /not a tim journal|older tim|line 2 is not a journal entry/)
        assert.strictEqual(fs.readFileSync(file, "utf8"), text)
        assert.isFalse(fs.existsSync(`${file}.lock`))
      }
    })
  )

  it.effect("is locked while open: a second opener refuses; a lock of a dead process is taken over", () =>
    Effect.gen(function* () {
      const file = tmpFile("j")
      yield* provide(
        Effect.gen(function* () {
          yield* Journal.open(file, binding)
          assert.strictEqual(fs.readFileSync(`${file}.lock`, "utf8"), `${process.pid}\n`)
          const second = yield* Effect.flip(Effect.scoped(Journal.open(file, binding)))
          assert.include(second.message, `in use by another tim (process ${process.pid}`)
        })
      )
      assert.isFalse(fs.existsSync(`${file}.lock`))
      fs.writeFileSync(`${file}.lock`, "999999999\n")
      yield* provide(Journal.open(file, binding))
      assert.isFalse(fs.existsSync(`${file}.lock`))
    })
  )
})

describe("Failures", () => {
  const failure = { from: "alice", to: "bob", code: 30001, tag: "InvalidParameters", info: 'bad, "very"' }

  it.effect("starts afresh with the header and appends quoted CSV lines, returning its size", () =>
    Effect.gen(function* () {
      const file = tmpFile("failures.csv")
      fs.writeFileSync(file, `${Failures.header}old,row,1,X,\n`)
      const size = yield* provide(Effect.flatMap(Failures.open(file), (f) => f.write([failure])))
      const text = 'from,to,code,tag,info\nalice,bob,30001,InvalidParameters,"bad, ""very"""\n'
      assert.strictEqual(fs.readFileSync(file, "utf8"), text)
      assert.strictEqual(size, text.length)
    })
  )

  it.effect("a resumed run cuts the file back to the journal's size, so each failed item has one row", () =>
    Effect.gen(function* () {
      const file = tmpFile("failures.csv")
      const kept = yield* provide(Effect.flatMap(Failures.open(file), (f) => f.write([failure])))
      // Written, then killed before the journal recorded the chunk: the row is there once too often.
      fs.appendFileSync(file, Failures.formatLine({ ...failure, to: "carol" }))
      yield* provide(Effect.flatMap(Failures.open(file, kept), (f) => f.write([{ ...failure, to: "carol" }])))
      assert.strictEqual(fs.readFileSync(file, "utf8").match(/carol/g)?.length, 1)
      assert.strictEqual(fs.readFileSync(file, "utf8").split("\n").length, 4)
      const short = yield* Effect.flip(provide(Failures.open(file, 10_000)))
      assert.include(short.message, "shorter")
    })
  )

  it.effect("refuses a file that is not a failures file and leaves it alone", () =>
    Effect.gen(function* () {
      const file = tmpFile("important.csv")
      fs.writeFileSync(file, "name,salary\nalice,1\n")
      const refused = yield* Effect.flip(provide(Failures.open(file)))
      assert.include(refused.message, "not a tim failures file")
      assert.strictEqual(fs.readFileSync(file, "utf8"), "name,salary\nalice,1\n")
    })
  )
})
