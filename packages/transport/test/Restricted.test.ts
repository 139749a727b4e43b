import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { FriendCheck } from "@effect-tim/schema"
import { Effect, Exit, Layer, Redacted } from "effect"
import { TimClient } from "../src/index.js"
import { checkOk, checkRequest, scripted } from "./fixtures/scripted.js"

const restricted = process.execArgv.includes("--disallow-code-generation-from-strings")

const sources = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : []
  })

describe("no runtime code generation", () => {
  it.runIf(restricted)("this worker refuses code generation from strings (pnpm run test:restricted)", () => {
    assert.throws(() => new Function("return 1"), EvalError)
  })

  it.effect("a call encodes, sends and decodes (every codec built, the fast path included)", () =>
    Effect.gen(function* () {
      const http = scripted([checkOk(["bob"])])
      const exit = yield* Effect.flatMap(TimClient.TimClient, (c) => c.call(FriendCheck.api, checkRequest())).pipe(
        Effect.provide(
          TimClient.layer({
            sdkAppId: 1400000000,
            secretKey: Redacted.make("k".repeat(32)),
            endpoint: "https://x"
          }).pipe(Layer.provide(http.layer))
        ),
        Effect.exit
      )
      assert.isTrue(Exit.isSuccess(exit))
    })
  )

  it("no package source calls new Function or eval", () => {
    const root = join(import.meta.dirname, "..", "..")
    const offenders = readdirSync(root)
      .map((pkg) => join(root, pkg, "src"))
      .filter((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true)
      .flatMap(sources)
      .filter((file) => /\bnew Function\s*\(|(?<![.\w])eval\s*\(/.test(readFileSync(file, "utf8")))
    assert.deepStrictEqual(offenders, [])
  })
})
