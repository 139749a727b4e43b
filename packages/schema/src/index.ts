/**
 * @since 0.1.0
 */
export * as Api from "./Api.js"
export * as BatchResult from "./BatchResult.js"
export * as Enums from "./Enums.js"
export * as Envelope from "./Envelope.js"
export * as Fields from "./Fields.js"
export * as FriendAdd from "./FriendAdd.js"
export * as FriendCheck from "./FriendCheck.js"
export * as Limits from "./Limits.js"
export * as TimError from "./TimError.js"
