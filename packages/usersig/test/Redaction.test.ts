import { inspect } from "node:util"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Logger, LogLevel, Redacted, TestClock } from "effect"
import { UserSig, UserSigner } from "../src/index.js"
import type { UserSigError } from "../src/UserSigError.js"

const key = "super-secret-key-do-not-leak-7f3a9c"
const secretKey = Redacted.make(key)
const sdkAppId = 1400000000

/** Every way a value might end up in a log or a bug report. */
const renderings = (value: unknown): ReadonlyArray<string> => [
  String(value),
  JSON.stringify(value) ?? "",
  inspect(value, { depth: 10, showHidden: true, getters: true }),
  `${inspect(value)}`
]

describe("secrets stay redacted", () => {
  it.effect("key and sigs appear in no error, log, option, service or claims rendering", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(1_700_000_000_000)
      const logs: Array<string> = []
      const capture = Logger.make(({ annotations, cause, message }) => {
        logs.push(inspect({ annotations, message, cause: Cause.pretty(cause) }, { depth: 10 }))
      })
      const options = { sdkAppId, secretKey, identifier: "alice", expireSeconds: 60 }
      const userSig = yield* UserSig.sign(options)
      const signer = yield* UserSigner.make({ sdkAppId, secretKey })
      const adminSig = yield* signer
        .sign()
        .pipe(Effect.provide(Logger.replace(Logger.defaultLogger, capture)), Logger.withMinimumLogLevel(LogLevel.All))
      assert.isAbove(logs.length, 0, "the signer logs its refreshes")
      const claims = yield* UserSig.verify({ ...options, userSig })

      const failures: ReadonlyArray<Exit.Exit<unknown, UserSigError>> = yield* Effect.all([
        Effect.exit(UserSig.verify({ ...options, userSig, secretKey: Redacted.make("wrong") })),
        Effect.exit(UserSig.verify({ ...options, userSig, identifier: "bob" })),
        Effect.exit(UserSig.verify({ ...options, userSig: `${userSig}x` })),
        Effect.exit(UserSig.verify({ ...options, userSig: userSig.slice(0, 40) })),
        Effect.exit(UserSig.sign({ ...options, identifier: "not valid!" }))
      ])
      for (const exit of failures) {
        assert.isTrue(Exit.isFailure(exit))
        if (Exit.isFailure(exit)) {
          yield* Effect.logError("verification failed", exit.cause).pipe(
            Effect.provide(Logger.replace(Logger.defaultLogger, capture))
          )
        }
      }

      const values: ReadonlyArray<unknown> = [
        options,
        { ...options, userSig: "elided" },
        signer,
        adminSig,
        claims,
        ...failures,
        ...failures.map((exit) => (Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined)),
        ...failures.map((exit) => (Exit.isFailure(exit) ? Cause.pretty(exit.cause) : undefined))
      ]
      const texts = [...values.flatMap(renderings), ...logs]
      const adminPlain = Redacted.value(adminSig)
      for (const text of texts) {
        assert.notInclude(text, key)
        assert.notInclude(text, userSig)
        assert.notInclude(text, adminPlain)
        assert.notInclude(text, userSig.slice(0, 24))
      }
      assert.include(String(adminSig), "<redacted>")
    })
  )
})
