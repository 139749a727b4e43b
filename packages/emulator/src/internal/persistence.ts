/**
 * The state file: read and checked once at start (a corrupt or unreadable file is an error, never replaced), and
 * written by writing a temporary file next to it and renaming it over the old one, so that a crash mid-save
 * never leaves a half-written file.
 */

import * as fs from "node:fs/promises"
import * as nodePath from "node:path"
import { Effect, Either, Schema } from "effect"
import { EmulatorError } from "../EmulatorError.js"
import { describe } from "./decode.js"
import { StateFile } from "./model.js"
import { fromStateFile, toStateFile } from "./snapshot.js"
import type { State } from "./state.js"

const errnoCode = (error: unknown): string =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : String(error)

const decodeFile = Schema.decodeUnknownEither(StateFile)

/** Loads a state file; a missing file is no state (undefined). */
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
    const corrupt = (why: string) =>
      new EmulatorError({
        reason: "StateFileCorrupt",
        message: `the state file ${path} is corrupt (${why}); it was left untouched: repair it, move it away or pick another file`
      })
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return yield* corrupt("not valid JSON")
    }
    const file = decodeFile(json)
    if (Either.isLeft(file)) return yield* corrupt(describe(file.left))
    const state = fromStateFile(file.right)
    if (typeof state === "string") return yield* corrupt(state)
    return state
  })

/** Writes the state atomically (temporary file + rename), creating the directory if needed. */
export const save = (path: string, state: State): Effect.Effect<void, EmulatorError> =>
  Effect.suspend(() => {
    const json = JSON.stringify(toStateFile(state))
    const tmp = `${path}.${process.pid}.tmp`
    return Effect.tryPromise({
      try: async () => {
        await fs.mkdir(nodePath.dirname(path), { recursive: true })
        await fs.writeFile(tmp, json, "utf8")
        await fs.rename(tmp, path)
      },
      catch: (error) =>
        new EmulatorError({
          reason: "StateFileWrite",
          message: `cannot write the state file ${path} (${errnoCode(error)})`
        })
    })
  })
