/**
 * Tencent Cloud Chat REST API wire schemas. Each API module exports `Request`, `Response` (camelCase ↔ wire
 * JSON, without the envelope), `api` (the descriptor) and `Error` (the codes its page documents).
 *
 * @since 0.1.0
 */
export * as AccountCheck from "./AccountCheck.js"
export * as AccountDelete from "./AccountDelete.js"
export * as AccountImport from "./AccountImport.js"
export * as Api from "./Api.js"
export * as BatchResult from "./BatchResult.js"
export * as BlocklistAdd from "./BlocklistAdd.js"
export * as BlocklistCheck from "./BlocklistCheck.js"
export * as BlocklistDelete from "./BlocklistDelete.js"
export * as BlocklistGet from "./BlocklistGet.js"
export * as Enums from "./Enums.js"
export * as Envelope from "./Envelope.js"
export * as Fields from "./Fields.js"
export * as FriendAdd from "./FriendAdd.js"
export * as FriendCheck from "./FriendCheck.js"
export * as FriendDelete from "./FriendDelete.js"
export * as FriendDeleteAll from "./FriendDeleteAll.js"
export * as FriendGet from "./FriendGet.js"
export * as FriendGetList from "./FriendGetList.js"
export * as FriendImport from "./FriendImport.js"
export * as FriendUpdate from "./FriendUpdate.js"
export * as GroupAdd from "./GroupAdd.js"
export * as GroupDelete from "./GroupDelete.js"
export * as GroupGet from "./GroupGet.js"
export * as Limits from "./Limits.js"
export * as MultiAccountImport from "./MultiAccountImport.js"
export * as PortraitGet from "./PortraitGet.js"
export * as PortraitSet from "./PortraitSet.js"
export * as TimError from "./TimError.js"
