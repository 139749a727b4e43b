/**
 * Writes per second the emulator answers in memory and with a state file (every write on disk, fsync'd, before
 * its answer; group commit). One process: the emulator in the main thread, 32 concurrent keep-alive clients
 * sending portrait_set (a write that keeps the state's size constant) over 1 000 seeded accounts; rounds
 * alternate between the two modes and each mode's median is printed with the load average.
 *
 * Run: pnpm exec tsx bench/emulator-writes.ts [seconds per round = 3] [rounds = 3]
 */
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import { Emulator } from "../packages/emulator/src/index.js"
import { UserSig } from "../packages/usersig/src/index.js"

const seconds = Number(process.argv[2] ?? 3)
const rounds = Number(process.argv[3] ?? 3)
const concurrency = 32
const accounts = Array.from({ length: 1000 }, (_, i) => `bench_${i}`)

const round = (stateFile: string | undefined) =>
  Effect.scoped(
    Effect.gen(function* () {
      const emulator = yield* Emulator.make({
        ...Emulator.testDefaults,
        rateLimit: 0,
        ...(stateFile === undefined ? {} : { stateFile })
      })
      yield* emulator.seed({ accounts })
      const sig = yield* UserSig.sign({ ...Emulator.testDefaults, identifier: "administrator", expireSeconds: 3600 })
      const url = `${emulator.baseUrl}/v4/profile/portrait_set?sdkappid=${Emulator.testDefaults.sdkAppId}&identifier=administrator&usersig=${encodeURIComponent(sig)}&random=1&contenttype=json`
      return yield* Effect.promise(async () => {
        const end = Date.now() + seconds * 1000
        let ok = 0
        let other = 0
        let n = 0
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (Date.now() < end) {
              const account = accounts[n++ % accounts.length]
              const response = await fetch(url, {
                method: "POST",
                body: JSON.stringify({
                  From_Account: account,
                  ProfileItem: [{ Tag: "Tag_Profile_IM_Nick", Value: `n${n}` }]
                })
              })
              const answer = (await response.json()) as { ErrorCode: number }
              if (answer.ErrorCode === 0) ok++
              else other++
            }
          })
        )
        if (other > 0) throw new Error(`${other} writes were not answered OK`)
        return ok / seconds
      })
    })
  )

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const main = Effect.gen(function* () {
  const dir = yield* Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "tim-bench-writes-")))
  const memory: Array<number> = []
  const file: Array<number> = []
  for (let i = 0; i < rounds; i++) {
    memory.push(yield* round(undefined))
    file.push(yield* round(path.join(dir, `state-${i}.json`)))
  }
  yield* Effect.promise(() => fs.rm(dir, { recursive: true, force: true }))
  const load = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")
  console.log(`portrait_set, ${concurrency} concurrent clients, 1 000 accounts, ${rounds} rounds of ${seconds} s`)
  console.log(
    `in memory:        ${Math.round(median(memory))} writes/s  (rounds: ${memory.map(Math.round).join(", ")})`
  )
  console.log(`with a state file: ${Math.round(median(file))} writes/s  (rounds: ${file.map(Math.round).join(", ")})`)
  console.log(`ratio: ${(median(file) / median(memory)).toFixed(2)}; load average ${load}`)
})

Effect.runPromise(Effect.orDie(main)).catch((error) => {
  console.error(error)
  process.exit(1)
})
