import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs/promises"
import * as http from "node:http"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Emulator } from "../src/index.js"
import { adminSig, ids, request } from "./helpers.js"

const tempDir = Effect.acquireRelease(
  Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "tim-durability-"))),
  (dir) => Effect.promise(() => fs.rm(dir, { recursive: true, force: true }))
)

const start = (stateFile: string, options?: Partial<Emulator.Options>) =>
  Emulator.make({ ...Emulator.testDefaults, rateLimit: 0, stateFile, ...options })

const importOne = (baseUrl: string, userId: string) =>
  request(baseUrl, "v4/im_open_login_svc/account_import", { UserID: userId }).pipe(Effect.map((r) => r.json))

const userIdsIn = (file: string) =>
  Effect.promise(async () => {
    const saved = JSON.parse(await fs.readFile(file, "utf8")) as { accounts: Array<{ userId: string }> }
    return new Set(saved.accounts.map((a) => a.userId))
  })

/** An emulator in a child process (`Emulator.run`, as `tim emulator` runs it) on `file`; resolves its URL. */
const spawnEmulator = (file: string) =>
  Effect.acquireRelease(
    Effect.async<{ readonly child: ChildProcess; readonly baseUrl: string }>((resume) => {
      const fixture = fileURLToPath(new URL("./fixtures/run.ts", import.meta.url))
      const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@effect-tim/source", fixture, file], {
        stdio: ["ignore", "pipe", "inherit"]
      })
      let out = ""
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString()
        const newline = out.indexOf("\n")
        if (newline >= 0) resume(Effect.succeed({ child, baseUrl: out.slice(0, newline) }))
      })
    }).pipe(Effect.timeout("60 seconds"), Effect.orDie),
    ({ child }) => Effect.sync(() => child.kill("SIGKILL"))
  )

const exited = (child: ChildProcess) =>
  Effect.async<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
    child.once("exit", () => resume(Effect.void))
  })

/** A raw HTTP exchange with chosen headers (fetch cannot set Host). */
const raw = (baseUrl: string, method: string, urlPath: string, headers: Record<string, string>, body?: string) =>
  Effect.async<{ status: number; text: string }>((resume) => {
    const url = new URL(urlPath, baseUrl)
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method, headers, agent: false },
      (res) => {
        let text = ""
        res.on("data", (c: Buffer) => {
          text += c.toString()
        })
        res.on("end", () => resume(Effect.succeed({ status: res.statusCode ?? 0, text })))
      }
    )
    req.on("error", (error) => resume(Effect.die(error)))
    req.end(body)
  })

describe("group commit", () => {
  it.live("an acknowledged write is in the file when its answer arrives", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const file = path.join(yield* tempDir, "state.json")
        const emulator = yield* start(file)
        const accounts = ids(40)
        // Concurrent writes share saves; each answer still finds its own write on disk.
        yield* Effect.forEach(
          accounts,
          (userId) =>
            Effect.gen(function* () {
              const answer = yield* importOne(emulator.baseUrl, userId)
              assert.strictEqual(answer.ErrorCode, 0)
              assert.isTrue((yield* userIdsIn(file)).has(userId), userId)
            }),
          { concurrency: 16, discard: true }
        )
      })
    )
  )

  it.live(
    "kill -9 in the middle of a burst: every write answered OK is in the file after a restart",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const dir = yield* tempDir
          const file = path.join(dir, "state.json")
          const { child, baseUrl } = yield* spawnEmulator(file)
          const accounts = ids(2000, "burst")
          const acknowledged: Array<string> = []
          let failed = 0
          const userSig = yield* adminSig()
          yield* Effect.forEach(
            accounts,
            (userId) =>
              Effect.gen(function* () {
                if (acknowledged.length === 150 && child.exitCode === null) child.kill("SIGKILL")
                const answer = yield* request(
                  baseUrl,
                  "v4/im_open_login_svc/account_import",
                  { UserID: userId },
                  { userSig }
                ).pipe(
                  Effect.map((r) => r.json as { ErrorCode?: number }),
                  Effect.catchAllDefect(() => Effect.succeed(undefined))
                )
                if (answer?.ErrorCode === 0) acknowledged.push(userId)
                else failed++
              }),
            { concurrency: 24, discard: true }
          )
          yield* exited(child)
          assert.isAtLeast(acknowledged.length, 150)
          assert.isAbove(failed, 0, "the kill came before the burst ended")
          // A crash leaves the lock (its process is gone: stale) and maybe a temporary file; add one to be sure.
          const leftover = path.join(dir, "state.json.99999.7.tmp")
          yield* Effect.promise(() => fs.writeFile(leftover, "{partial"))
          assert.isTrue(yield* Effect.promise(() => fs.stat(`${file}.lock`).then(() => true)))
          const restarted = yield* start(file)
          const present = new Set((yield* restarted.snapshot).accounts.map((a) => a.userId))
          const lost = acknowledged.filter((userId) => !present.has(userId))
          assert.deepStrictEqual(lost, [])
          assert.deepStrictEqual((yield* Effect.promise(() => fs.readdir(dir))).sort(), [
            "state.json",
            "state.json.lock"
          ])
        })
      ),
    120_000
  )
})

describe("a write that cannot be saved", () => {
  it.live("is answered with a server error, undone in memory, said once on stderr; saving resumes", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const dir = yield* tempDir
        const file = path.join(dir, "state.json")
        const emulator = yield* start(file)
        const [kept, lost1, lost2, later] = ids(4)
        assert.strictEqual((yield* importOne(emulator.baseUrl, kept)).ErrorCode, 0)
        const said: Array<string> = []
        const write = process.stderr.write.bind(process.stderr)
        yield* Effect.acquireRelease(
          Effect.sync(() => {
            process.stderr.write = ((chunk: string | Uint8Array) => {
              said.push(String(chunk))
              return true
            }) as typeof process.stderr.write
          }),
          () =>
            Effect.sync(() => {
              process.stderr.write = write
            })
        )
        // A non-empty directory where the file was: the rename of every save fails (as root, too).
        yield* Effect.promise(async () => {
          await fs.rm(file)
          await fs.mkdir(path.join(file, "blocker"), { recursive: true })
        })
        const first = yield* importOne(emulator.baseUrl, lost1)
        const second = yield* request(emulator.baseUrl, "v4/sns/friend_add", {
          From_Account: kept,
          AddFriendItem: [{ To_Account: lost2, AddSource: "AddSource_Type_X" }]
        }).pipe(Effect.map((r) => r.json))
        assert.strictEqual(first.ErrorCode, 70500)
        assert.strictEqual(first.ActionStatus, "FAIL")
        assert.include(first.ErrorInfo, "could not be saved")
        assert.strictEqual(second.ErrorCode, 30006) // the sns service's internal-error code
        // Memory is the file again: the unsaved import is gone.
        const accounts = (yield* emulator.snapshot).accounts.map((a) => a.userId)
        assert.deepStrictEqual(accounts, [kept])
        assert.strictEqual(said.filter((line) => line.includes("cannot write the state file")).length, 1)
        assert.include(said.join(""), file)
        // A failed Emulator.save is a typed error.
        const saveError = yield* Effect.flip(emulator.save)
        assert.strictEqual(saveError.reason, "StateFileWrite")
        yield* Effect.promise(() => fs.rm(file, { recursive: true }))
        assert.strictEqual((yield* importOne(emulator.baseUrl, later)).ErrorCode, 0)
        assert.include(said.join(""), "is being saved again")
        assert.deepStrictEqual([...(yield* userIdsIn(file))].sort(), [kept, later].sort())
      })
    )
  )

  it.live("a state path that cannot be written is a start-up error", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const dir = yield* tempDir
        const notADir = path.join(dir, "plain-file")
        yield* Effect.promise(() => fs.writeFile(notADir, "x"))
        const error = yield* Effect.flip(start(path.join(notADir, "state.json")))
        assert.strictEqual(error.reason, "StateFileWrite")
        assert.include(error.message, "ENOTDIR")
      })
    )
  )
})

describe("one emulator per state file", () => {
  it.live("a second emulator refuses, naming the first's pid; after it stopped, the file is free", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const file = path.join(yield* tempDir, "state.json")
        yield* Effect.scoped(
          Effect.gen(function* () {
            yield* start(file)
            const second = yield* Effect.flip(start(file))
            assert.strictEqual(second.reason, "StateFileLocked")
            assert.include(second.message, `process ${process.pid}`)
          })
        )
        yield* start(file)
      })
    )
  )

  it.live(
    "another process's lock: refused at once, or waited for with stateFileLockWait",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const file = path.join(yield* tempDir, "state.json")
          const { child, baseUrl } = yield* spawnEmulator(file)
          const [a] = ids(1)
          assert.strictEqual((yield* importOne(baseUrl, a)).ErrorCode, 0)
          const refused = yield* Effect.flip(start(file))
          assert.strictEqual(refused.reason, "StateFileLocked")
          assert.include(refused.message, `process ${child.pid}`)
          setTimeout(() => child.kill("SIGTERM"), 300)
          const waited = yield* start(file, { stateFileLockWait: "60 seconds" })
          assert.deepStrictEqual(
            (yield* waited.snapshot).accounts.map((x) => x.userId),
            [a]
          )
        })
      ),
    120_000
  )

  it.live("a lock whose process is gone is stale and broken", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const file = path.join(yield* tempDir, "state.json")
        const dead = spawn(process.execPath, ["-e", "0"])
        yield* exited(dead)
        yield* Effect.promise(() => fs.writeFile(`${file}.lock`, `${dead.pid}\nabc\n`))
        const emulator = yield* start(file)
        const lock = yield* Effect.promise(() => fs.readFile(`${file}.lock`, "utf8"))
        assert.strictEqual(lock.split("\n")[0], String(process.pid))
        assert.match(emulator.baseUrl, /^http:/)
      })
    )
  )

  it.live("a symlinked state file stays a symlink; saves go to its target", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const dir = yield* tempDir
        const target = path.join(dir, "real", "state.json")
        const link = path.join(dir, "link.json")
        yield* Effect.promise(async () => {
          await fs.mkdir(path.dirname(target))
          await fs.symlink(target, link)
        })
        const [a] = ids(1)
        yield* Effect.scoped(
          Effect.gen(function* () {
            const emulator = yield* start(link)
            assert.strictEqual((yield* importOne(emulator.baseUrl, a)).ErrorCode, 0)
          })
        )
        assert.isTrue((yield* Effect.promise(() => fs.lstat(link))).isSymbolicLink())
        assert.isTrue((yield* userIdsIn(target)).has(a))
      })
    )
  )
})

describe("admin routes", () => {
  it.live("answer only this server's Host, no foreign Origin, and JSON POSTs; off with admin: false", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const emulator = yield* Emulator.make({ ...Emulator.testDefaults, rateLimit: 0 })
        const port = new URL(emulator.baseUrl).port
        const json = { "content-type": "application/json" }
        const get = (headers: Record<string, string>) => raw(emulator.baseUrl, "GET", "/_emulator/state", headers)
        const reset = (headers: Record<string, string>) =>
          raw(emulator.baseUrl, "POST", "/_emulator/reset", headers, "{}")
        assert.strictEqual((yield* get({ host: `127.0.0.1:${port}` })).status, 200)
        assert.strictEqual((yield* get({ host: `localhost:${port}` })).status, 200)
        const rebound = yield* get({ host: `attacker.example:${port}` })
        assert.strictEqual(rebound.status, 403)
        assert.include(JSON.parse(rebound.text).error, "Host")
        assert.strictEqual((yield* get({ host: `127.0.0.1:${Number(port) + 1}` })).status, 403)
        const foreign = yield* get({ host: `127.0.0.1:${port}`, origin: "http://attacker.example" })
        assert.strictEqual(foreign.status, 403)
        assert.strictEqual((yield* get({ host: `127.0.0.1:${port}`, origin: "null" })).status, 403)
        assert.strictEqual((yield* get({ host: `127.0.0.1:${port}`, origin: `http://localhost:${port}` })).status, 200)
        // A form post (text/plain) is what a page can send without a preflight: refused.
        const form = yield* reset({ host: `127.0.0.1:${port}`, "content-type": "text/plain" })
        assert.strictEqual(form.status, 403)
        assert.include(JSON.parse(form.text).error, "application/json")
        assert.strictEqual((yield* reset({ host: `127.0.0.1:${port}`, ...json })).status, 200)
        assert.strictEqual(
          (yield* raw(emulator.baseUrl, "GET", "/_emulator/stats", { host: `evil:${port}` })).status,
          403
        )

        const closed = yield* Emulator.make({ ...Emulator.testDefaults, rateLimit: 0, admin: false })
        const closedPort = new URL(closed.baseUrl).port
        const off = yield* raw(closed.baseUrl, "GET", "/_emulator/state", { host: `127.0.0.1:${closedPort}` })
        assert.strictEqual(off.status, 404)
        const offPost = yield* raw(
          closed.baseUrl,
          "POST",
          "/_emulator/faults",
          {
            host: `127.0.0.1:${closedPort}`,
            ...json
          },
          JSON.stringify({ http502: 1 })
        )
        assert.strictEqual(offPost.status, 404)
        // The API still answers.
        const [a] = ids(1)
        assert.strictEqual((yield* importOne(closed.baseUrl, a)).ErrorCode, 0)
      })
    )
  )
})
