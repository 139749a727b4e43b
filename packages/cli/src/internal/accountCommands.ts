/**
 * `tim account import|check|delete` and `tim profile set-allow-type`: account and profile APIs, called through
 * `TimClient` (they are outside the relationship chain that `Friends` covers).
 */
import { Args, Command } from "@effect/cli"
import {
  AccountCheck,
  AccountDelete,
  Fields,
  Limits,
  MultiAccountImport,
  PortraitSet,
  TimError
} from "@effect-tim/schema"
import { TimClient } from "@effect-tim/transport"
import { Array as Arr, Effect } from "effect"
import { finish } from "./bulk.js"
import * as connection from "./connection.js"
import { withConnection } from "./connection.js"
import { type Subcommand, UsageError } from "./errors.js"
import { errorView, printValue, type Row } from "./output.js"

const accountArgs = Args.text({ name: "account" }).pipe(Args.withDescription("a UserID"), Args.atLeast(1))
const userIdRule = "1 to 32 bytes of A-Z a-z 0-9 _ -"

/** Valid accounts go to `call` in requests of at most 100; invalid ones fail as items without being sent. */
const perAccount = <E, R>(
  accounts: ReadonlyArray<string>,
  call: (batch: Arr.NonEmptyReadonlyArray<Fields.UserId>) => Effect.Effect<ReadonlyArray<Row>, E, R>
): Effect.Effect<Array<Row>, E, R> =>
  Effect.gen(function* () {
    const rows = new Map<string, Row>()
    const valid: Array<Fields.UserId> = []
    for (const account of accounts) {
      if (Fields.isUserId(account)) valid.push(account)
      else {
        rows.set(account, {
          account,
          error: { tag: "InvalidAccount", code: 0, info: `a UserID is ${userIdRule}` }
        })
      }
    }
    for (const batch of Arr.chunksOf(Arr.dedupe(valid), Limits.maxAccountItems)) {
      for (const row of yield* call(batch)) rows.set((row as { readonly account: string }).account, row)
    }
    return accounts.map((account) => rows.get(account)!)
  })

/** One row per requested account from `{UserID, ResultCode, ResultInfo}` answers (a missing answer fails). */
const resultRows = <R extends { readonly userId: string; readonly resultCode: number; readonly resultInfo: string }>(
  batch: ReadonlyArray<string>,
  results: ReadonlyArray<R>,
  outcome: (r: R) => unknown
): Array<Row> => {
  const byId = new Map(results.map((r) => [r.userId, r] as const))
  return batch.map((account): Row => {
    const r = byId.get(account)
    if (r === undefined) {
      return { account, error: { tag: "MissingResult", code: 0, info: "the answer has no result for it" } }
    }
    return r.resultCode === 0
      ? { account, outcome: outcome(r) }
      : { account, error: errorView(TimError.fromCode(r.resultCode, r.resultInfo)) }
  })
}

/** An `ACCOUNT…` command: the accounts sent in requests of at most 100 through `call`, their rows printed. */
const accountCommand = <Name extends string, E>(
  name: Name,
  description: string,
  call: (
    client: TimClient.TimClient.Service,
    batch: Arr.NonEmptyReadonlyArray<Fields.UserId>
  ) => Effect.Effect<ReadonlyArray<Row>, E>
) =>
  Command.make(name, { accounts: accountArgs, ...connection.options }, (o) =>
    Effect.gen(function* () {
      const client = yield* TimClient.TimClient
      const rows = yield* perAccount(o.accounts, (batch) => call(client, batch))
      return yield* finish(o.json, rows)
    }).pipe(withConnection(o))
  ).pipe(Command.withDescription(description))

const accountImport = accountCommand("import", "import accounts (idempotent): ACCOUNT…", (client, batch) =>
  Effect.map(client.call(MultiAccountImport.api, { accounts: batch }), (response) => {
    const failed = new Set(response.failAccounts)
    return batch.map(
      (account): Row =>
        failed.has(account)
          ? { account, error: { tag: "ImportFailed", code: 0, info: "listed in FailAccounts" } }
          : { account, outcome: "Imported" }
    )
  })
)

const accountCheck = accountCommand(
  "check",
  "check whether accounts are imported: ACCOUNT… (outcome Imported or NotImported)",
  (client, batch) =>
    Effect.map(client.call(AccountCheck.api, { checkItems: batch.map((userId) => ({ userId })) }), (response) =>
      resultRows(batch, response.resultItems, (r) => r.accountStatus ?? "Unknown")
    )
)

const accountDelete = accountCommand("delete", "delete accounts: ACCOUNT…", (client, batch) =>
  Effect.map(client.call(AccountDelete.api, { deleteItems: batch.map((userId) => ({ userId })) }), (response) =>
    resultRows(batch, response.resultItems, () => "Deleted")
  )
)

/** `tim account`. */
export const account: Subcommand<"account"> = Command.make("account").pipe(
  Command.withDescription("accounts: import, check, delete"),
  Command.withSubcommands([accountImport, accountCheck, accountDelete])
)

const allowTypes = {
  "need-confirm": "AllowType_Type_NeedConfirm",
  "allow-any": "AllowType_Type_AllowAny",
  "deny-any": "AllowType_Type_DenyAny"
} as const

const setAllowType = Command.make(
  "set-allow-type",
  {
    args: Args.all([
      Args.text({ name: "account" }).pipe(Args.withDescription("the UserID whose profile changes")),
      Args.choice(
        Object.keys(allowTypes).map((k) => [k, k as keyof typeof allowTypes] as const),
        { name: "allow-type" }
      ).pipe(Args.withDescription("need-confirm, allow-any or deny-any"))
    ]),
    ...connection.options
  },
  (o) =>
    Effect.gen(function* () {
      const [accountId, choice] = o.args
      if (!Fields.isUserId(accountId)) {
        return yield* new UsageError({
          message: `invalid account ${JSON.stringify(accountId)}: ${userIdRule}`
        })
      }
      const value = allowTypes[choice]
      const client = yield* TimClient.TimClient
      yield* client.call(PortraitSet.api, {
        fromAccount: accountId,
        profileItems: [{ tag: "Tag_Profile_IM_AllowType", value }]
      })
      yield* printValue(o.json, { account: accountId, allowType: value }, () => `${accountId}: ${value}`)
    }).pipe(withConnection(o))
).pipe(Command.withDescription("set how ACCOUNT accepts friend requests: need-confirm, allow-any or deny-any"))

/** `tim profile`. */
export const profile: Subcommand<"profile"> = Command.make("profile").pipe(
  Command.withDescription("profiles: set-allow-type"),
  Command.withSubcommands([setAllowType])
)
