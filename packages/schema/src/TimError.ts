/**
 * One typed error class per documented Tencent Cloud Chat error code, and the single code ↔ class table
 * that the client uses to decode failures and the emulator uses to encode them.
 *
 * @since 0.1.0
 */
import { Predicate, Schema } from "effect"

/**
 * How a caller should react to a code:
 * - `retryable`: transient server fault, retry with the normal backoff;
 * - `backoff`: a frequency limit or security filter, retry after a longer backoff;
 * - `resign`: the UserSig expired, mint a new one and retry once;
 * - `final`: retrying cannot help.
 *
 * @since 0.1.0
 */
export type RetryClass = "retryable" | "backoff" | "resign" | "final"

/**
 * The static side shared by every error class: its code, meaning and retry class.
 *
 * @since 0.1.0
 */
export interface TimErrorClass<Tag extends string = string, Code extends number = number> {
  new (props: { readonly info: string }): TimErrorInstance<Tag, Code>
  readonly _tag: Tag
  readonly code: Code
  readonly meaning: string
  readonly retry: RetryClass
  /** Minimum delay before a retry, where Tencent documents one (70050: one minute). */
  readonly minRetryDelayMillis: number
}

/**
 * What every decoded Tencent error looks like.
 *
 * @since 0.1.0
 */
export interface TimErrorInstance<Tag extends string = string, Code extends number = number> extends Error {
  readonly _tag: Tag
  readonly code: Code
  readonly info: string
}

const codeField = <const Code extends number>(code: Code) =>
  Schema.Literal(code).pipe(
    Schema.propertySignature,
    Schema.withConstructorDefault(() => code)
  )

interface Statics<Code extends number> {
  readonly code: Code
  readonly meaning: string
  readonly retry: RetryClass
  readonly minRetryDelayMillis: number
}

type CodeFields<Code extends number> = {
  readonly code: ReturnType<typeof codeField<Code>>
  readonly info: typeof Schema.String
}

const make =
  <Self>() =>
  <const Tag extends string, const Code extends number>(
    tag: Tag,
    code: Code,
    meaning: string,
    retry: RetryClass,
    minRetryDelayMillis = 0
  ): Schema.TaggedErrorClass<Self, Tag, { readonly _tag: Schema.tag<Tag> } & CodeFields<Code>> & Statics<Code> => {
    // `Schema.TaggedError<Self>()` cannot resolve its conditional type while `Self` is generic: name the class type.
    const Base: Schema.TaggedErrorClass<Self, Tag, { readonly _tag: Schema.tag<Tag> } & CodeFields<Code>> =
      Schema.TaggedError<any>(`@effect-tim/schema/TimError/${tag}`)(tag, {
        code: codeField(code),
        info: Schema.String
      }) as any
    return class TimCodeError extends Base {
      static readonly code: Code = code
      static readonly meaning: string = meaning
      static readonly retry: RetryClass = retry
      static readonly minRetryDelayMillis: number = minRetryDelayMillis
      override get message(): string {
        return formatMessage(tag, code, meaning, this.info)
      }
    }
  }

const formatMessage = (tag: string, code: number, meaning: string, info: string): string =>
  info.length > 0 && info !== "0" ? `${tag} (${code}): ${meaning} [${info}]` : `${tag} (${code}): ${meaning}`

// ---------------------------------------------------------------------------------------------------------------
// Relationship chain (sns) codes
// ---------------------------------------------------------------------------------------------------------------

/** 30001: illegal request parameters; also "already exists" (friend add, blocklist add). @since 0.1.0 */
export class InvalidParameters extends make<InvalidParameters>()(
  "InvalidParameters",
  30001,
  "invalid request parameters",
  "final"
) {}
/** 30002: the SDKAppID does not match, or the requested account is illegal. @since 0.1.0 */
export class SdkAppIdIllegal extends make<SdkAppIdIllegal>()(
  "SdkAppIdIllegal",
  30002,
  "the SDKAppID does not match or the requested account is illegal",
  "final"
) {}
/** 30003: the requested account has not been imported into Chat. @since 0.1.0 */
export class AccountNotFound extends make<AccountNotFound>()(
  "AccountNotFound",
  30003,
  "the account has not been imported",
  "final"
) {}
/** 30004: the call needs an App admin identifier (sns wording of 60010). @since 0.1.0 */
export class SnsAdminRequired extends make<SnsAdminRequired>()(
  "SnsAdminRequired",
  30004,
  "the request requires App admin permission",
  "final"
) {}
/** 30005: a relationship field contains sensitive words (or follow is not enabled). @since 0.1.0 */
export class SensitiveContent extends make<SensitiveContent>()(
  "SensitiveContent",
  30005,
  "a relationship field contains sensitive words",
  "final"
) {}
/** 30006: internal server error; retry. @since 0.1.0 */
export class ServerInternalError extends make<ServerInternalError>()(
  "ServerInternalError",
  30006,
  "internal server error, retry",
  "retryable"
) {}
/** 30007: server or network timeout; retry later. @since 0.1.0 */
export class ServerTimeout extends make<ServerTimeout>()(
  "ServerTimeout",
  30007,
  "server timeout, retry later",
  "retryable"
) {}
/** 30008: concurrent writes to one account conflicted; serialise writes per account and retry. @since 0.1.0 */
export class WriteConflict extends make<WriteConflict>()(
  "WriteConflict",
  30008,
  "concurrent writes to one account conflicted",
  "retryable"
) {}
/** 30009: the backend forbids this user from sending friend requests. @since 0.1.0 */
export class FriendRequestForbidden extends make<FriendRequestForbidden>()(
  "FriendRequestForbidden",
  30009,
  "this user is forbidden to send friend requests",
  "final"
) {}
/** 30010: the account's own friend count reached the limit (3000). @since 0.1.0 */
export class FriendLimitReached extends make<FriendLimitReached>()(
  "FriendLimitReached",
  30010,
  "the account's friend count reached the limit",
  "final"
) {}
/** 30011: the number of friend lists reached the limit (32). @since 0.1.0 */
export class FriendListLimitReached extends make<FriendListLimitReached>()(
  "FriendListLimitReached",
  30011,
  "the number of friend lists reached the limit",
  "final"
) {}
/** 30012: pending friend requests reached the limit (100). @since 0.1.0 */
export class PendingLimitReached extends make<PendingLimitReached>()(
  "PendingLimitReached",
  30012,
  "pending friend requests reached the limit",
  "final"
) {}
/** 30013: the blocklist reached the limit (1000). @since 0.1.0 */
export class BlocklistLimitReached extends make<BlocklistLimitReached>()(
  "BlocklistLimitReached",
  30013,
  "the blocklist reached the limit",
  "final"
) {}
/** 30014: the peer's friend count reached the limit. @since 0.1.0 */
export class PeerFriendLimitReached extends make<PeerFriendLimitReached>()(
  "PeerFriendLimitReached",
  30014,
  "the peer's friend count reached the limit",
  "final"
) {}
/** 30515: the peer is in your blocklist, so it cannot be added. @since 0.1.0 */
export class TargetInBlocklist extends make<TargetInBlocklist>()(
  "TargetInBlocklist",
  30515,
  "the peer is in your blocklist",
  "final"
) {}
/** 30516: the peer's AllowType is DenyAny. @since 0.1.0 */
export class AddDenied extends make<AddDenied>()(
  "AddDenied",
  30516,
  "the peer does not accept friend requests",
  "final"
) {}
/** 30525: you are in the peer's blocklist. @since 0.1.0 */
export class BlockedByTarget extends make<BlockedByTarget>()(
  "BlockedByTarget",
  30525,
  "you are in the peer's blocklist",
  "final"
) {}
/** 30539: the request is pending the peer's confirmation (AllowType NeedConfirm); a success in disguise. @since 0.1.0 */
export class PendingConfirmation extends make<PendingConfirmation>()(
  "PendingConfirmation",
  30539,
  "the friend request is waiting for the peer's confirmation",
  "final"
) {}
/** 30540: too many friend requests in a short time; filtered by security policy. @since 0.1.0 */
export class FriendRequestsThrottled extends make<FriendRequestsThrottled>()(
  "FriendRequestsThrottled",
  30540,
  "too many friend requests in a short time",
  "backoff"
) {}
/** 30614: the friend request to process does not exist. @since 0.1.0 */
export class FriendRequestNotFound extends make<FriendRequestNotFound>()(
  "FriendRequestNotFound",
  30614,
  "the friend request does not exist",
  "final"
) {}
/** 31704: the account to delete is not a friend. @since 0.1.0 */
export class NotFriend extends make<NotFriend>()("NotFriend", 31704, "the account is not a friend", "final") {}
/** 31707: deletions filtered by security policy; do not delete so often. @since 0.1.0 */
export class DeleteThrottled extends make<DeleteThrottled>()(
  "DeleteThrottled",
  31707,
  "deletions are too frequent",
  "backoff"
) {}
/** 31804: the pending request to delete does not exist. @since 0.1.0 */
export class PendingRequestNotFound extends make<PendingRequestNotFound>()(
  "PendingRequestNotFound",
  31804,
  "the pending request does not exist",
  "final"
) {}
/** 32216: the account put into a friend list is not a friend. @since 0.1.0 */
export class ListMemberNotFriend extends make<ListMemberNotFriend>()(
  "ListMemberNotFriend",
  32216,
  "the account is not a friend, so it cannot be put in a list",
  "final"
) {}

// ---------------------------------------------------------------------------------------------------------------
// Profile codes (40xxx): portrait_set and portrait_get answer these, not the account APIs' 70xxx
// ---------------------------------------------------------------------------------------------------------------

/** 40001: the profile request is malformed (`Err_Profile_Comm_Decode_Fail`). @since 0.1.0 */
export class ProfileInvalidRequest extends make<ProfileInvalidRequest>()(
  "ProfileInvalidRequest",
  40001,
  "invalid profile request parameters",
  "final"
) {}
/** 40002: the request names no account whose profile to read. @since 0.1.0 */
export class ProfileAccountMissing extends make<ProfileAccountMissing>()(
  "ProfileAccountMissing",
  40002,
  "the request names no account whose profile to read",
  "final"
) {}
/** 40003: the requested account does not exist (has not been imported). @since 0.1.0 */
export class ProfileAccountNotFound extends make<ProfileAccountNotFound>()(
  "ProfileAccountNotFound",
  40003,
  "the requested account does not exist",
  "final"
) {}
/** 40004: the profile request needs an App admin identifier. @since 0.1.0 */
export class ProfileAdminRequired extends make<ProfileAdminRequired>()(
  "ProfileAdminRequired",
  40004,
  "the request requires App admin permission",
  "final"
) {}
/** 40005: a profile field contains sensitive words. @since 0.1.0 */
export class ProfileSensitiveContent extends make<ProfileSensitiveContent>()(
  "ProfileSensitiveContent",
  40005,
  "a profile field contains sensitive words",
  "final"
) {}
/** 40006: internal server error of the profile service; retry later. @since 0.1.0 */
export class ProfileServerError extends make<ProfileServerError>()(
  "ProfileServerError",
  40006,
  "internal server error, retry later",
  "retryable"
) {}
/** 40007: no permission to read a profile field. @since 0.1.0 */
export class ProfileReadForbidden extends make<ProfileReadForbidden>()(
  "ProfileReadForbidden",
  40007,
  "no permission to read the profile field",
  "final"
) {}
/** 40008: no permission to write a profile field. @since 0.1.0 */
export class ProfileWriteForbidden extends make<ProfileWriteForbidden>()(
  "ProfileWriteForbidden",
  40008,
  "no permission to write the profile field",
  "final"
) {}
/** 40009: the profile field's tag does not exist (not standard, or a custom field the app did not configure). @since 0.1.0 */
export class ProfileTagNotFound extends make<ProfileTagNotFound>()(
  "ProfileTagNotFound",
  40009,
  "the profile field's tag does not exist",
  "final"
) {}
/** 40601: a profile field's value is longer than its limit (500 bytes). @since 0.1.0 */
export class ProfileValueTooLong extends make<ProfileValueTooLong>()(
  "ProfileValueTooLong",
  40601,
  "the profile field's value exceeds its length limit",
  "final"
) {}
/** 40605: a standard profile field's value is not one it accepts. @since 0.1.0 */
export class ProfileValueInvalid extends make<ProfileValueInvalid>()(
  "ProfileValueInvalid",
  40605,
  "invalid value of a standard profile field",
  "final"
) {}
/** 40610: a standard profile field's value has the wrong type (a string where a number belongs, or the reverse). @since 0.1.0 */
export class ProfileValueTypeInvalid extends make<ProfileValueTypeInvalid>()(
  "ProfileValueTypeInvalid",
  40610,
  "invalid value type of a profile field",
  "final"
) {}

// ---------------------------------------------------------------------------------------------------------------
// Public REST codes (600xx)
// ---------------------------------------------------------------------------------------------------------------

/** 60002: the HTTP request could not be parsed; check the URL. @since 0.1.0 */
export class HttpParseError extends make<HttpParseError>()(
  "HttpParseError",
  60002,
  "the HTTP request could not be parsed, check the URL",
  "final"
) {}
/** 60003: the request body is not valid JSON. @since 0.1.0 */
export class InvalidJsonBody extends make<InvalidJsonBody>()(
  "InvalidJsonBody",
  60003,
  "the request body is not valid JSON",
  "final"
) {}
/** 60004: account or signature error in the URL. @since 0.1.0 */
export class UrlAccountError extends make<UrlAccountError>()(
  "UrlAccountError",
  60004,
  "account or signature error in the URL",
  "final"
) {}
/** 60005: account or signature error in the JSON body. @since 0.1.0 */
export class BodyAccountError extends make<BodyAccountError>()(
  "BodyAccountError",
  60005,
  "account or signature error in the request body",
  "final"
) {}
/** 60006: the SDKAppID is invalid. @since 0.1.0 */
export class InvalidSdkAppId extends make<InvalidSdkAppId>()(
  "InvalidSdkAppId",
  60006,
  "the SDKAppID is invalid",
  "final"
) {}
/** 60007: the API's call frequency limit was exceeded. @since 0.1.0 */
export class ApiRateLimited extends make<ApiRateLimited>()(
  "ApiRateLimited",
  60007,
  "the API's call frequency limit was exceeded",
  "backoff"
) {}
/** 60008: the service timed out, or the HTTP request was malformed; retry. @since 0.1.0 */
export class ServiceTimeout extends make<ServiceTimeout>()(
  "ServiceTimeout",
  60008,
  "the service timed out, retry",
  "retryable"
) {}
/** 60009: the requested resource (service or command) does not exist. @since 0.1.0 */
export class UnknownCommand extends make<UnknownCommand>()(
  "UnknownCommand",
  60009,
  "the requested resource does not exist, check the URL",
  "final"
) {}
/** 60010: the request needs an App admin identifier. @since 0.1.0 */
export class AdminRequired extends make<AdminRequired>()(
  "AdminRequired",
  60010,
  "the request requires App admin permission",
  "final"
) {}
/** 60011: the SDKAppID's call frequency limit was exceeded. @since 0.1.0 */
export class AppRateLimited extends make<AppRateLimited>()(
  "AppRateLimited",
  60011,
  "the SDKAppID's call frequency limit was exceeded",
  "backoff"
) {}
/** 60012: the URL has no sdkappid. @since 0.1.0 */
export class SdkAppIdMissing extends make<SdkAppIdMissing>()(
  "SdkAppIdMissing",
  60012,
  "the URL has no sdkappid",
  "final"
) {}
/** 60013: the service failed to parse its own response JSON (internal); retry. @since 0.1.0 */
export class ResponseJsonError extends make<ResponseJsonError>()(
  "ResponseJsonError",
  60013,
  "internal response JSON error, retry",
  "retryable"
) {}
/** 60014: account switching timed out; retry. @since 0.1.0 */
export class AccountSwitchTimeout extends make<AccountSwitchTimeout>()(
  "AccountSwitchTimeout",
  60014,
  "account check timed out, retry",
  "retryable"
) {}
/** 60015: an account in the body is not a string. @since 0.1.0 */
export class AccountNotString extends make<AccountNotString>()(
  "AccountNotString",
  60015,
  "an account in the request body must be a string",
  "final"
) {}
/** 60016: the SDKAppID is disabled. @since 0.1.0 */
export class AppDisabled extends make<AppDisabled>()("AppDisabled", 60016, "the SDKAppID is disabled", "final") {}
/** 60017: the request is disabled. @since 0.1.0 */
export class RequestDisabled extends make<RequestDisabled>()(
  "RequestDisabled",
  60017,
  "the request is disabled",
  "final"
) {}
/** 60018: too many requests; try later. @since 0.1.0 */
export class TooManyRequests extends make<TooManyRequests>()(
  "TooManyRequests",
  60018,
  "too many requests, try later",
  "backoff"
) {}
/** 60019: too many requests; try later. @since 0.1.0 */
export class TooManyRequestsLater extends make<TooManyRequestsLater>()(
  "TooManyRequestsLater",
  60019,
  "too many requests, try later",
  "backoff"
) {}
/** 60020: the plan expired or is disabled, or the service is unavailable. @since 0.1.0 */
export class PlanUnavailable extends make<PlanUnavailable>()(
  "PlanUnavailable",
  60020,
  "the plan expired or is disabled",
  "final"
) {}
/** 60021: the source IP of the REST call is not allowed. @since 0.1.0 */
export class SourceIpDenied extends make<SourceIpDenied>()(
  "SourceIpDenied",
  60021,
  "the source IP of the REST call is not allowed",
  "final"
) {}
/** 60025: sdkappid, identifier, usersig or contenttype in the URL is wrong. @since 0.1.0 */
export class InvalidUrlParameters extends make<InvalidUrlParameters>()(
  "InvalidUrlParameters",
  60025,
  "the sdkappid, identifier, usersig or contenttype URL parameter is wrong",
  "final"
) {}
/** 60026: the domain does not match the app's data center: check the region. @since 0.1.0 */
export class DomainMismatch extends make<DomainMismatch>()(
  "DomainMismatch",
  60026,
  "the domain does not match the app's data center: check the region (or endpoint) the client is configured with",
  "final"
) {}
/** 60027: access to non-TPush product resources is not allowed. @since 0.1.0 */
export class ProductForbidden extends make<ProductForbidden>()(
  "ProductForbidden",
  60027,
  "access to this product's resources is not allowed",
  "final"
) {}
/** 60028: the Trial Edition's 24-hour request volume was exceeded. @since 0.1.0 */
export class TrialQuotaExceeded extends make<TrialQuotaExceeded>()(
  "TrialQuotaExceeded",
  60028,
  "the Trial Edition's daily REST request volume was exceeded",
  "final"
) {}

// ---------------------------------------------------------------------------------------------------------------
// Account and UserSig codes (70xxx, 71000, 72xxx)
// ---------------------------------------------------------------------------------------------------------------

/** 70001: the UserSig expired; re-sign and retry. @since 0.1.0 */
export class UserSigExpired extends make<UserSigExpired>()("UserSigExpired", 70001, "the UserSig expired", "resign") {}
/** 70003: the UserSig is illegal (cannot be parsed). @since 0.1.0 */
export class UserSigIllegal extends make<UserSigIllegal>()(
  "UserSigIllegal",
  70003,
  "the UserSig is illegal and cannot be parsed",
  "final"
) {}
/** 70009: the UserSig failed verification (probably signed with another app's key). @since 0.1.0 */
export class UserSigVerificationFailed extends make<UserSigVerificationFailed>()(
  "UserSigVerificationFailed",
  70009,
  "the UserSig failed verification: check the secret key",
  "final"
) {}
/** 70013: the identifier in the URL differs from the UserSig's. @since 0.1.0 */
export class UserSigIdentifierMismatch extends make<UserSigIdentifierMismatch>()(
  "UserSigIdentifierMismatch",
  70013,
  "the identifier does not match the UserSig's",
  "final"
) {}
/** 70014: the SDKAppID in the URL differs from the UserSig's. @since 0.1.0 */
export class UserSigSdkAppIdMismatch extends make<UserSigSdkAppIdMismatch>()(
  "UserSigSdkAppIdMismatch",
  70014,
  "the SDKAppID does not match the UserSig's",
  "final"
) {}
/** 70016: the key does not exist; check the SDKAppID and the data center. @since 0.1.0 */
export class KeyNotFound extends make<KeyNotFound>()(
  "KeyNotFound",
  70016,
  "the app's key does not exist: check the SDKAppID and region",
  "final"
) {}
/** 70020: the SDKAppID does not exist; check the data center. @since 0.1.0 */
export class SdkAppIdNotFound extends make<SdkAppIdNotFound>()(
  "SdkAppIdNotFound",
  70020,
  "the SDKAppID does not exist: check the region",
  "final"
) {}
/** 70050: UserSig failures exceeded the frequency limit; fix the sig and retry after a minute. @since 0.1.0 */
export class UserSigFailuresThrottled extends make<UserSigFailuresThrottled>()(
  "UserSigFailuresThrottled",
  70050,
  "too many UserSig failures: fix the sig and retry after one minute",
  "backoff",
  60_000
) {}
/** 70051: the account is blocklisted by the platform. @since 0.1.0 */
export class AccountBanned extends make<AccountBanned>()(
  "AccountBanned",
  70051,
  "the account is blocklisted by the platform",
  "final"
) {}
/** 70107: the requested UserID has not been imported. @since 0.1.0 */
export class UserNotImported extends make<UserNotImported>()(
  "UserNotImported",
  70107,
  "the UserID has not been imported",
  "final"
) {}
/** 70169: internal server timeout; retry later. @since 0.1.0 */
export class ServerInternalTimeout extends make<ServerInternalTimeout>()(
  "ServerInternalTimeout",
  70169,
  "internal server timeout, retry later",
  "retryable"
) {}
/** 70398: the number of accounts exceeds the limit. @since 0.1.0 */
export class AccountLimitReached extends make<AccountLimitReached>()(
  "AccountLimitReached",
  70398,
  "the number of accounts exceeds the limit",
  "final"
) {}
/** 70399: a deleted account cannot be re-imported for three months. @since 0.1.0 */
export class AccountReimportForbidden extends make<AccountReimportForbidden>()(
  "AccountReimportForbidden",
  70399,
  "a deleted account cannot be re-imported for three months",
  "final"
) {}
/** 70402: illegal request parameters (account APIs). @since 0.1.0 */
export class IllegalParameters extends make<IllegalParameters>()(
  "IllegalParameters",
  70402,
  "illegal request parameters",
  "final"
) {}
/** 70404: the SDK version is too low. @since 0.1.0 */
export class SdkVersionTooLow extends make<SdkVersionTooLow>()(
  "SdkVersionTooLow",
  70404,
  "the SDK version is too low",
  "final"
) {}
/** 70500: internal server error; retry later. @since 0.1.0 */
export class ServerError extends make<ServerError>()(
  "ServerError",
  70500,
  "internal server error, retry later",
  "retryable"
) {}
/** 71000: the app does not support account deletion. @since 0.1.0 */
export class AccountDeleteUnsupported extends make<AccountDeleteUnsupported>()(
  "AccountDeleteUnsupported",
  71000,
  "the app does not support account deletion",
  "final"
) {}
/** 72000: daily active users exceed the free quota (trial). @since 0.1.0 */
export class DauQuotaExceeded extends make<DauQuotaExceeded>()(
  "DauQuotaExceeded",
  72000,
  "daily active users exceed the free quota",
  "final"
) {}
/** 72001: the feature is not enabled. @since 0.1.0 */
export class FeatureNotEnabled extends make<FeatureNotEnabled>()(
  "FeatureNotEnabled",
  72001,
  "the feature is not enabled",
  "final"
) {}
/** 72002: monthly active users exceed the free quota (trial). @since 0.1.0 */
export class MauQuotaExceeded extends make<MauQuotaExceeded>()(
  "MauQuotaExceeded",
  72002,
  "monthly active users exceed the free quota",
  "final"
) {}
/** 72010: a user's logins or similar operations are too frequent. @since 0.1.0 */
export class UserOperationsThrottled extends make<UserOperationsThrottled>()(
  "UserOperationsThrottled",
  72010,
  "the user's operations are too frequent",
  "backoff"
) {}
/** 72011: the feature is not enabled for this plan. @since 0.1.0 */
export class FeatureNotInPlan extends make<FeatureNotInPlan>()(
  "FeatureNotInPlan",
  72011,
  "the feature is not enabled for this plan",
  "final"
) {}
/** 72012: the feature is not enabled for this app. @since 0.1.0 */
export class FeatureNotEnabledForApp extends make<FeatureNotEnabledForApp>()(
  "FeatureNotEnabledForApp",
  72012,
  "the feature is not enabled for this app",
  "final"
) {}

// ---------------------------------------------------------------------------------------------------------------
// Content codes (800xx)
// ---------------------------------------------------------------------------------------------------------------

/** 80001: the content was rejected by the content-safety check. @since 0.1.0 */
export class ContentUnsafe extends make<ContentUnsafe>()(
  "ContentUnsafe",
  80001,
  "the content was rejected by the content-safety check",
  "final"
) {}
/** 80002: the body is too long (over 12 KB). @since 0.1.0 */
export class BodyTooLong extends make<BodyTooLong>()(
  "BodyTooLong",
  80002,
  "the content is too long (over 12 KB)",
  "final"
) {}
/** 80003: the content-moderation callback failed. @since 0.1.0 */
export class ContentCallbackFailed extends make<ContentCallbackFailed>()(
  "ContentCallbackFailed",
  80003,
  "the content-moderation callback failed",
  "final"
) {}
/** 80004: the content was rejected by the custom content check. @since 0.1.0 */
export class ContentRejected extends make<ContentRejected>()(
  "ContentRejected",
  80004,
  "the content was rejected by the custom content check",
  "final"
) {}
/** 80005: the content service is deactivated. @since 0.1.0 */
export class ServiceDeactivated extends make<ServiceDeactivated>()(
  "ServiceDeactivated",
  80005,
  "the service is deactivated",
  "final"
) {}

/**
 * Any code this library does not document. Keeps the code and the server's info; never a crash.
 *
 * @since 0.1.0
 */
export class UnknownCode extends Schema.TaggedError<UnknownCode>("@effect-tim/schema/TimError/UnknownCode")(
  "UnknownCode",
  { code: Schema.Number, info: Schema.String }
) {
  override get message(): string {
    return formatMessage("UnknownCode", this.code, "an error code this library does not know", this.info)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------------------------

/**
 * The relationship-chain (sns) codes.
 *
 * @since 0.1.0
 */
export const snsClasses = [
  InvalidParameters,
  SdkAppIdIllegal,
  AccountNotFound,
  SnsAdminRequired,
  SensitiveContent,
  ServerInternalError,
  ServerTimeout,
  WriteConflict,
  FriendRequestForbidden,
  FriendLimitReached,
  FriendListLimitReached,
  PendingLimitReached,
  BlocklistLimitReached,
  PeerFriendLimitReached,
  TargetInBlocklist,
  AddDenied,
  BlockedByTarget,
  PendingConfirmation,
  FriendRequestsThrottled,
  FriendRequestNotFound,
  NotFriend,
  DeleteThrottled,
  PendingRequestNotFound,
  ListMemberNotFriend
] as const

/**
 * The profile service's codes (40xxx), answered by portrait_set and portrait_get.
 *
 * @since 0.1.0
 */
export const profileClasses = [
  ProfileInvalidRequest,
  ProfileAccountMissing,
  ProfileAccountNotFound,
  ProfileAdminRequired,
  ProfileSensitiveContent,
  ProfileServerError,
  ProfileReadForbidden,
  ProfileWriteForbidden,
  ProfileTagNotFound,
  ProfileValueTooLong,
  ProfileValueInvalid,
  ProfileValueTypeInvalid
] as const

/**
 * The public REST codes (600xx, 700xx, 71000, 720xx, 800xx): any API can answer them.
 *
 * @since 0.1.0
 */
export const publicClasses = [
  HttpParseError,
  InvalidJsonBody,
  UrlAccountError,
  BodyAccountError,
  InvalidSdkAppId,
  ApiRateLimited,
  ServiceTimeout,
  UnknownCommand,
  AdminRequired,
  AppRateLimited,
  SdkAppIdMissing,
  ResponseJsonError,
  AccountSwitchTimeout,
  AccountNotString,
  AppDisabled,
  RequestDisabled,
  TooManyRequests,
  TooManyRequestsLater,
  PlanUnavailable,
  SourceIpDenied,
  InvalidUrlParameters,
  DomainMismatch,
  ProductForbidden,
  TrialQuotaExceeded,
  UserSigExpired,
  UserSigIllegal,
  UserSigVerificationFailed,
  UserSigIdentifierMismatch,
  UserSigSdkAppIdMismatch,
  KeyNotFound,
  SdkAppIdNotFound,
  UserSigFailuresThrottled,
  AccountBanned,
  UserNotImported,
  ServerInternalTimeout,
  AccountLimitReached,
  AccountReimportForbidden,
  IllegalParameters,
  SdkVersionTooLow,
  ServerError,
  AccountDeleteUnsupported,
  DauQuotaExceeded,
  FeatureNotEnabled,
  MauQuotaExceeded,
  UserOperationsThrottled,
  FeatureNotInPlan,
  FeatureNotEnabledForApp,
  ContentUnsafe,
  BodyTooLong,
  ContentCallbackFailed,
  ContentRejected,
  ServiceDeactivated
] as const

/**
 * Every documented error class, in code order. The one table behind `fromCode`, `classOf` and `TimError`.
 *
 * @since 0.1.0
 */
export const classes = [...snsClasses, ...profileClasses, ...publicClasses] as const

/**
 * Any documented error (an instance of one of `classes`).
 *
 * @since 0.1.0
 */
export type KnownCode = InstanceType<(typeof classes)[number]>

/**
 * A public REST error (one of `publicClasses`), which any API may answer with.
 *
 * @since 0.1.0
 */
export type PublicError = InstanceType<(typeof publicClasses)[number]>

/**
 * Any error Tencent can answer with: a documented code, or `UnknownCode`.
 *
 * @since 0.1.0
 */
export type TimError = KnownCode | UnknownCode

/**
 * The schema of every error (for serialising errors, e.g. in the CLI's JSON output).
 *
 * @since 0.1.0
 */
export const TimError = Schema.Union(...classes, UnknownCode)

/**
 * Every documented numeric code.
 *
 * @since 0.1.0
 */
export type Code = (typeof classes)[number]["code"]

/**
 * The error instance for a code, as the subset `E` of `TimError` an API documents.
 *
 * @since 0.1.0
 */
export type ErrorOf<C extends Code> = Extract<KnownCode, { readonly code: C }>

const byCode: ReadonlyMap<number, (typeof classes)[number]> = new Map(classes.map((cls) => [cls.code, cls]))

/**
 * The class of a documented code, if any.
 *
 * @since 0.1.0
 */
export const classOf = (code: number): (typeof classes)[number] | undefined => byCode.get(code)

/**
 * Decodes a code and the server's info into its typed error; an undocumented code becomes `UnknownCode`.
 *
 * @since 0.1.0
 */
export const fromCode = (code: number, info: string): TimError => {
  const cls = byCode.get(code)
  return cls === undefined ? new UnknownCode({ code, info }) : new cls({ info })
}

/**
 * The retry class of a code (`final` for unknown codes).
 *
 * @since 0.1.0
 */
export const retryClassOf = (code: number): RetryClass => byCode.get(code)?.retry ?? "final"

/**
 * The minimum delay before retrying a code, in milliseconds (0 where Tencent documents none).
 *
 * @since 0.1.0
 */
export const minRetryDelayOf = (code: number): number => byCode.get(code)?.minRetryDelayMillis ?? 0

const tags: ReadonlySet<string> = new Set<string>([...classes.map((cls) => cls._tag), "UnknownCode"])

/**
 * Whether a value is a Tencent error decoded by this library.
 *
 * @since 0.1.0
 */
export const isTimError = (u: unknown): u is TimError =>
  Predicate.hasProperty(u, "_tag") &&
  typeof u._tag === "string" &&
  tags.has(u._tag) &&
  Predicate.hasProperty(u, "code") &&
  typeof u.code === "number"
