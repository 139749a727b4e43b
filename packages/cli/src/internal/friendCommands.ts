/**
 * `tim friend …`, `tim blocklist …` and `tim list …`: the relationship chain through `Friends`.
 */
import { Args, Command, Options } from "@effect/cli"
import { Friends } from "@effect-tim/friends"
import { Limits } from "@effect-tim/schema"
import { Effect, Option, Stream } from "effect"
import * as BulkInput from "../BulkInput.js"
import { type ChunkResult, finish, rowsFailed, rowsOf, runFile } from "./bulk.js"
import * as connection from "./connection.js"
import { withConnection } from "./connection.js"
import { type ItemsFailed, type Subcommand, UsageError } from "./errors.js"
import { printValue, table } from "./output.js"

const accounts = Args.text({ name: "account" }).pipe(Args.repeated)
const direction = (fallback: "single" | "both") =>
  Options.choice("type", ["single", "both"]).pipe(
    Options.withDescription(`one-way (single) or two-way (both); default ${fallback}`),
    Options.withDefault(fallback)
  )
const optionalText = (name: string, description: string) =>
  Options.text(name).pipe(Options.withDescription(description), Options.optional)
const fileOptions = {
  file: optionalText("file", "read from,to[,remark,group,source,wording] rows from a CSV or JSON Lines file"),
  failures: optionalText("failures", "append every failed item to this CSV file (from,to,code,tag,info)"),
  journal: optionalText("journal", "record finished chunks here; a rerun with the same journal skips them"),
  chunkSize: Options.integer("chunk-size").pipe(
    Options.withDescription("items per chunk of a file: one request, one journal entry (1 to 1000, default 1000)"),
    Options.withDefault(Limits.maxItemsPerRequest)
  )
}

/** FROM and at least one TO from the positional arguments. */
const fromAndTargets = (
  args: ReadonlyArray<string>,
  what = "TO"
): Effect.Effect<readonly [string, ReadonlyArray<string>], UsageError> => {
  const [from, ...to] = args
  return from === undefined || to.length === 0
    ? Effect.fail(new UsageError({ message: `give FROM and at least one ${what}` }))
    : Effect.succeed([from, to] as const)
}

const onlyFrom = (args: ReadonlyArray<string>): Effect.Effect<string, UsageError> =>
  args.length === 1 && args[0] !== undefined
    ? Effect.succeed(args[0])
    : Effect.fail(new UsageError({ message: `give exactly one account (FROM), got ${args.length}` }))

type Parsed = connection.Connection & {
  readonly accounts: ReadonlyArray<string>
  readonly file: Option.Option<string>
  readonly failures: Option.Option<string>
  readonly journal: Option.Option<string>
  readonly chunkSize: number
}

/**
 * One batch call of `Friends` for `from` and its targets; `rows` are the file rows behind the targets (same order)
 * when they come from a file, so that per-row values can override the command's options.
 */
type Call<A, E, E2> = (
  friends: Friends.Friends.Service,
  from: string,
  to: ReadonlyArray<string>,
  rows?: ReadonlyArray<BulkInput.Row>
) => Effect.Effect<Friends.BatchResult<A, E>, E2>

/** A call's rows and retries, with a refusal of the whole call turned into a failure of each target. */
const callRows = <A, E, E2>(
  from: string,
  to: ReadonlyArray<string>,
  call: Call<A, E, E2>,
  render: (a: A) => unknown,
  rows?: ReadonlyArray<BulkInput.Row>
): Effect.Effect<ChunkResult, never, Friends.Friends> =>
  Effect.flatMap(Friends.Friends, (f) => call(f, from, to, rows)).pipe(
    Effect.map((result) => ({ rows: rowsOf(from, result, render), retries: result.retries })),
    Effect.catchAll((error) => Effect.succeed({ rows: rowsFailed(from, to, error), retries: 0 }))
  )

/** A call for `FROM TO…` from the command line: its rows printed, the exit code set. */
const direct = <A, E, E2>(
  o: connection.Connection & { readonly accounts: ReadonlyArray<string> },
  call: Call<A, E, E2>,
  render: (a: A) => unknown
): Effect.Effect<void, UsageError | ItemsFailed, Friends.Friends> =>
  Effect.gen(function* () {
    const [from, to] = yield* fromAndTargets(o.accounts)
    const { retries, rows } = yield* callRows(from, to, call, render)
    return yield* finish(o.json, rows, {}, retries)
  })

/** A `FROM TO…` command: one batch call of `Friends`, its rows printed. */
const pairs = <A, E, E2>(
  o: connection.Connection & { readonly accounts: ReadonlyArray<string> },
  call: Call<A, E, E2>,
  render: (a: A) => unknown
) => direct(o, call, render).pipe(withConnection(o))

/** A command that takes `FROM TO…` or `--file F` (one call per chunk of the file). */
const bulk = <A, E, E2>(key: string, o: Parsed, call: Call<A, E, E2>, render: (a: A) => unknown) =>
  Effect.gen(function* () {
    if (Option.isSome(o.file)) {
      if (o.accounts.length > 0) return yield* new UsageError({ message: "give accounts or --file, not both" })
      if (!(o.chunkSize >= 1 && o.chunkSize <= Limits.maxItemsPerRequest)) {
        return yield* new UsageError({ message: `--chunk-size must be 1 to ${Limits.maxItemsPerRequest}` })
      }
      return yield* runFile(
        {
          key: `${key} --chunk-size ${o.chunkSize}`,
          process: (c) =>
            callRows(
              c.from,
              c.rows.map((r) => r.to),
              call,
              render,
              c.rows
            )
        },
        {
          path: o.file.value,
          json: o.json,
          concurrency: o.concurrency,
          failures: o.failures,
          journal: o.journal,
          chunk: { ...BulkInput.defaultChunkOptions, maxItems: o.chunkSize }
        }
      )
    }
    if (Option.isSome(o.journal) || Option.isSome(o.failures)) {
      return yield* new UsageError({ message: "--journal and --failures go with --file" })
    }
    return yield* direct(o, call, render)
  }).pipe(withConnection(o))

const identity = <A>(a: A) => a
const named = (name: string) => () => name

// ---------------------------------------------------------------------------------------------------------------
// friend
// ---------------------------------------------------------------------------------------------------------------

const addFields = {
  remark: optionalText("remark", "the friend's remark (at most 96 bytes)"),
  group: optionalText("group", "a friend list to put the friend in"),
  source: Options.text("source").pipe(
    Options.withDescription("AddSource_Type_ and 1 to 8 letters (default AddSource_Type_Cli)"),
    Options.withDefault("AddSource_Type_Cli")
  ),
  wording: optionalText("wording", "the friend request's wording (at most 256 bytes)")
}

type AddFields = {
  readonly remark: Option.Option<string>
  readonly group: Option.Option<string>
  readonly source: string
  readonly wording: Option.Option<string>
}

/** A friend to add: the file row's values where it has them, otherwise the command's options. */
const addTarget = (o: AddFields, to: string, row?: BulkInput.Row): Friends.AddTarget => ({
  toAccount: to,
  remark: row?.remark ?? Option.getOrUndefined(o.remark),
  groupName: row?.group ?? Option.getOrUndefined(o.group),
  addSource: row?.source ?? o.source,
  addWording: row?.wording ?? Option.getOrUndefined(o.wording)
})

const friendAdd = Command.make(
  "add",
  {
    ...connection.options,
    ...fileOptions,
    ...addFields,
    accounts,
    type: direction("both"),
    force: Options.boolean("force").pipe(Options.withDescription("admin force-add: no pending confirmation"))
  },
  (o) =>
    bulk(
      "friend add",
      o,
      (f, from, to, rows) =>
        f.add(
          from,
          to.map((t, i) => addTarget(o, t, rows?.[i])),
          { type: o.type, force: o.force, addSource: o.source }
        ),
      identity
    )
).pipe(Command.withDescription("add friends: FROM TO… or --file F (outcomes Added, Pending, AlreadyFriends)"))

/** An import item: {@link addTarget} with its list split on `;` (an import may put a friend in several lists). */
const importItem = (o: AddFields, to: string, row?: BulkInput.Row): Friends.ImportItem => {
  const { groupName, ...item } = addTarget(o, to, row)
  return { ...item, groups: groupName === undefined ? undefined : groupName.split(";").filter((g) => g.length > 0) }
}

const friendImport = Command.make("import", { ...connection.options, ...fileOptions, ...addFields, accounts }, (o) =>
  bulk(
    "friend import",
    o,
    (f, from, to, rows) =>
      f.import(
        from,
        to.map((t, i) => importItem(o, t, rows?.[i]))
      ),
    named("Imported")
  )
).pipe(
  Command.withDescription(
    "import one-way friends (admin data load): FROM TO… or --file F; --group a;b for several lists"
  )
)

const friendUpdate = Command.make(
  "update",
  {
    ...connection.options,
    accounts,
    remark: optionalText("remark", "the new remark"),
    groups: Options.text("group").pipe(
      Options.withDescription("a friend list (repeat for several): replaces the friend's lists"),
      Options.repeated
    )
  },
  (o) =>
    Option.isNone(o.remark) && o.groups.length === 0
      ? Effect.fail(new UsageError({ message: "give --remark and/or --group" }))
      : pairs(
          o,
          (f, from, to) =>
            f.update(
              from,
              to.map((t) => ({
                toAccount: t,
                remark: Option.getOrUndefined(o.remark),
                groups: o.groups.length > 0 ? o.groups : undefined
              }))
            ),
          named("Updated")
        )
).pipe(Command.withDescription("change friends' remark and lists: FROM TO… --remark R --group G"))

const friendDelete = Command.make("delete", { ...connection.options, accounts, type: direction("both") }, (o) =>
  pairs(o, (f, from, to) => f.remove(from, to, { type: o.type }), named("Deleted"))
).pipe(Command.withDescription("delete friends: FROM TO…"))

const friendDeleteAll = Command.make("delete-all", { ...connection.options, accounts, type: direction("both") }, (o) =>
  Effect.gen(function* () {
    const from = yield* onlyFrom(o.accounts)
    const friends = yield* Friends.Friends
    yield* friends.removeAll(from, { type: o.type })
    yield* printValue(o.json, { from, outcome: "DeletedAll", type: o.type }, () => `deleted every friend of ${from}`)
  }).pipe(withConnection(o))
).pipe(Command.withDescription("delete all friends of FROM"))

const friendCheck = Command.make(
  "check",
  { ...connection.options, ...fileOptions, accounts, type: direction("both") },
  (o) => bulk("friend check", o, (f, from, to) => f.check(from, to, { type: o.type }), identity)
).pipe(Command.withDescription("check relations: FROM TO… or --file F (outcome: CheckResult_Type_…)"))

const friendGet = Command.make("get", { ...connection.options, accounts }, (o) =>
  Effect.gen(function* () {
    const from = yield* onlyFrom(o.accounts)
    const friends = yield* Friends.Friends
    const list = yield* Stream.runCollect(friends.list(from))
    const items = [...list]
    yield* printValue(o.json, { from, friends: items, summary: { total: items.length } }, () =>
      items.length === 0
        ? `${from} has no friends`
        : `${table(
            ["friend", "remark", "lists", "source", "added"],
            items.map((f) => [
              f.toAccount,
              f.remark ?? "",
              f.groups.join(";"),
              f.addSource ?? "",
              f.addTime === undefined ? "" : new Date(f.addTime * 1000).toISOString()
            ])
          )}\n\n${items.length} friend(s)`
    )
  }).pipe(withConnection(o))
).pipe(Command.withDescription("list FROM's friends with their fields"))

const friendGetList = Command.make(
  "get-list",
  {
    ...connection.options,
    accounts,
    tags: Options.text("tag").pipe(
      Options.withDescription(
        "a tag to read (repeat; default Tag_SNS_IM_Remark, Tag_SNS_IM_Group, Tag_Profile_IM_Nick)"
      ),
      Options.repeated
    )
  },
  (o) => {
    const tags = o.tags.length > 0 ? o.tags : ["Tag_SNS_IM_Remark", "Tag_SNS_IM_Group", "Tag_Profile_IM_Nick"]
    return pairs(o, (f, from, to) => f.getProfiles(from, to, tags), identity)
  }
).pipe(Command.withDescription("read fields of some of FROM's friends: FROM TO… [--tag T]"))

/** `tim friend`. */
export const friend: Subcommand<"friend"> = Command.make("friend").pipe(
  Command.withDescription("friends: add, import, update, delete, check, get"),
  Command.withSubcommands([
    friendAdd,
    friendImport,
    friendUpdate,
    friendDelete,
    friendDeleteAll,
    friendCheck,
    friendGet,
    friendGetList
  ])
)

// ---------------------------------------------------------------------------------------------------------------
// blocklist
// ---------------------------------------------------------------------------------------------------------------

const blocklistAdd = Command.make("add", { ...connection.options, ...fileOptions, accounts }, (o) =>
  bulk("blocklist add", o, (f, from, to) => f.block(from, to), identity)
).pipe(Command.withDescription("block accounts: FROM TO… or --file F"))

const blocklistDelete = Command.make("delete", { ...connection.options, accounts }, (o) =>
  pairs(o, (f, from, to) => f.unblock(from, to), named("Unblocked"))
).pipe(Command.withDescription("unblock accounts: FROM TO…"))

const blocklistCheck = Command.make("check", { ...connection.options, accounts, type: direction("both") }, (o) =>
  pairs(o, (f, from, to) => f.checkBlocked(from, to, { type: o.type }), identity)
).pipe(Command.withDescription("check blocklist relations: FROM TO… (outcome: BlackCheckResult_Type_…)"))

const blocklistGet = Command.make("get", { ...connection.options, accounts }, (o) =>
  Effect.gen(function* () {
    const from = yield* onlyFrom(o.accounts)
    const friends = yield* Friends.Friends
    const items = [...(yield* Stream.runCollect(friends.blocklist(from)))]
    yield* printValue(o.json, { from, blocked: items, summary: { total: items.length } }, () =>
      items.length === 0
        ? `${from} blocks no one`
        : `${table(
            ["blocked", "since"],
            items.map((b) => [b.toAccount, new Date(b.blockedAt * 1000).toISOString()])
          )}\n\n${items.length} blocked`
    )
  }).pipe(withConnection(o))
).pipe(Command.withDescription("list the accounts FROM blocks"))

/** `tim blocklist`. */
export const blocklist: Subcommand<"blocklist"> = Command.make("blocklist").pipe(
  Command.withDescription("blocklists: add, delete, check, get"),
  Command.withSubcommands([blocklistAdd, blocklistDelete, blocklistCheck, blocklistGet])
)

// ---------------------------------------------------------------------------------------------------------------
// list (friend lists)
// ---------------------------------------------------------------------------------------------------------------

const listAdd = Command.make(
  "add",
  {
    ...connection.options,
    accounts,
    members: Options.text("member").pipe(
      Options.withDescription("a friend to put in the new lists (repeat for several)"),
      Options.repeated
    )
  },
  (o) =>
    Effect.gen(function* () {
      const [from, names] = yield* fromAndTargets(o.accounts, "list NAME")
      const friends = yield* Friends.Friends
      const result = yield* friends.addLists(from, names, o.members.length > 0 ? o.members : undefined)
      const rows = rowsOf(from, result.members, named("AddedToLists"))
      return yield* finish(o.json, rows, { lists: names, sequence: result.sequence ?? null }, result.members.retries)
    }).pipe(withConnection(o))
).pipe(Command.withDescription("create friend lists: FROM NAME… [--member ACCOUNT]"))

const listDelete = Command.make("delete", { ...connection.options, accounts }, (o) =>
  Effect.gen(function* () {
    const [from, names] = yield* fromAndTargets(o.accounts, "list NAME")
    const friends = yield* Friends.Friends
    const result = yield* friends.removeLists(from, names)
    yield* printValue(
      o.json,
      { from, deleted: names, sequence: result.sequence ?? null },
      () => `deleted list(s) ${names.join(", ")} of ${from}`
    )
  }).pipe(withConnection(o))
).pipe(Command.withDescription("delete friend lists: FROM NAME…"))

const listGet = Command.make(
  "get",
  {
    ...connection.options,
    accounts,
    members: Options.boolean("members").pipe(Options.withDescription("also list each list's members"))
  },
  (o) =>
    Effect.gen(function* () {
      const [from, ...names] = o.accounts
      if (from === undefined) return yield* new UsageError({ message: "give FROM [NAME…]" })
      const friends = yield* Friends.Friends
      const lists = yield* friends.getLists(from, {
        names: names.length > 0 ? names : undefined,
        withMembers: o.members
      })
      yield* printValue(o.json, { from, lists }, () =>
        lists.length === 0
          ? `${from} has no friend lists`
          : table(
              o.members ? ["list", "size", "members"] : ["list", "size"],
              lists.map((l) => [l.name, String(l.size), ...(o.members ? [(l.members ?? []).join(" ")] : [])])
            )
      )
    }).pipe(withConnection(o))
).pipe(Command.withDescription("show FROM's friend lists: FROM [NAME…] [--members]"))

/** `tim list`. */
export const list: Subcommand<"list"> = Command.make("list").pipe(
  Command.withDescription("friend lists: add, delete, get"),
  Command.withSubcommands([listAdd, listDelete, listGet])
)
