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

describe("Journal", () => {
  it.effect("records entries durably and reads them back on reopen", () =>
    Effect.gen(function* () {
      const file = tmpFile("j")
      const first = yield* provide(
        Effect.gen(function* () {
          const journal = yield* Journal.open(file, "friend import")
          assert.strictEqual(journal.done.size, 0)
          yield* journal.record({ id: "1-3#aa", succeeded: 3, failed: 0 })
          yield* journal.record({ id: "4-5#bb", succeeded: 1, failed: 1 })
          return fs.readFileSync(file, "utf8")
        })
      )
      assert.strictEqual(first, "tim-journal 1 friend import\ndone 1-3#aa 3 0\ndone 4-5#bb 1 1\n")
      const done = yield* provide(Effect.map(Journal.open(file, "friend import"), (j) => j.done))
      assert.deepStrictEqual(
        [...done.values()],
        [
          { id: "1-3#aa", succeeded: 3, failed: 0 },
          { id: "4-5#bb", succeeded: 1, failed: 1 }
        ]
      )
    })
  )

  it.effect("drops a torn last line (a crash mid-write) and keeps appending cleanly", () =>
    Effect.gen(function* () {
      const file = tmpFile("j")
      fs.writeFileSync(file, "tim-journal 1 friend add\ndone 1-2#aa 2 0\ndone 3-4#b")
      yield* provide(
        Effect.gen(function* () {
          const journal = yield* Journal.open(file, "friend add")
          assert.deepStrictEqual([...journal.done.keys()], ["1-2#aa"])
          yield* journal.record({ id: "3-4#bb", succeeded: 2, failed: 0 })
        })
      )
      assert.strictEqual(fs.readFileSync(file, "utf8"), "tim-journal 1 friend add\ndone 1-2#aa 2 0\ndone 3-4#bb 2 0\n")
      // A torn header alone: the journal starts over.
      const torn = tmpFile("t")
      fs.writeFileSync(torn, "tim-jou")
      yield* provide(Journal.open(torn, "friend add"))
      assert.strictEqual(fs.readFileSync(torn, "utf8"), "tim-journal 1 friend add\n")
    })
  )

  it.effect("refuses a journal of another command, or a file that is not a journal", () =>
    Effect.gen(function* () {
      const file = tmpFile("j")
      fs.writeFileSync(file, "tim-journal 1 friend add\n")
      const other = yield* Effect.flip(provide(Journal.open(file, "friend check")))
      assert.strictEqual(other._tag, "JournalError")
      assert.match(other.message, /belongs to `tim friend add`, not `tim friend check`/)
      const notJournal = tmpFile("n")
      fs.writeFileSync(notJournal, "from,to\nalice,bob\n")
      const bad = yield* Effect.flip(provide(Journal.open(notJournal, "friend add")))
      assert.match(bad.message, /not a tim journal/)
      fs.writeFileSync(notJournal, "tim-journal 1 friend add\ndone x\n")
      assert.match((yield* Effect.flip(provide(Journal.open(notJournal, "friend add")))).message, /line 2/)
      assert.strictEqual(fs.readFileSync(notJournal, "utf8"), "tim-journal 1 friend add\ndone x\n")
    })
  )
})

describe("Failures", () => {
  it.effect("writes the header once and appends quoted CSV lines", () =>
    Effect.gen(function* () {
      const file = tmpFile("failures.csv")
      const failure = { from: "alice", to: "bob", code: 30001, tag: "InvalidParameters", info: 'bad, "very"' }
      yield* provide(Effect.flatMap(Failures.open(file), (f) => f.write([failure])))
      yield* provide(Effect.flatMap(Failures.open(file), (f) => f.write([{ ...failure, to: "carol", info: "" }])))
      assert.strictEqual(
        fs.readFileSync(file, "utf8"),
        'from,to,code,tag,info\nalice,bob,30001,InvalidParameters,"bad, ""very"""\nalice,carol,30001,InvalidParameters,\n'
      )
      // An existing empty file gets the header too.
      const empty = tmpFile("empty.csv")
      fs.writeFileSync(empty, "")
      yield* provide(Effect.flatMap(Failures.open(empty), (f) => f.write([failure])))
      assert.match(fs.readFileSync(empty, "utf8"), /^from,to,code,tag,info\nalice,bob,30001,/)
    })
  )
})
