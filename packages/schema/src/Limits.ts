/**
 * The documented limits of the relationship chain and account APIs (spec §5.3, §8, §9).
 *
 * @since 0.1.0
 */

/** Items per request for friend_add, friend_import, friend_update, friend_delete, friend_check and the blocklist APIs. @since 0.1.0 */
export const maxItemsPerRequest = 1000
/** Accounts per friend_get_list request (Tencent recommends ≤ 100 to keep responses small). @since 0.1.0 */
export const maxFriendGetListAccounts = 100
/** Friend lists per account, and list names per group_add/group_delete/group_get request. @since 0.1.0 */
export const maxFriendLists = 32
/** Friends per account. @since 0.1.0 */
export const maxFriends = 3000
/** Blocked accounts per account. @since 0.1.0 */
export const maxBlocked = 1000
/** Pending friend requests per account. @since 0.1.0 */
export const maxPendingRequests = 100
/** Items per account API request (multiaccount_import, account_check, account_delete) and per portrait_get. @since 0.1.0 */
export const maxAccountItems = 100
/** Bytes of a UserID. @since 0.1.0 */
export const maxUserIdBytes = 32
/** Bytes of a friend remark. @since 0.1.0 */
export const maxRemarkBytes = 96
/** Bytes of a friend list name. @since 0.1.0 */
export const maxGroupNameBytes = 30
/** Bytes of a friend request's wording. @since 0.1.0 */
export const maxAddWordingBytes = 256
/** Letters after `AddSource_Type_`. @since 0.1.0 */
export const maxAddSourceKeywordBytes = 8
/** Letters after `Tag_SNS_Custom_`. @since 0.1.0 */
export const maxCustomTagKeywordBytes = 8
/** Bytes of a custom friend field's string value. @since 0.1.0 */
export const maxCustomValueBytes = 500
/** Bytes of a profile field's string value (Nick, SelfSignature, Image, custom fields). @since 0.1.0 */
export const maxProfileValueBytes = 500
/** Bytes of `Tag_Profile_IM_Location`. @since 0.1.0 */
export const maxLocationBytes = 16
/** Letters after `Tag_Profile_Custom_`. @since 0.1.0 */
export const maxCustomProfileKeywordBytes = 8
/** Calls per second per sns API (Tencent's default frequency limit). @since 0.1.0 */
export const defaultCallsPerSecond = 200
