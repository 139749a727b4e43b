/**
 * Bulk import of friends from a CSV file, with progress: writes a CSV (`from,to,remark,group`) to a temporary
 * directory, counts its rows, then streams it in bounded memory (`BulkInput.rows` from @effect-tim/cli, the parser
 * the `tim` command uses) into `Friends.import`, one call per run of rows with the same From_Account, four
 * accounts at once, printing progress as batches complete. It runs against an in-process emulator that answers 5%
 * of the items with a transient error once the accounts exist, so the per-item retries show.
 *
 * Run: pnpm exec tsx --conditions=@effect-tim/source examples/bulk-import.ts [rows = 5000]
 */
import * as path from "node:path"
import { FileSystem } from "@effect/platform"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { BulkInput } from "@effect-tim/cli"
import { Emulator } from "@effect-tim/emulator"
import { Friends } from "@effect-tim/friends"
import { Fields, Limits, MultiAccountImport } from "@effect-tim/schema"
import { TimClient } from "@effect-tim/transport"
import { Array as Arr, Chunk, Console, Effect, Schema, Stream } from "effect"
import { emulatorLive } from "./lib/emulatorLive.js"

const rowCount = Math.max(1, Number(process.argv[2] ?? 5000))
const owners = 20
const perOwner = Math.ceil(rowCount / owners)
const owner = (i: number) => `owner_${i}`
const friend = (j: number) => `friend_${j}`

/** The CSV: a header, then `perOwner` friends per owner; the last row has an invalid UserID. */
const csv = (): string => {
  const lines = ["from,to,remark,group"]
  for (let n = 0; n < rowCount - 1; n++) {
    const j = n % perOwner
    lines.push(`${owner(Math.floor(n / perOwner))},${friend(j)},"Friend ${j}, imported",Imported`)
  }
  lines.push(`${owner(0)},not a user id!,,`)
  return `${lines.join("\n")}\n`
}

/** Creates every account the file names (multiaccount_import, 100 per request). */
const importAccounts = Effect.gen(function* () {
  const client = yield* TimClient.TimClient
  const ids = [...Arr.makeBy(owners, owner), ...Arr.makeBy(perOwner, friend)]
  const accounts = Schema.decodeSync(Schema.Array(Fields.UserId))(ids)
  const answers = yield* Effect.forEach(
    Arr.chunksOf(accounts, Limits.maxAccountItems),
    (chunk) => client.call(MultiAccountImport.api, { accounts: chunk }),
    { concurrency: 4 }
  )
  const failed = answers.flatMap((a) => a.failAccounts)
  if (failed.length > 0) yield* Console.log(`could not create ${failed.length} accounts: ${failed.join(", ")}`)
})

const program = Effect.gen(function* () {
  const fs = yield* FileSystem.FileSystem
  const dir = yield* fs.makeTempDirectoryScoped({ prefix: "effect-tim-example-" })
  const file = path.join(dir, "friends.csv")
  yield* fs.writeFileString(file, csv())
  const total = yield* BulkInput.scan(file) // validates every line and counts the rows, for the progress
  yield* Console.log(`${file}: ${total} rows`)
  yield* importAccounts
  // From here on, the emulator answers 5% of the items with 30006/30007 (not applied): Friends sends them again.
  yield* Effect.flatMap(Emulator.Emulator, (emulator) => emulator.setFaults({ itemError: 0.05, seed: 7 }))

  const friends = yield* Friends.Friends
  const started = Date.now()
  let done = 0
  let retries = 0
  const outcomes: Record<string, number> = {}
  yield* BulkInput.rows(file).pipe(
    Stream.groupAdjacentBy((row) => row.from),
    Stream.mapEffect(
      ([from, rows]) =>
        friends.import(
          from,
          Chunk.toReadonlyArray(rows).map((row) => ({
            toAccount: row.to,
            remark: row.remark,
            groups: row.group === undefined ? undefined : [row.group]
          }))
        ),
      { concurrency: 4 }
    ),
    Stream.runForEach((result) => {
      done += result.items.length
      retries += result.retries
      for (const [key, n] of Object.entries(Friends.countOutcomes(result))) outcomes[key] = (outcomes[key] ?? 0) + n
      const percent = ((100 * done) / total).toFixed(0).padStart(3)
      const elapsed = ((Date.now() - started) / 1000).toFixed(1)
      return Console.log(`[${percent}%] ${done}/${total} rows, ${retries} item retries, ${elapsed} s`)
    })
  )
  yield* Console.log("outcomes:", outcomes) // { ok: 4999, InvalidItem: 1 }: exactly one outcome per row
  const state = yield* Effect.flatMap(Emulator.Emulator, (emulator) => emulator.snapshot)
  yield* Console.log(`the emulator holds ${state.friendships.length} friendships`) // as many as the "ok" outcomes
})

const EmulatorLive = emulatorLive({ client: { retry: { baseDelay: "10 millis" } } })

program.pipe(Effect.scoped, Effect.provide(EmulatorLive), Effect.provide(NodeContext.layer), NodeRuntime.runMain)
