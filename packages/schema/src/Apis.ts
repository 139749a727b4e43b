/**
 * The registry of every REST API this library describes: one entry per API, keyed by its module name. The schema
 * tests iterate it, and the emulator's route table is typed over it, so an API added here without an emulator
 * handler does not compile.
 *
 * @since 0.1.0
 */
import * as AccountCheck from "./AccountCheck.js"
import * as AccountDelete from "./AccountDelete.js"
import * as AccountImport from "./AccountImport.js"
import type * as Api from "./Api.js"
import * as BlocklistAdd from "./BlocklistAdd.js"
import * as BlocklistCheck from "./BlocklistCheck.js"
import * as BlocklistDelete from "./BlocklistDelete.js"
import * as BlocklistGet from "./BlocklistGet.js"
import * as FriendAdd from "./FriendAdd.js"
import * as FriendCheck from "./FriendCheck.js"
import * as FriendDelete from "./FriendDelete.js"
import * as FriendDeleteAll from "./FriendDeleteAll.js"
import * as FriendGet from "./FriendGet.js"
import * as FriendGetList from "./FriendGetList.js"
import * as FriendImport from "./FriendImport.js"
import * as FriendUpdate from "./FriendUpdate.js"
import * as GroupAdd from "./GroupAdd.js"
import * as GroupDelete from "./GroupDelete.js"
import * as GroupGet from "./GroupGet.js"
import * as MultiAccountImport from "./MultiAccountImport.js"
import * as PortraitGet from "./PortraitGet.js"
import * as PortraitSet from "./PortraitSet.js"

/**
 * Every API descriptor, by the name of the module that defines it.
 *
 * @since 0.1.0
 */
export const all = {
  FriendAdd: FriendAdd.api,
  FriendImport: FriendImport.api,
  FriendUpdate: FriendUpdate.api,
  FriendDelete: FriendDelete.api,
  FriendDeleteAll: FriendDeleteAll.api,
  FriendCheck: FriendCheck.api,
  FriendGet: FriendGet.api,
  FriendGetList: FriendGetList.api,
  BlocklistAdd: BlocklistAdd.api,
  BlocklistDelete: BlocklistDelete.api,
  BlocklistCheck: BlocklistCheck.api,
  BlocklistGet: BlocklistGet.api,
  GroupAdd: GroupAdd.api,
  GroupDelete: GroupDelete.api,
  GroupGet: GroupGet.api,
  AccountImport: AccountImport.api,
  MultiAccountImport: MultiAccountImport.api,
  AccountCheck: AccountCheck.api,
  AccountDelete: AccountDelete.api,
  PortraitSet: PortraitSet.api,
  PortraitGet: PortraitGet.api
} as const satisfies Record<string, Api.Any>

/**
 * The registry's type.
 *
 * @since 0.1.0
 */
export type All = typeof all

/**
 * The name of an API in the registry, e.g. `"FriendAdd"`.
 *
 * @since 0.1.0
 */
export type Name = keyof All

/**
 * One `T` for every API of the registry: a table of this type that misses an API does not compile (the emulator's
 * route table is one).
 *
 * @since 0.1.0
 */
export type Each<T> = { readonly [K in Name]: T }

/**
 * The names of every API, in the registry's order.
 *
 * @since 0.1.0
 */
export const names: ReadonlyArray<Name> = Object.keys(all) as Array<Name>
