/**
 * `tim usersig gen|verify|decode`.
 */
import { Args, Command, Options } from "@effect/cli"
import { UserSig, UserSigner } from "@effect-tim/usersig"
import { Config, Console, Effect } from "effect"
import type { Subcommand } from "./errors.js"
import { table } from "./output.js"

const sdkAppId = Options.integer("sdkappid").pipe(
  Options.withDescription("the app's SDKAppID"),
  Options.withFallbackConfig(Config.integer("TIM_SDKAPPID"))
)
const secretKey = Options.redacted("secret-key").pipe(
  Options.withDescription("the app's secret key; prefer the variable (a command line is visible to others)"),
  Options.withFallbackConfig(Config.redacted("TIM_SECRET_KEY"))
)
const identifier = Options.text("identifier").pipe(
  Options.withDescription("the UserID (default administrator)"),
  Options.withFallbackConfig(Config.string("TIM_IDENTIFIER")),
  Options.withDefault(UserSigner.defaultIdentifier)
)
/** The app and the user a UserSig is signed or verified for, as `UserSig.sign` and `UserSig.verify` take them. */
const app = { sdkAppId, secretKey, identifier }
const json = Options.boolean("json").pipe(Options.withDescription("print one JSON object on stdout"))
const userSigArg = Args.text({ name: "usersig" }).pipe(Args.withDescription("the UserSig to read"))

const claimsView = (claims: UserSig.Claims) => ({
  identifier: claims.identifier,
  sdkAppId: claims.sdkAppId,
  issuedAt: claims.issuedAt,
  expireSeconds: claims.expireSeconds,
  expiresAt: claims.expiresAt,
  ...(claims.userBuf === undefined ? {} : { userBuf: Buffer.from(claims.userBuf).toString("base64") })
})

const claimsText = (claims: UserSig.Claims) => {
  const view = claimsView(claims)
  const iso = (s: number) => new Date(s * 1000).toISOString()
  return table(
    ["claim", "value"],
    [
      ["identifier", view.identifier],
      ["sdkAppId", String(view.sdkAppId)],
      ["issuedAt", `${view.issuedAt} (${iso(view.issuedAt)})`],
      ["expireSeconds", String(view.expireSeconds)],
      ["expiresAt", `${view.expiresAt} (${iso(view.expiresAt)})`],
      ...(view.userBuf === undefined ? [] : [["userBuf", view.userBuf]])
    ]
  )
}

const gen = Command.make(
  "gen",
  {
    app,
    json,
    expire: Options.integer("expire").pipe(
      Options.withDescription("validity in seconds (default 86400)"),
      Options.withDefault(UserSigner.defaultExpireSeconds)
    )
  },
  (o) =>
    Effect.gen(function* () {
      const userSig = yield* UserSig.sign({ ...o.app, expireSeconds: o.expire })
      const claims = yield* UserSig.decode(userSig)
      // The UserSig is what the user asked for: print it, and nothing else, on stdout.
      yield* Console.log(o.json ? JSON.stringify({ userSig, ...claimsView(claims) }) : userSig)
    })
).pipe(Command.withDescription("sign a UserSig for an identifier"))

const verify = Command.make("verify", { app, json, userSig: userSigArg }, (o) =>
  Effect.gen(function* () {
    const claims = yield* UserSig.verify({ ...o.app, userSig: o.userSig })
    yield* Console.log(o.json ? JSON.stringify({ valid: true, ...claimsView(claims) }) : `valid\n${claimsText(claims)}`)
  })
).pipe(Command.withDescription("verify a UserSig (exits 1 with the reason when it is not valid)"))

const decode = Command.make("decode", { json, userSig: userSigArg }, (o) =>
  Effect.gen(function* () {
    const claims = yield* UserSig.decode(o.userSig)
    yield* Console.log(o.json ? JSON.stringify(claimsView(claims)) : claimsText(claims))
  })
).pipe(Command.withDescription("read a UserSig's claims without checking its signature"))

/** `tim usersig`. */
export const command: Subcommand<"usersig"> = Command.make("usersig").pipe(
  Command.withDescription("sign, verify and decode UserSigs"),
  Command.withSubcommands([gen, verify, decode])
)
