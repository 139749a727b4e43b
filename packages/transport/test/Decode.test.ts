import { HttpClient, type HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import * as S from "@effect-tim/schema"
import { Arbitrary, Cause, Effect, Exit, FastCheck as fc, Layer, Option, Redacted, Schema } from "effect"
import { requestSamples as samples } from "../../schema/test/fixtures/samples.js"
import { TimClient, TransportError } from "../src/index.js"

/**
 * Decoding is total: whatever bytes a server sends, `TimClient.call` ends with a value or a typed error (a
 * `TransportError` or a `TimError`), never a defect. Fed, for the decoder of every API: random bytes, random JSON
 * values, valid answers, and random mutations of valid answers (cut, retyped, removed, nested deep).
 */

const apis = Object.entries(samples).flatMap(([name, wire]) => {
  const mod = (S as unknown as Record<string, { readonly api?: S.Api.Any }>)[name]
  return mod?.api === undefined ? [] : [[name, mod.api, wire] as const]
})

const NUM_RUNS = 15

/** A client for `api` whose HttpClient answers whatever `next` holds (status and body bytes). */
const harness = () => {
  const next: { status: number; body: Uint8Array } = { status: 200, body: new Uint8Array() }
  const http = HttpClient.make((request: HttpClientRequest.HttpClientRequest) =>
    Effect.sync(() =>
      HttpClientResponse.fromWeb(request, new Response(next.body as unknown as BodyInit, { status: next.status }))
    )
  )
  const layer = TimClient.layer({
    sdkAppId: 1400000000,
    secretKey: Redacted.make("effect-tim-decode-secret-0123456789"),
    endpoint: "https://example.invalid",
    retry: false,
    rateLimit: Number.POSITIVE_INFINITY
  }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, http)))
  return { next, layer }
}

const utf8 = new TextEncoder()

type Json = null | boolean | number | string | Array<Json> | { [key: string]: Json }

/** Mutations of a valid answer (as a JSON value and as its text). */
const mutate = (answer: Json, text: string): fc.Arbitrary<string> =>
  fc.oneof(
    // cut anywhere
    fc.nat({ max: Math.max(0, text.length - 1) }).map((n) => text.slice(0, n)),
    // one byte replaced
    fc
      .tuple(fc.nat({ max: Math.max(0, text.length - 1) }), fc.char())
      .map(([i, c]) => text.slice(0, i) + c + text.slice(i + 1)),
    // a field retyped or removed, at the top or inside the first item of each list
    fc
      .tuple(fc.nat(), fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }))
      .map(([pick, value]) => JSON.stringify(replaceAt(answer, pick, value as Json | undefined))),
    // a field nested deep (up to the 100 000 levels that overflow recursive code)
    fc.tuple(fc.nat(), fc.integer({ min: 1_000, max: 100_000 })).map(([pick, depth]) => {
      const keys = fieldPaths(answer)
      const path = keys[pick % Math.max(1, keys.length)] ?? ["ActionStatus"]
      const marker = "\u0000deep\u0000"
      const json = JSON.stringify(replacePath(answer, path, marker))
      return json.replace(JSON.stringify(marker), `${"[".repeat(depth)}${"]".repeat(depth)}`)
    })
  )

/** The paths of the top-level fields and of the fields of each list's first item. */
const fieldPaths = (value: Json): Array<Array<string | number>> => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return []
  const paths: Array<Array<string | number>> = []
  for (const [key, field] of Object.entries(value)) {
    paths.push([key])
    if (Array.isArray(field) && typeof field[0] === "object" && field[0] !== null && !Array.isArray(field[0])) {
      for (const inner of Object.keys(field[0])) paths.push([key, 0, inner])
    }
  }
  return paths
}

const replacePath = (value: Json, path: ReadonlyArray<string | number>, replacement: Json | undefined): Json => {
  if (path.length === 0) return replacement ?? null
  const [head, ...rest] = path
  if (Array.isArray(value)) {
    const copy = [...value]
    copy[head as number] = replacePath(copy[head as number] ?? null, rest, replacement)
    return copy
  }
  const record = { ...(value as Record<string, Json>) }
  if (rest.length === 0 && replacement === undefined) delete record[head as string]
  else record[head as string] = replacePath(record[head as string] ?? null, rest, replacement)
  return record
}

const replaceAt = (value: Json, pick: number, replacement: Json | undefined): Json => {
  const paths = fieldPaths(value)
  return paths.length === 0 ? value : replacePath(value, paths[pick % paths.length]!, replacement)
}

const assertTotal = (exit: Exit.Exit<unknown, unknown>, input: string) => {
  if (Exit.isSuccess(exit)) return
  assert.isFalse(Cause.isDie(exit.cause), `a defect for ${input.slice(0, 200)}: ${Cause.pretty(exit.cause)}`)
  const error = Option.getOrThrow(Cause.failureOption(exit.cause)) as { _tag: string; code?: unknown }
  assert.isTrue(
    error instanceof TransportError.TransportError || typeof error.code === "number",
    `an untyped failure: ${String(error)}`
  )
}

describe("decoding is total (property test over every API)", () => {
  assert.isAbove(apis.length, 15)
  for (const [name, api, wire] of apis) {
    it.effect(
      `${name}: random bytes, JSON values, valid answers and their mutations give a value or a typed error`,
      () =>
        Effect.gen(function* () {
          const request = Schema.decodeUnknownSync(api.Request as Schema.Schema<unknown, unknown>)(wire)
          const { next, layer } = harness()
          const client = yield* Effect.provide(TimClient.TimClient, layer)
          const run = (status: number, body: Uint8Array) =>
            Effect.suspend(() => {
              next.status = status
              next.body = body
              return Effect.exit(client.call(api, request as S.Api.RequestOf<typeof api>))
            })

          const valid = fc
            .sample(Arbitrary.make(Schema.encodedSchema(api.Response)), { numRuns: NUM_RUNS, seed: 42 })
            .map(
              (body) => JSON.parse(JSON.stringify({ ActionStatus: "OK", ErrorCode: 0, ...(body as object) })) as Json
            )
          let succeeded = 0
          for (const answer of valid) {
            const exit = yield* run(200, utf8.encode(JSON.stringify(answer)))
            assertTotal(exit, JSON.stringify(answer))
            if (Exit.isSuccess(exit)) succeeded++
          }
          assert.isAbove(succeeded, 0, "some valid answers decode")

          const inputs: Array<readonly [number, Uint8Array, string]> = [
            ...fc
              .sample(fc.tuple(fc.constantFrom(200, 200, 200, 400, 429, 500, 502), fc.uint8Array({ maxLength: 512 })), {
                numRuns: NUM_RUNS,
                seed: 1
              })
              .map(([status, bytes]) => [status, bytes, `bytes ${bytes.join(",")}`] as const),
            ...fc
              .sample(fc.jsonValue(), { numRuns: NUM_RUNS, seed: 2 })
              .map((v) => [200, utf8.encode(JSON.stringify(v) ?? ""), JSON.stringify(v) ?? ""] as const),
            ...valid.flatMap((answer, i) => {
              const text = JSON.stringify(answer)
              return fc
                .sample(mutate(answer, text), { numRuns: 2, seed: 100 + i })
                .map((m) => [200, utf8.encode(m), m] as const)
            })
          ]
          for (const [status, body, shown] of inputs) {
            assertTotal(yield* run(status, body), shown)
            // Let the test runner's messages through between inputs.
            yield* Effect.promise(() => new Promise((resolve) => setImmediate(resolve)))
          }
        })
    )
  }
})
