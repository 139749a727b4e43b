/**
 * A tiny request helper for the emulator's tests: signs with `UserSig.sign` and POSTs with `fetch` (it does not
 * use the transport package, so the emulator is tested on its own).
 */
import { type Api, Envelope } from "@effect-tim/schema"
import { UserSig } from "@effect-tim/usersig"
import { Effect, Redacted, Schema } from "effect"
import { Emulator } from "../src/index.js"

/** A signed admin UserSig for the test app (valid one day from the current Clock time). */
export const adminSig = (options?: {
  readonly identifier?: string
  readonly sdkAppId?: number
  readonly secretKey?: Redacted.Redacted<string>
  readonly expireSeconds?: number
}) =>
  UserSig.sign({
    sdkAppId: options?.sdkAppId ?? Emulator.testDefaults.sdkAppId,
    secretKey: options?.secretKey ?? Emulator.testDefaults.secretKey,
    identifier: options?.identifier ?? "administrator",
    expireSeconds: options?.expireSeconds ?? 86400
  }).pipe(Effect.orDie)

/** What an HTTP exchange returned. */
export interface Reply {
  readonly status: number
  readonly text: string
  readonly json: any
}

/** Options of one raw request. */
export interface RequestOptions {
  /** Query parameters to set (undefined removes the default one). */
  readonly query?: Record<string, string | undefined>
  /** A raw body instead of JSON. */
  readonly body?: string | Uint8Array
  readonly method?: string
  readonly userSig?: string
}

/** Sends one request to `baseUrl + path` with the admin's default query string. */
export const request = (baseUrl: string, path: string, json?: unknown, options?: RequestOptions) =>
  Effect.gen(function* () {
    const userSig = options?.userSig ?? (yield* adminSig())
    const query: Record<string, string | undefined> = {
      sdkappid: String(Emulator.testDefaults.sdkAppId),
      identifier: "administrator",
      usersig: userSig,
      random: String(Math.floor(Math.random() * 4294967295)),
      contenttype: "json",
      ...options?.query
    }
    const search = new URLSearchParams()
    for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, value)
    const method = options?.method ?? "POST"
    const body = method === "GET" || method === "HEAD" ? undefined : (options?.body ?? JSON.stringify(json ?? {}))
    return yield* Effect.promise(async (): Promise<Reply> => {
      const init: RequestInit = body === undefined ? { method } : { method, body: body as BodyInit }
      const response = await fetch(`${baseUrl}/${path.replace(/^\//, "")}?${search}`, init)
      const text = await response.text()
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        parsed = undefined
      }
      return { status: response.status, text, json: parsed }
    })
  })

/** Calls an API of the shared test emulator and returns its JSON answer. */
export const call = (path: string, json?: unknown, options?: RequestOptions) =>
  Effect.flatMap(Emulator.Emulator, (emulator) => request(emulator.baseUrl, path, json, options)).pipe(
    Effect.map((reply) => reply.json as Record<string, any>)
  )

let counter = 0
/** Up to ten named fresh ids (typed as present, for destructuring), then the rest. */
export type Ids = [string, string, string, string, string, string, string, string, string, string, ...Array<string>]
/** Fresh UserIDs for one test, so tests sharing an emulator do not see each other's accounts. */
export const ids = (n: number, prefix = "u"): Ids => {
  const run = `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`
  return Array.from({ length: n }, (_, i) => `${run}_${i}`) as Ids
}

/** Imports accounts, optionally setting their AllowType. */
export const importAccounts = (userIds: ReadonlyArray<string>, allowType?: string) =>
  Effect.gen(function* () {
    for (let i = 0; i < userIds.length; i += 100) {
      const reply = yield* call("v4/im_open_login_svc/multiaccount_import", { Accounts: userIds.slice(i, i + 100) })
      if (reply.ErrorCode !== 0) return yield* Effect.dieMessage(`import failed: ${JSON.stringify(reply)}`)
    }
    if (allowType !== undefined) {
      for (const userId of userIds) {
        yield* call("v4/profile/portrait_set", {
          From_Account: userId,
          ProfileItem: [{ Tag: "Tag_Profile_IM_AllowType", Value: allowType }]
        })
      }
    }
  })

/** Redacted helper for other apps' keys. */
export const key = (s: string) => Redacted.make(s)

/**
 * Calls an API and decodes its answer with the schema package: the envelope always, and `api.Response` when
 * the call succeeded (ErrorCode 0), which checks the answer has the documented shape.
 */
export const callApi = <A extends Api.Any>(api: A, body: unknown) =>
  Effect.gen(function* () {
    const json = yield* call(api.path, body)
    const envelope = Schema.decodeUnknownSync(Envelope.Envelope)(json)
    const response: Api.ResponseOf<A> | undefined =
      envelope.ErrorCode === 0 ? Schema.decodeUnknownSync(api.Response)(json) : undefined
    return { envelope, response: response as Api.ResponseOf<A>, json }
  })
