/**
 * Bulk runs through the entry point: a journal is bound to its command, request-shaping options, target and input
 * file, and refuses anything else (unless --journal-restart); `skippedItems` counts what was really skipped; the
 * failures file keeps one row per failed item across resumes; values that apply to every item are checked before
 * anything is sent.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { assert, layer } from "@effect/vitest"
import { Emulator } from "@effect-tim/emulator"
import { Effect } from "effect"
import { envFor, json, tim, timAt } from "./helpers.js"

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "tim-bulk-"))

/** Accounts, a CSV of 6 relations (one to a ghost, so one failure) in chunks of 2, and the run's arguments. */
const setup = (prefix: string) =>
  Effect.gen(function* () {
    const dir = tmpDir()
    const [a, b, c, d] = ["a", "b", "c", "d"].map((x) => `${prefix}_${x}`) as [string, string, string, string]
    yield* timAt("account", "import", a, b, c, d)
    const file = path.join(dir, "friends.csv")
    fs.writeFileSync(file, `${a},${b}\n${a},${c}\n${a},${d}\n${b},${c}\n${b},${prefix}_ghost\n${b},${d}\n`)
    const journal = path.join(dir, "journal")
    const failures = path.join(dir, "failures.csv")
    const args = ["friend", "import", "--file", file, "--journal", journal, "--failures", failures, "--chunk-size", "2"]
    return { dir, file, journal, failures, args, accounts: [a, b, c, d] as const }
  })

const journalLines = (journal: string) => fs.readFileSync(journal, "utf8").trim().split("\n")

layer(Emulator.layerTest(), { excludeTestServices: true })("tim bulk runs", (it) => {
  it.effect("a journal refuses another target, options, command or file, saying what differs", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const { args, file, journal } = yield* setup("jb")
      const first = yield* timAt(...args, "--json")
      assert.strictEqual(first.code, 2, first.stderr)
      const recorded = fs.readFileSync(journal, "utf8")
      const before = (yield* emulator.snapshot).friendships.length

      const otherTarget = yield* tim(envFor(emulator.baseUrl.replace("127.0.0.1", "localhost")), ...args)
      assert.strictEqual(otherTarget.code, 1)
      assert.include(otherTarget.stderr, "target.endpoint:")
      assert.include(otherTarget.stderr, "--journal-restart")
      const remark = yield* timAt(...args, "--remark", "Friend")
      assert.strictEqual(remark.code, 1)
      assert.include(remark.stderr, 'options.remark: null → "Friend"')
      const chunk = yield* timAt(...args.slice(0, -1), "3")
      assert.include(chunk.stderr, "options.chunkSize: 2 → 3")
      const command = yield* timAt("friend", "add", ...args.slice(2))
      assert.include(command.stderr, 'command: "friend import" → "friend add"')
      fs.appendFileSync(file, "jb_c,jb_d\n")
      const edited = yield* timAt(...args)
      assert.strictEqual(edited.code, 1)
      assert.include(edited.stderr, "input.sha256:")
      assert.strictEqual(fs.readFileSync(journal, "utf8"), recorded)
      assert.strictEqual((yield* emulator.snapshot).friendships.length, before)

      const restarted = yield* timAt(...args, "--journal-restart", "--json")
      assert.strictEqual(restarted.code, 2, restarted.stderr)
      assert.deepStrictEqual([json(restarted).summary.total, json(restarted).summary.skippedItems], [7, 0])
    })
  )

  it.effect("a file that is not a journal is refused and left alone; a journal in use is refused", () =>
    Effect.gen(function* () {
      const { args, journal } = yield* setup("jn")
      fs.writeFileSync(journal, "my notes\n")
      const refused = yield* timAt(...args)
      assert.strictEqual(refused.code, 1)
      assert.include(refused.stderr, "not a tim journal")
      assert.strictEqual(fs.readFileSync(journal, "utf8"), "my notes\n")
      fs.rmSync(journal)
      fs.writeFileSync(`${journal}.lock`, `${process.ppid}\n`)
      const locked = yield* timAt(...args)
      assert.strictEqual(locked.code, 1)
      assert.include(locked.stderr, `in use by another tim (process ${process.ppid}`)
      assert.isFalse(fs.existsSync(journal))
    })
  )

  it.effect(
    "after a kill between the failures file and the journal, a resume skips only what was done and keeps one row per failure",
    () =>
      Effect.gen(function* () {
        const { args, failures, journal } = yield* setup("jr")
        const first = yield* timAt(...args, "--json")
        assert.strictEqual(first.code, 2)
        const lines = journalLines(journal)
        assert.strictEqual(lines.length, 5) // header + 4 chunks: a→b a→c | a→d | b→c b→ghost | b→d
        // The failing chunk is the third; drop it and what follows, as a kill before journaling would.
        fs.writeFileSync(journal, `${lines.slice(0, 3).join("\n")}\n`)
        const rerun = yield* timAt(...args, "--json")
        assert.strictEqual(rerun.code, 2, rerun.stderr)
        const summary = json(rerun).summary
        assert.deepStrictEqual([summary.skippedChunks, summary.skippedItems, summary.total], [2, 3, 3])
        const rows = fs.readFileSync(failures, "utf8").trim().split("\n")
        assert.deepStrictEqual(
          rows.slice(1).map((r) => r.split(",").slice(0, 3).join(",")),
          ["jr_b,jr_ghost,30003"]
        )
        // Done: a third run skips everything and writes nothing more.
        const third = yield* timAt(...args, "--json")
        assert.strictEqual(third.code, 0)
        assert.deepStrictEqual([json(third).summary.skippedItems, json(third).summary.total], [6, 0])
        assert.strictEqual(fs.readFileSync(failures, "utf8").trim().split("\n").length, 2)
      })
  )

  it.effect("values that apply to every item are checked before anything is sent", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const { file } = yield* setup("pv")
      const before = yield* emulator.snapshot
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
        [["friend", "add", "pv_a", "pv_b", "--remark", "r".repeat(97)], "--remark"],
        [["friend", "add", "pv_a", "pv_b", "--source", "Android"], '--source "Android": an AddSource must be'],
        [["friend", "add", "--file", file, "--source", "AddSource_Type_TooLongName"], "--source"],
        [["friend", "add", "pv_a", "pv_b", "--wording", "w".repeat(257)], "--wording"],
        [["friend", "add", "pv_a", "pv_b", "--group", "g".repeat(31)], "--group"],
        [["friend", "import", "pv_a", "pv_b", "--group", `ok;${"g".repeat(31)}`], "--group"],
        [["friend", "update", "pv_a", "pv_b", "--group", "ok", "--group", ""], "--group needs a non-empty value"],
        [["friend", "update", "pv_a", "pv_b", "--remark", "é".repeat(49)], "a remark must be at most 96 bytes (got 98)"]
      ]
      for (const [args, message] of cases) {
        const result = yield* timAt(...args)
        assert.strictEqual(result.code, 1, args.join(" "))
        assert.include(result.stderr, message)
        assert.strictEqual(result.stdout, "")
      }
      assert.deepStrictEqual(yield* emulator.snapshot, before)
    })
  )
})
