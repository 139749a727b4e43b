/**
 * `tim emulator --no-admin` through the real entry point: the admin routes are off, the API still answers.
 */

import { spawn } from "node:child_process"
import * as readline from "node:readline"
import { assert, describe, it } from "@effect/vitest"
import { binArgs } from "./helpers.js"

describe("tim emulator --no-admin", () => {
  it("answers 404 on /_emulator/*; without the flag the same request is answered", async () => {
    for (const [flags, status] of [
      [["--no-admin"], 404],
      [[], 200]
    ] as const) {
      const child = spawn(process.execPath, [...binArgs(), "emulator", ...flags], { stdio: ["ignore", "pipe", "pipe"] })
      try {
        const baseUrl = await new Promise<string>((resolve, reject) => {
          const lines = readline.createInterface({ input: child.stdout! })
          lines.once("line", (line) => {
            lines.close()
            resolve(line)
          })
          child.once("exit", (code) => reject(new Error(`exited with ${code} before printing its URL`)))
        })
        const state = await fetch(`${baseUrl}/_emulator/state`)
        assert.strictEqual(state.status, status, flags.join(" "))
        // The API answers either way (an unsigned request: a Tencent envelope, not a 404).
        const api = (await (
          await fetch(`${baseUrl}/v4/im_open_login_svc/account_check`, { method: "POST", body: "{}" })
        ).json()) as {
          ErrorCode: number
        }
        assert.notStrictEqual(api.ErrorCode, 0)
      } finally {
        child.kill("SIGTERM")
      }
    }
  }, 300_000)
})
