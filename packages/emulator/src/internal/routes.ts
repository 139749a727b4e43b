/**
 * The route table: one handler for every API of the schema package's registry. It is typed over `Apis.Each`, so an
 * API added to `Apis.all` without a handler here does not compile.
 */
import { Apis } from "@effect-tim/schema"
import * as accounts from "./accounts.js"
import * as blocklist from "./blocklist.js"
import * as friends from "./friends.js"
import type { Handled, Route } from "./handler.js"
import * as lists from "./lists.js"
import * as profile from "./profile.js"

const table: Apis.Each<Handled> = {
  ...accounts.routes,
  ...profile.routes,
  ...friends.routes,
  ...blocklist.routes,
  ...lists.routes
}

/** Every API with its handler, in the registry's order. */
export const all: ReadonlyArray<Route> = Apis.names.map((name) => ({ api: Apis.all[name], ...table[name] }))
