/**
 * `tim friend …`, `tim blocklist …` and `tim list …`: the relationship chain through `Friends`.
 */
import { Args, Command, Options } from "@effect/cli"
import { Friends } from "@effect-tim/friends"
import { Fields, Limits } from "@effect-tim/schema"
import { Effect, Either, Option, ParseResult, Schema, Stream } from "effect"
import * as BulkInput from "../BulkInput.js"
import { type ChunkResult, finish, rowsFailed, rowsOf, runFile } from "./bulk.js"
import * as connection from "./connection.js"
import { withConnection } from "./connection.js"
import { type ItemsFailed, type Subcommand, UsageError } from "./errors.js"
import { printValue, table } from "./output.js"

const fromArg = Args.text({ name: "from" }).pipe(
  Args.withDescription("the account whose relations are read or changed")
)
const toArg = Args.text({ name: "to" }).pipe(Args.withDescription("an account FROM relates to"))
const flat = ([from, to]: readonly [string, ReadonlyArray<string>]): ReadonlyArray<string> => [from, ...to]
/** `FROM TO…`: one FROM and at least one TO. */
const fromTo = Args.all([fromArg, toArg.pipe(Args.atLeast(1))]).pipe(Args.map(flat))
/** `[FROM TO…]` for the commands that also read `--file` (which of the two is given is checked when they run). */
const fromToOrFile = Args.all([fromArg.pipe(Args.optional), toArg.pipe(Args.repeated)]).pipe(
  Args.map(([from, to]) => Option.match(from, { onNone: () => to, onSome: (f) => [f, ...to] }))
)
/** `FROM NAME…` of the list commands. */
const fromNames = (min: 0 | 1) => {
  const name = Args.text({ name: "name" }).pipe(Args.withDescription("a friend list name"))
  return Args.all([fromArg, min === 1 ? name.pipe(Args.atLeast(1)) : name.pipe(Args.repeated)]).pipe(Args.map(flat))
}
const direction = (fallback: "single" | "both") =>
  Options.choice("type", ["single", "both"]).pipe(
    Options.withDescription(`one-way (single) or two-way (both); default ${fallback}`),
    Options.withDefault(fallback)
  )
const optionalText = (name: string, placeholder: string, description: string) =>
  Options.text(name).pipe(Options.withPseudoName(placeholder), Options.withDescription(description), Options.optional)
const fileOptions = {
  file: optionalText("file", "FILE", "read from,to[,remark,group,source,wording] rows from a CSV or JSON Lines file"),
  failures: optionalText("failures", "FILE", "write every failed item to this CSV file (from,to,code,tag,info)"),
  journal: optionalText(
    "journal",
    "FILE",
    "record finished chunks here; a rerun with the same journal, file and options skips them"
  ),
  journalRestart: Options.boolean("journal-restart").pipe(
    Options.withDescription("start the journal (and the failures file) afresh even if they belong to another run")
  ),
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

/** Checks a value that applies to every item before anything is sent: a usage error names the option. */
const check = <A, I>(
  option: string,
  schema: Schema.Schema<A, I>,
  value: Option.Option<string> | string | ReadonlyArray<string>
): Effect.Effect<void, UsageError> => {
  const values = typeof value === "string" ? [value] : Option.isOption(value) ? Option.toArray(value) : value
  for (const v of values) {
    const result = Schema.decodeUnknownEither(schema)(v)
    if (Either.isLeft(result)) {
      const reason = ParseResult.ArrayFormatter.formatErrorSync(result.left)[0]?.message ?? "invalid"
      return Effect.fail(new UsageError({ message: `--${option} ${JSON.stringify(v)}: ${reason}` }))
    }
  }
  return Effect.void
}

type Parsed = connection.Connection & {
  readonly accounts: ReadonlyArray<string>
  readonly file: Option.Option<string>
  readonly failures: Option.Option<string>
  readonly journal: Option.Option<string>
  readonly journalRestart: boolean
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
  json: boolean,
  from: string,
  to: ReadonlyArray<string>,
  call: Call<A, E, E2>,
  render: (a: A) => unknown
): Effect.Effect<void, UsageError | ItemsFailed, Friends.Friends> =>
  Effect.gen(function* () {
    const { retries, rows } = yield* callRows(from, to, call, render)
    return yield* finish(json, rows, {}, retries)
  })

/**
 * A `FROM TO…` command: one batch call of `Friends`, its rows printed. `checks` (the values that apply to every
 * item) run before anything else, so a bad value is a usage error and nothing is sent.
 */
const pairs = <A, E, E2>(
  o: connection.Connection & { readonly accounts: ReadonlyArray<string> },
  checks: Effect.Effect<void, UsageError>,
  call: Call<A, E, E2>,
  render: (a: A) => unknown
) =>
  Effect.gen(function* () {
    yield* checks
    const [from, to] = yield* fromAndTargets(o.accounts)
    return yield* direct(o.json, from, to, call, render).pipe(withConnection(o))
  })

/**
 * A command that takes `FROM TO…` or `--file F` (one call per chunk of the file). `shaping` holds the options
 * that shape its requests: a journal is bound to them (with the command, the target and the file).
 */
const bulk = <A, E, E2>(
  command: string,
  o: Parsed,
  shaping: Record<string, unknown>,
  checks: Effect.Effect<void, UsageError>,
  call: Call<A, E, E2>,
  render: (a: A) => unknown
) =>
  Effect.gen(function* () {
    yield* checks
    if (Option.isSome(o.file)) {
      if (o.accounts.length > 0) return yield* new UsageError({ message: "give FROM TO… or --file, not both" })
      if (!(o.chunkSize >= 1 && o.chunkSize <= Limits.maxItemsPerRequest)) {
        return yield* new UsageError({ message: `--chunk-size must be 1 to ${Limits.maxItemsPerRequest}` })
      }
      const target = yield* connection.target(o)
      return yield* runFile(
        {
          command,
          options: { ...shaping, chunkSize: o.chunkSize },
          target: connection.describeTarget(target),
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
          restart: o.journalRestart,
          chunk: { ...BulkInput.defaultChunkOptions, maxItems: o.chunkSize }
        }
      ).pipe(withConnection(o))
    }
    if (Option.isSome(o.journal) || Option.isSome(o.failures) || o.journalRestart) {
      return yield* new UsageError({ message: "--journal, --journal-restart and --failures go with --file" })
    }
    const [from, to] = yield* fromAndTargets(o.accounts)
    return yield* direct(o.json, from, to, call, render).pipe(withConnection(o))
  })

const identity = <A>(a: A) => a
const named = (name: string) => () => name

// ---------------------------------------------------------------------------------------------------------------
// friend
// ---------------------------------------------------------------------------------------------------------------

const addFields = {
  remark: optionalText("remark", "TEXT", `the friend's remark (at most ${Limits.maxRemarkBytes} bytes)`),
  group: optionalText("group", "NAME", "a friend list to put the friend in"),
  source: Options.text("source").pipe(
    Options.withPseudoName("SOURCE"),
    Options.withDescription("AddSource_Type_ and 1 to 8 letters (default AddSource_Type_Cli)"),
    Options.withDefault("AddSource_Type_Cli")
  ),
  wording: optionalText("wording", "TEXT", `the friend request's wording (at most ${Limits.maxAddWordingBytes} bytes)`)
}

type AddFields = {
  readonly remark: Option.Option<string>
  readonly group: Option.Option<string>
  readonly source: string
  readonly wording: Option.Option<string>
}

/** The add fields checked with the schema's rules; `groups` splits --group on `;` (import's several lists). */
const checkAddFields = (o: AddFields, groups: (group: string) => ReadonlyArray<string> = (g) => [g]) =>
  Effect.all(
    [
      check("remark", Fields.Remark, o.remark),
      check("group", Fields.GroupName, Option.match(o.group, { onNone: () => [], onSome: groups })),
      check("source", Fields.AddSource, o.source),
      check("wording", Fields.AddWording, o.wording)
    ],
    { discard: true }
  )

/** The add fields as a journal binds them. */
const addShaping = (o: AddFields) => ({
  remark: Option.getOrNull(o.remark),
  group: Option.getOrNull(o.group),
  source: o.source,
  wording: Option.getOrNull(o.wording)
})

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
    accounts: fromToOrFile,
    ...addFields,
    type: direction("both"),
    force: Options.boolean("force").pipe(Options.withDescription("admin force-add: no pending confirmation")),
    ...fileOptions,
    ...connection.options
  },
  (o) =>
    bulk(
      "friend add",
      o,
      { ...addShaping(o), type: o.type, force: o.force },
      checkAddFields(o),
      (f, from, to, rows) =>
        f.add(
          from,
          to.map((t, i) => addTarget(o, t, rows?.[i])),
          { type: o.type, force: o.force, addSource: o.source }
        ),
      identity
    )
).pipe(Command.withDescription("add friends: FROM TO… or --file F (outcomes Added, Pending, AlreadyFriends)"))

const splitGroups = (group: string): ReadonlyArray<string> => group.split(";").filter((g) => g.length > 0)

/** An import item: {@link addTarget} with its list split on `;` (an import may put a friend in several lists). */
const importItem = (o: AddFields, to: string, row?: BulkInput.Row): Friends.ImportItem => {
  const { groupName, ...item } = addTarget(o, to, row)
  return { ...item, groups: groupName === undefined ? undefined : splitGroups(groupName) }
}

const friendImport = Command.make(
  "import",
  { accounts: fromToOrFile, ...addFields, ...fileOptions, ...connection.options },
  (o) =>
    bulk(
      "friend import",
      o,
      addShaping(o),
      checkAddFields(o, splitGroups),
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
    accounts: fromTo,
    remark: optionalText("remark", "TEXT", "the new remark"),
    groups: Options.text("group").pipe(
      Options.withPseudoName("NAME"),
      Options.withDescription("a friend list (repeat for several): replaces the friend's lists"),
      Options.repeated
    ),
    ...connection.options
  },
  (o) =>
    pairs(
      o,
      Option.isNone(o.remark) && o.groups.length === 0
        ? Effect.fail(new UsageError({ message: "give --remark and/or --group" }))
        : Effect.zipRight(check("remark", Fields.Remark, o.remark), check("group", Fields.GroupName, o.groups)),
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

const friendDelete = Command.make("delete", { accounts: fromTo, type: direction("both"), ...connection.options }, (o) =>
  pairs(o, Effect.void, (f, from, to) => f.remove(from, to, { type: o.type }), named("Deleted"))
).pipe(Command.withDescription("delete friends: FROM TO…"))

const friendDeleteAll = Command.make(
  "delete-all",
  { from: fromArg, type: direction("both"), ...connection.options },
  (o) =>
    Effect.gen(function* () {
      const friends = yield* Friends.Friends
      yield* friends.removeAll(o.from, { type: o.type })
      yield* printValue(
        o.json,
        { from: o.from, outcome: "DeletedAll", type: o.type },
        () => `deleted every friend of ${o.from}`
      )
    }).pipe(withConnection(o))
).pipe(Command.withDescription("delete all friends of FROM"))

const friendCheck = Command.make(
  "check",
  { accounts: fromToOrFile, type: direction("both"), ...fileOptions, ...connection.options },
  (o) =>
    bulk(
      "friend check",
      o,
      { type: o.type },
      Effect.void,
      (f, from, to) => f.check(from, to, { type: o.type }),
      identity
    )
).pipe(Command.withDescription("check relations: FROM TO… or --file F (outcome: CheckResult_Type_…)"))

const friendGet = Command.make("get", { from: fromArg, ...connection.options }, (o) =>
  Effect.gen(function* () {
    const from = o.from
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
    accounts: fromTo,
    ...connection.options,
    tags: Options.text("tag").pipe(
      Options.withPseudoName("TAG"),
      Options.withDescription(
        "a tag to read (repeat; default Tag_SNS_IM_Remark, Tag_SNS_IM_Group, Tag_Profile_IM_Nick)"
      ),
      Options.repeated
    )
  },
  (o) => {
    const tags = o.tags.length > 0 ? o.tags : ["Tag_SNS_IM_Remark", "Tag_SNS_IM_Group", "Tag_Profile_IM_Nick"]
    return pairs(o, Effect.void, (f, from, to) => f.getProfiles(from, to, tags), identity)
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

const blocklistAdd = Command.make("add", { accounts: fromToOrFile, ...fileOptions, ...connection.options }, (o) =>
  bulk("blocklist add", o, {}, Effect.void, (f, from, to) => f.block(from, to), identity)
).pipe(Command.withDescription("block accounts: FROM TO… or --file F"))

const blocklistDelete = Command.make("delete", { accounts: fromTo, ...connection.options }, (o) =>
  pairs(o, Effect.void, (f, from, to) => f.unblock(from, to), named("Unblocked"))
).pipe(Command.withDescription("unblock accounts: FROM TO…"))

const blocklistCheck = Command.make(
  "check",
  { accounts: fromTo, type: direction("both"), ...connection.options },
  (o) => pairs(o, Effect.void, (f, from, to) => f.checkBlocked(from, to, { type: o.type }), identity)
).pipe(Command.withDescription("check blocklist relations: FROM TO… (outcome: BlackCheckResult_Type_…)"))

const blocklistGet = Command.make("get", { from: fromArg, ...connection.options }, (o) =>
  Effect.gen(function* () {
    const from = o.from
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
    accounts: fromNames(1),
    ...connection.options,
    members: Options.text("member").pipe(
      Options.withPseudoName("ACCOUNT"),
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

const listDelete = Command.make("delete", { accounts: fromNames(1), ...connection.options }, (o) =>
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
    accounts: fromNames(0),
    ...connection.options,
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
