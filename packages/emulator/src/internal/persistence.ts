/**
 * The state file. At start: the path is resolved through symlinks (saves write through to the target), a lock
 * file next to the target is taken (a second emulator on the same file refuses, or waits, naming the holder's
 * pid; a lock whose process is gone is stale and broken), temporary files of earlier crashes are removed, and the
 * file is read and checked (a corrupt or unreadable file is an error, never replaced).
 *
 * Writes are made durable by group commit: a write's answer waits for a save that contains it, and one save (a
 * fresh temporary file, fsync, rename over the target) serves every write that arrived before it began. A save
 * that fails undoes in memory every write since the last good save, so memory never drifts from the file; the
 * writes waiting for it are answered with an error, and stderr says why once until saving works again.
 */

import { randomBytes } from "node:crypto"
import * as fs from "node:fs/promises"
import * as nodePath from "node:path"
import { Effect, Either, Schema, type Scope } from "effect"
import { EmulatorError } from "../EmulatorError.js"
import { describe } from "./decode.js"
import { StateFile } from "./model.js"
import { fromStateFile, toStateFile } from "./snapshot.js"
import { empty, type State } from "./state.js"

const errnoCode = (error: unknown): string =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : String(error)

const decodeFile = Schema.decodeUnknownEither(StateFile)

const writeError = (message: string) => new EmulatorError({ reason: "StateFileWrite", message })

/** The state in `text`, or why it is not a state file. */
const parse = (text: string): State | string => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return "not valid JSON"
  }
  const file = decodeFile(json)
  if (Either.isLeft(file)) return describe(file.left)
  return fromStateFile(file.right)
}

/** Reads a state file; a missing file is no state (undefined). */
export const load = (path: string): Effect.Effect<State | undefined, EmulatorError> =>
  Effect.gen(function* () {
    const text = yield* Effect.tryPromise({
      try: () => fs.readFile(path, "utf8"),
      catch: (error) => error
    }).pipe(
      Effect.catchAll((error) =>
        errnoCode(error) === "ENOENT"
          ? Effect.succeed(undefined)
          : Effect.fail(
              new EmulatorError({
                reason: "StateFileUnreadable",
                message: `cannot read the state file ${path} (${errnoCode(error)}): fix its permissions or pick another file`
              })
            )
      )
    )
    if (text === undefined) return undefined
    const state = parse(text)
    if (typeof state === "string") {
      return yield* new EmulatorError({
        reason: "StateFileCorrupt",
        message: `the state file ${path} is corrupt (${state}); it was left untouched: repair it, move it away or pick another file`
      })
    }
    return state
  })

/** The file a save must replace: the path itself, or the end of its symlink chain (which may not exist yet). */
const resolveTarget = async (path: string): Promise<string> => {
  let current = nodePath.resolve(path)
  for (let hops = 0; hops < 40; hops++) {
    let link: string
    try {
      link = await fs.readlink(current)
    } catch (error) {
      const code = errnoCode(error)
      // Not a symlink, or nothing there yet (ENOTDIR: a parent is a file; writing will say so).
      if (code === "EINVAL" || code === "ENOENT" || code === "ENOTDIR") return current
      throw error
    }
    current = nodePath.resolve(nodePath.dirname(current), link)
  }
  throw Object.assign(new Error("too many symlinks"), { code: "ELOOP" })
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return errnoCode(error) === "EPERM"
  }
}

/** The pid in a lock file's text, or undefined when it holds none (a stale or foreign file). */
const pidOf = (text: string): number | undefined => {
  const pid = Number(text.split("\n")[0])
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
}

type Attempt = { readonly _tag: "Taken" } | { readonly _tag: "Held"; readonly pid: number }

/** One try to take the lock: create it exclusively, or break it if its process is gone. */
const tryLock = async (lockPath: string, content: string): Promise<Attempt> => {
  for (;;) {
    // The lock appears whole or not at all: written aside, then hard-linked into place (link fails if it exists).
    // A lock created empty and written afterwards could be read empty by another process, taken for stale and
    // broken, and then two processes would write the state file (acknowledged writes lost under load).
    const fresh = `${lockPath}.${process.pid}.${randomBytes(4).toString("hex")}.new`
    try {
      await fs.writeFile(fresh, content, { flag: "wx" })
      await fs.link(fresh, lockPath)
      return { _tag: "Taken" }
    } catch (error) {
      if (errnoCode(error) !== "EEXIST") throw error
    } finally {
      await fs.unlink(fresh).catch(() => undefined)
    }
    let text: string
    try {
      text = await fs.readFile(lockPath, "utf8")
    } catch (error) {
      if (errnoCode(error) === "ENOENT") continue // released meanwhile
      throw error
    }
    const pid = pidOf(text)
    if (pid !== undefined && isAlive(pid)) return { _tag: "Held", pid }
    // Stale: move it aside atomically (only one breaker wins the rename), then check that what was moved is the
    // stale lock that was read and not a fresh one taken in between; a fresh one is put back.
    const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString("hex")}.stale`
    try {
      await fs.rename(lockPath, aside)
    } catch (error) {
      if (errnoCode(error) === "ENOENT") continue
      throw error
    }
    const moved = await fs.readFile(aside, "utf8").catch(() => text)
    if (moved !== text) await fs.link(aside, lockPath).catch(() => undefined)
    await fs.unlink(aside).catch(() => undefined)
  }
}

/** Temporary files of this state file: `<name>.<pid>.tmp` (earlier versions) and `<name>.<pid>.<n>.tmp`. */
const isTemporaryOf = (base: string, entry: string): boolean =>
  entry.startsWith(`${base}.`) && /^\.\d+(\.\d+)?\.tmp$/.test(entry.slice(base.length))

/** What the server needs from a state file. */
export interface Store {
  /** The state, loaded from the file (empty when there was none). */
  readonly state: State
  /**
   * Waits until every write made so far is in the file (with `force`, saves even when nothing changed). Succeeds
   * with undefined, or with the reason the save failed, after undoing in memory every write since the last good
   * save.
   */
  readonly commit: (force?: boolean) => Effect.Effect<string | undefined>
}

/** How to open a state file. */
export interface OpenOptions {
  /** How long to wait for another process's lock before refusing (0: refuse at once). */
  readonly lockWaitMillis: number
}

/**
 * Opens a state file for the scope: takes its lock, removes stale temporary files, loads it, and, when the scope
 * closes, saves what is not saved yet and releases the lock.
 */
export const open = (path: string, options: OpenOptions): Effect.Effect<Store, EmulatorError, Scope.Scope> =>
  Effect.gen(function* () {
    const target = yield* Effect.tryPromise({
      try: () => resolveTarget(path),
      catch: (error) => writeError(`cannot resolve the state file ${path} (${errnoCode(error)})`)
    })
    const dir = nodePath.dirname(target)
    const base = nodePath.basename(target)
    const lockPath = `${target}.lock`
    const token = `${process.pid}\n${randomBytes(8).toString("hex")}\n`

    const release = Effect.promise(async () => {
      const text = await fs.readFile(lockPath, "utf8").catch(() => undefined)
      if (text === token) await fs.unlink(lockPath).catch(() => undefined)
    })
    // Lock, clean up and load as one step: a failure after the lock was taken releases it at once.
    const state = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: async () => {
          await fs.mkdir(dir, { recursive: true }).catch((error) => {
            // mkdir says EEXIST when the directory's path is a file.
            throw errnoCode(error) === "EEXIST"
              ? Object.assign(new Error("not a directory"), { code: "ENOTDIR" })
              : error
          })
          const started = Date.now()
          let said = false
          for (;;) {
            const attempt = await tryLock(lockPath, token)
            if (attempt._tag === "Taken") return undefined
            const waited = Date.now() - started
            if (waited >= options.lockWaitMillis) return attempt.pid
            if (!said && waited > 1000) {
              said = true
              process.stderr.write(`emulator: waiting for process ${attempt.pid}, which uses the state file ${path}\n`)
            }
            await new Promise((resolve) => setTimeout(resolve, 25))
          }
        },
        catch: (error) =>
          writeError(
            `cannot write next to the state file ${path} (${errnoCode(error)}): ${
              errnoCode(error) === "ENOTDIR"
                ? `${dir} or one of its parents is not a directory`
                : `make ${dir} writable`
            }, or pick another file`
          )
      }).pipe(
        Effect.flatMap((holder) =>
          holder === undefined
            ? Effect.void
            : Effect.fail(
                new EmulatorError({
                  reason: "StateFileLocked",
                  message: `the state file ${path} is in use by process ${holder} (lock ${lockPath}); stop that emulator, pick another file, or delete the lock if process ${holder} is no emulator`
                })
              )
        ),
        Effect.zipRight(
          Effect.gen(function* () {
            // Nobody else writes this file while we hold the lock: its temporary files are left over from crashes.
            yield* Effect.promise(async () => {
              const entries = await fs.readdir(dir).catch(() => [] as Array<string>)
              await Promise.all(
                entries
                  .filter((entry) => isTemporaryOf(base, entry))
                  .map((entry) => fs.unlink(nodePath.join(dir, entry)).catch(() => undefined))
              )
            })
            return (yield* load(target)) ?? empty()
          }).pipe(Effect.tapError(() => release))
        )
      ),
      () => release
    )
    const store = makeStore(path, target, state)
    yield* Effect.addFinalizer(() =>
      Effect.flatMap(store.commit(false), (failure) =>
        failure === undefined
          ? Effect.void
          : Effect.sync(() => process.stderr.write(`emulator: final save failed: ${failure}\n`))
      )
    )
    return store
  })

interface Waiter {
  readonly version: number
  readonly resume: (failure: string | undefined) => void
}

const makeStore = (path: string, target: string, state: State): Store => {
  let saved = JSON.stringify(toStateFile(state))
  let savedVersion = state.version
  let saving = false
  let forced = false
  let failing = false
  let tmpCounter = 0
  let waiters: Array<Waiter> = []

  const write = async (json: string): Promise<void> => {
    const tmp = `${target}.${process.pid}.${tmpCounter++}.tmp`
    try {
      const handle = await fs.open(tmp, "w")
      try {
        await handle.writeFile(json, "utf8")
        await handle.sync()
      } finally {
        await handle.close()
      }
      await fs.rename(tmp, target)
    } catch (error) {
      await fs.unlink(tmp).catch(() => undefined)
      throw error
    }
    // The rename is durable once the directory is synced (best effort: some file systems refuse to sync one).
    const directory = await fs.open(nodePath.dirname(target), "r").catch(() => undefined)
    if (directory !== undefined)
      await directory
        .sync()
        .catch(() => undefined)
        .finally(() => directory.close())
  }

  /** Undoes every write since the last good save (memory becomes the file again). */
  const rollback = () => {
    const restored = parse(saved)
    if (typeof restored === "string") return // cannot happen: `saved` was produced by toStateFile
    state.accounts.clear()
    for (const [userId, account] of restored.accounts) state.accounts.set(userId, account)
    state.version++
    savedVersion = state.version
  }

  const saveLoop = async (): Promise<void> => {
    while (waiters.length > 0 || forced) {
      const version = state.version
      const batch = waiters
      waiters = []
      const force = forced
      forced = false
      let failure: string | undefined
      if (version !== savedVersion || force) {
        try {
          const json = JSON.stringify(toStateFile(state))
          await write(json)
          saved = json
          savedVersion = version
          if (failing) {
            failing = false
            process.stderr.write(`emulator: the state file ${path} is being saved again\n`)
          }
        } catch (error) {
          failure = `cannot write the state file ${path} (${errnoCode(error)})`
          if (!failing) {
            failing = true
            process.stderr.write(
              `emulator: ${failure}; the writes since the last save are undone and answered with an error until saving works again\n`
            )
          }
          rollback()
          // Writes that arrived during this save were undone too: they fail with the batch.
          batch.push(...waiters)
          waiters = []
        }
      }
      for (const waiter of batch) waiter.resume(failure)
    }
    saving = false
  }

  const kick = () => {
    if (saving) return
    saving = true
    // One macrotask later, so that every write of the current tick joins this save.
    setImmediate(() => {
      void saveLoop()
    })
  }

  return {
    state,
    commit: (force = false) =>
      Effect.async<string | undefined>((resume) => {
        const version = state.version
        if (!force && version === savedVersion && !saving) return resume(Effect.succeed(undefined))
        if (force) forced = true
        waiters.push({ version, resume: (failure) => resume(Effect.succeed(failure)) })
        kick()
      })
  }
}
