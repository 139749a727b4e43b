/**
 * @since 0.1.0
 */

/**
 * Accounts: import, check, delete, and their AllowType, in bulk (admin calls, no From_Account).
 *
 * @since 0.1.0
 */
export * as Accounts from "./Accounts.js"

/**
 * Every relationship-chain operation, in bulk: the service, its models and layers.
 *
 * @since 0.1.0
 */
export * as Friends from "./Friends.js"

/**
 * The errors `Friends` and `Accounts` add to Tencent's codes.
 *
 * @since 0.1.0
 */
export * as FriendsError from "./FriendsError.js"

/**
 * The Promise API (`new TimFriends({ sdkAppId, secretKey, region })`) and its rejection class. Exported as classes
 * rather than a namespace so that code without Effect reads `new TimFriends(...)`; its types are in the
 * `TimFriends` namespace merged with the class (`TimFriends.Options`, `TimFriends.BatchResult`).
 *
 * @since 0.1.0
 */
export { TimFriends, TimRequestError } from "./TimFriends.js"
