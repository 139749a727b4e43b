/**
 * What start-up relies on: `tim --version` prints this package's own version (the sources read package.json, the
 * bundled bin inlines it at build time, see scripts/build-bin.mjs), and the embedded app's values, written out in
 * connection.ts so that start-up does not load the emulator, are the emulator's built-in test app.
 */

import { spawn } from "node:child_process"
import * as fs from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Emulator } from "@effect-tim/emulator"
import { Effect, Redacted } from "effect"
import * as Cli from "../src/Cli.js"
import { embedded } from "../src/internal/connection.js"
import { binArgs } from "./helpers.js"

const packageVersion = (
  JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { readonly version: string }
).version

describe("start-up", () => {
  it("Cli.version is the version in the CLI's package.json", () => {
    assert.strictEqual(Cli.version, packageVersion)
  })

  it.effect(
    "the real entry point prints the package's version",
    () =>
      Effect.gen(function* () {
        const stdout = yield* Effect.async<string, Error>((resume) => {
          const child = spawn(process.execPath, [...binArgs(), "--version"], { stdio: ["ignore", "pipe", "inherit"] })
          let out = ""
          child.stdout.on("data", (d) => {
            out += d
          })
          child.on("error", (e) => resume(Effect.fail(e)))
          child.on("close", (code) =>
            resume(code === 0 ? Effect.succeed(out) : Effect.fail(new Error(`tim --version exited ${code}`)))
          )
        })
        assert.strictEqual(stdout, `${packageVersion}\n`)
      }),
    60_000
  )

  it("the embedded app is the emulator's built-in test app", () => {
    assert.strictEqual(embedded.sdkAppId, Emulator.testDefaults.sdkAppId)
    assert.strictEqual(Redacted.value(embedded.secretKey), Redacted.value(Emulator.testDefaults.secretKey))
    assert.deepStrictEqual([embedded.identifier], [...Emulator.testDefaults.admins])
  })
})
