/**
 * Mint a UserSig for a user, verify it, read its claims, and see the typed errors of a wrong key or user.
 *
 * Run: pnpm exec tsx --conditions=@effect-tim/source examples/usersig.ts
 * (uses TIM_SDKAPPID and TIM_SECRET_KEY when set, else a made-up app)
 */
import { UserSig } from "@effect-tim/usersig"
import { Config, Console, Effect, Redacted } from "effect"

const program = Effect.gen(function* () {
  const sdkAppId = yield* Config.integer("TIM_SDKAPPID").pipe(Config.withDefault(1400000000))
  const secretKey = yield* Config.redacted("TIM_SECRET_KEY").pipe(
    Config.withDefault(Redacted.make("example-secret-key"))
  )

  // Mint: valid for one day from the Clock's current second.
  const userSig = yield* UserSig.sign({ sdkAppId, secretKey, identifier: "alice", expireSeconds: 86_400 })
  // A UserSig is a credential: hand it to alice's client, never log it.
  yield* Console.log(`minted a UserSig for alice (${userSig.length} chars)`)

  // Verify: the claims of a sig signed with this key, for this app and user, not expired.
  const claims = yield* UserSig.verify({ sdkAppId, secretKey, identifier: "alice", userSig })
  yield* Console.log(
    `verified: ${claims.identifier}@${claims.sdkAppId}, valid until ${new Date(claims.expiresAt * 1000).toISOString()}`
  )

  // Every failure is a UserSigError with a `reason` to branch on.
  const wrongKey = yield* UserSig.verify({
    sdkAppId,
    secretKey: Redacted.make("another-key"),
    identifier: "alice",
    userSig
  }).pipe(Effect.flip)
  yield* Console.log(`another key  → ${wrongKey.reason}: ${wrongKey.message}`)
  const wrongUser = yield* UserSig.verify({ sdkAppId, secretKey, identifier: "bob", userSig }).pipe(Effect.flip)
  yield* Console.log(`another user → ${wrongUser.reason}`)
  const invalid = yield* UserSig.sign({ sdkAppId, secretKey, identifier: "not valid!", expireSeconds: 60 }).pipe(
    Effect.flip
  )
  yield* Console.log(`bad UserID   → ${invalid.reason}: ${invalid.message}`)

  // Decode without verifying (diagnostics): what a sig claims about itself.
  const decoded = yield* UserSig.decode(userSig)
  yield* Console.log(`decoded: issued ${decoded.issuedAt}, expires after ${decoded.expireSeconds} s`)
})

Effect.runPromise(program).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
