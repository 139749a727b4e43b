/**
 * @since 0.1.0
 */
export * as Friends from "./Friends.js"
export * as FriendsError from "./FriendsError.js"
