/**
 * The wire shapes of Tencent's relationship-chain callbacks (`Sns.Callback*`): what Tencent POSTs to the app's
 * callback URL and what the app answers. Shared by `@effect-tim/callbacks` (which receives them) and the emulator
 * (which sends them), decoded to camelCase like the REST schemas.
 *
 * Sources, all Tencent Cloud Chat documentation (product 1047; the same pages are cloud.tencent.com product 269):
 * - 34354 "Third-Party Callback Overview": the URL parameters `SdkAppid`, `CallbackCommand`, `contenttype`,
 *   `ClientIP`, `OptPlatform` (RESTAPI, Web, Android, iOS, Windows, Mac, iPad, Unknown; State.StateChange alone
 *   writes `IOS`); before-callbacks let the app intervene, after-callbacks are notifications whose answer code
 *   Tencent ignores. Its "Security Considerations" section (callback authentication with a token) could not be
 *   read in full here: the `Sign` / `RequestTime` URL parameters are described in `@effect-tim/callbacks`.
 * - 43468 Sns.CallbackPrevFriendAdd, 43467 Sns.CallbackPrevFriendResponse, 34359 Sns.CallbackFriendAdd,
 *   34360 Sns.CallbackFriendDelete, 34361 Sns.CallbackBlackListAdd, 34362 Sns.CallbackBlackListDelete.
 *
 * Every body is hostile input: accounts are plain strings here (a callback naming an invalid UserID still
 * decodes and reaches the app), unknown fields are ignored, and fields a page's sample omits are optional.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { listOr } from "./internal/fields.js"
import { optional, required } from "./internal/wire.js"

/**
 * The relationship-chain callback commands (the `CallbackCommand` URL parameter and body field).
 *
 * @since 0.1.0
 */
export const Command = Schema.Literal(
  "Sns.CallbackPrevFriendAdd",
  "Sns.CallbackPrevFriendResponse",
  "Sns.CallbackFriendAdd",
  "Sns.CallbackFriendDelete",
  "Sns.CallbackBlackListAdd",
  "Sns.CallbackBlackListDelete"
)

/** @since 0.1.0 */
export type Command = typeof Command.Type

/**
 * The before-callbacks: the app's answer decides, per item, whether the action goes ahead.
 *
 * @since 0.1.0
 */
export const beforeCommands: ReadonlyArray<Command> = ["Sns.CallbackPrevFriendAdd", "Sns.CallbackPrevFriendResponse"]

/**
 * The URL query parameters Tencent adds to the callback URL (page 34354). `Sign` and `RequestTime` are present
 * only when the app has configured a callback token.
 *
 * @since 0.1.0
 */
export const QueryParams = {
  sdkAppId: "SdkAppid",
  command: "CallbackCommand",
  contentType: "contenttype",
  clientIp: "ClientIP",
  optPlatform: "OptPlatform",
  sign: "Sign",
  requestTime: "RequestTime"
} as const

const account = (wireName: string) => required(wireName, Schema.String)

const commandField = <C extends Command>(command: C) => required("CallbackCommand", Schema.Literal(command))

/** `EventTime`: milliseconds since the epoch; in the before-callback samples, absent from the after-callback ones. */
const eventTime = optional("EventTime", Schema.Number)

/**
 * One friend request item of Sns.CallbackPrevFriendAdd (`FriendItem[]`, page 43468).
 *
 * @since 0.1.0
 */
export const PrevFriendAddItem = Schema.Struct({
  toAccount: account("To_Account"),
  remark: optional("Remark", Schema.String),
  groupName: optional("GroupName", Schema.String),
  addSource: optional("AddSource", Schema.String),
  addWording: optional("AddWording", Schema.String)
})

/**
 * Sns.CallbackPrevFriendAdd (page 43468): a user asked, from a client, to add friends. Sent when Tencent receives
 * the request; friend_add called through REST does not trigger it. `ForceAddFlags` 1 is an admin's forced add.
 *
 * @since 0.1.0
 */
export const PrevFriendAdd = Schema.Struct({
  command: commandField("Sns.CallbackPrevFriendAdd"),
  requesterAccount: optional("Requester_Account", Schema.String),
  fromAccount: account("From_Account"),
  items: listOr("FriendItem", PrevFriendAddItem),
  addType: optional("AddType", Schema.String),
  forceAddFlags: optional("ForceAddFlags", Schema.Number),
  eventTime
})

/** @since 0.1.0 */
export type PrevFriendAdd = typeof PrevFriendAdd.Type

/**
 * One response item of Sns.CallbackPrevFriendResponse (`ResponseFriendItem[]`, page 43467); `ResponseAction` is
 * `Response_Action_Agree`, `Response_Action_AgreeAndAdd` or `Response_Action_Reject` (kept as a string).
 *
 * @since 0.1.0
 */
export const PrevFriendResponseItem = Schema.Struct({
  toAccount: account("To_Account"),
  remark: optional("Remark", Schema.String),
  tagName: optional("TagName", Schema.String),
  responseAction: optional("ResponseAction", Schema.String)
})

/**
 * Sns.CallbackPrevFriendResponse (page 43467): a user answered friend requests from a client. REST answers do
 * not trigger it. `From_Account` is the user answering; each item's `To_Account` made the request.
 *
 * @since 0.1.0
 */
export const PrevFriendResponse = Schema.Struct({
  command: commandField("Sns.CallbackPrevFriendResponse"),
  requesterAccount: optional("Requester_Account", Schema.String),
  fromAccount: account("From_Account"),
  items: listOr("ResponseFriendItem", PrevFriendResponseItem),
  eventTime
})

/** @since 0.1.0 */
export type PrevFriendResponse = typeof PrevFriendResponse.Type

/**
 * A `{From_Account, To_Account}` pair of the after-callbacks: `From_Account`'s list gained or lost `To_Account`.
 *
 * @since 0.1.0
 */
export const Pair = Schema.Struct({
  fromAccount: account("From_Account"),
  toAccount: account("To_Account")
})

/** @since 0.1.0 */
export type Pair = typeof Pair.Type

/**
 * A pair of Sns.CallbackFriendAdd, with the user who initiated the add (page 34359).
 *
 * @since 0.1.0
 */
export const FriendAddPair = Schema.Struct({
  fromAccount: account("From_Account"),
  toAccount: account("To_Account"),
  initiatorAccount: optional("Initiator_Account", Schema.String)
})

/**
 * Sns.CallbackFriendAdd (page 34359): friendships were added. Triggered by REST friend_add (two-way with a peer
 * that allows anyone, one-way, or forced) and by client adds and accepted requests; NOT by friend_import.
 * `ClientCmd` is `friend_add`/`FriendAdd` for an add, `friend_response`/`FriendResponse` for an accepted request;
 * `Admin_Account` names the admin when REST triggered it (else empty); `ForceFlag` 1 is a forced add.
 *
 * @since 0.1.0
 */
export const FriendAdd = Schema.Struct({
  command: commandField("Sns.CallbackFriendAdd"),
  pairs: listOr("PairList", FriendAddPair),
  clientCmd: optional("ClientCmd", Schema.String),
  adminAccount: optional("Admin_Account", Schema.String),
  forceFlag: optional("ForceFlag", Schema.Number),
  eventTime
})

/** @since 0.1.0 */
export type FriendAdd = typeof FriendAdd.Type

const pairsEvent = <C extends Command>(command: C) =>
  Schema.Struct({ command: commandField(command), pairs: listOr("PairList", Pair), eventTime })

/**
 * Sns.CallbackFriendDelete (page 34360): friendships were deleted, by a client or REST (friend_delete,
 * friend_delete_all). The Chinese page (269/1659) adds: blocking a friend also deletes the friendship and
 * triggers this callback.
 *
 * @since 0.1.0
 */
export const FriendDelete = pairsEvent("Sns.CallbackFriendDelete")

/** @since 0.1.0 */
export type FriendDelete = typeof FriendDelete.Type

/**
 * Sns.CallbackBlackListAdd (page 34361): `From_Account` blocked `To_Account` (client or REST black_list_add).
 *
 * @since 0.1.0
 */
export const BlackListAdd = pairsEvent("Sns.CallbackBlackListAdd")

/** @since 0.1.0 */
export type BlackListAdd = typeof BlackListAdd.Type

/**
 * Sns.CallbackBlackListDelete (page 34362): `From_Account` unblocked `To_Account` (client or REST
 * black_list_delete).
 *
 * @since 0.1.0
 */
export const BlackListDelete = pairsEvent("Sns.CallbackBlackListDelete")

/** @since 0.1.0 */
export type BlackListDelete = typeof BlackListDelete.Type

/**
 * Any relationship-chain callback body, told apart by `CallbackCommand`.
 *
 * @since 0.1.0
 */
export const Body = Schema.Union(
  PrevFriendAdd,
  PrevFriendResponse,
  FriendAdd,
  FriendDelete,
  BlackListAdd,
  BlackListDelete
)

/** @since 0.1.0 */
export type Body = typeof Body.Type

/**
 * The schema of each command's body.
 *
 * @since 0.1.0
 */
export const bodies = {
  "Sns.CallbackPrevFriendAdd": PrevFriendAdd,
  "Sns.CallbackPrevFriendResponse": PrevFriendResponse,
  "Sns.CallbackFriendAdd": FriendAdd,
  "Sns.CallbackFriendDelete": FriendDelete,
  "Sns.CallbackBlackListAdd": BlackListAdd,
  "Sns.CallbackBlackListDelete": BlackListDelete
} as const

/**
 * The after-callbacks' answer (pages 34359-34362): `ActionStatus` OK/FAIL, `ErrorCode` 0 (processed) or 1
 * (failed; Tencent ignores it), `ErrorInfo`.
 *
 * @since 0.1.0
 */
export const Answer = Schema.Struct({
  actionStatus: required("ActionStatus", Schema.Literal("OK", "FAIL")),
  errorCode: required("ErrorCode", Schema.Number),
  errorInfo: Schema.optionalWith(Schema.String, { default: () => "" }).pipe(Schema.fromKey("ErrorInfo"))
})

/** @since 0.1.0 */
export type Answer = typeof Answer.Type

/**
 * One item of a before-callback's answer: `ResultCode` 0 allows the item; any other value refuses it, and the page
 * asks for a value in [{@link minRefuseCode}, {@link maxRefuseCode}].
 *
 * @since 0.1.0
 */
export const ResultItem = Schema.Struct({
  toAccount: account("To_Account"),
  resultCode: required("ResultCode", Schema.Number),
  resultInfo: Schema.optionalWith(Schema.String, { default: () => "" }).pipe(Schema.fromKey("ResultInfo"))
})

/** @since 0.1.0 */
export type ResultItem = typeof ResultItem.Type

/**
 * A before-callback's answer (page 43468; page 43467's answer table was not readable here and is taken to be the
 * same): the envelope plus one `ResultItem` per requested account. A non-zero `ErrorCode` means the app failed to
 * process the callback, which Tencent ignores by default (the action goes ahead).
 *
 * @since 0.1.0
 */
export const DecisionAnswer = Schema.Struct({
  ...Answer.fields,
  resultItems: listOr("ResultItem", ResultItem)
})

/** @since 0.1.0 */
export type DecisionAnswer = typeof DecisionAnswer.Type

/**
 * The lowest refusal `ResultCode` page 43468 allows.
 *
 * @since 0.1.0
 */
export const minRefuseCode = 38000

/**
 * The highest refusal `ResultCode` page 43468 allows.
 *
 * @since 0.1.0
 */
export const maxRefuseCode = 39000

/**
 * The wire answer that acknowledges a callback: `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`.
 *
 * @since 0.1.0
 */
export const ok = { ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "" } as const
