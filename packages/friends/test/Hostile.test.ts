/**
 * Friends (over undici) and TimFriends (over fetch) against a local server that answers badly on purpose
 * (transport's hostile server fixture): duplicate and unknown targets, redirects, echoed sigs, a dead port.
 */
import { createServer } from "node:net"
import { NodeHttpClient } from "@effect/platform-node"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { TimClient, type TransportError } from "@effect-tim/transport"
import { Effect, Either, Layer, Redacted } from "effect"
import {
  type HostileServer,
  type Mode,
  secretEchoes,
  startHostileServerAsync
} from "../../transport/test/fixtures/hostileServer.js"
import { leakIn, renderings } from "../../transport/test/fixtures/recording.js"
import { Friends, TimFriends, TimRequestError } from "../src/index.js"

const secretKey = "friends-hostile-secret-key-0123456789abcdef"

let server: HostileServer
beforeAll(async () => {
  server = await startHostileServerAsync()
})
afterAll(() => server.close())

const clientOptions = () => ({
  sdkAppId: 1400000000,
  secretKey: Redacted.make(secretKey),
  endpoint: server.url,
  retry: { maxAttempts: 2, baseDelay: 1, maxElapsed: 1000, backoffBaseDelay: 1 },
  timeout: 2000,
  rateLimit: Number.POSITIVE_INFINITY
})

/** Friends over undici, pointed at the hostile server. */
const friendsLayer = () =>
  Friends.layer().pipe(
    Layer.provide(
      TimClient.layer({
        ...clientOptions(),
        retry: { maxAttempts: 2, baseDelay: "1 millis", maxElapsed: "1 second", backoffBaseDelay: "1 millis" },
        timeout: "2 seconds"
      })
    ),
    Layer.provide(NodeHttpClient.layerUndici),
    Layer.orDie
  )

const withFriends = <A, E>(f: (friends: Friends.Friends.Service) => Effect.Effect<A, E>) =>
  Effect.runPromise(Effect.flatMap(Friends.Friends, f).pipe(Effect.provide(friendsLayer())))

/** A TimFriends over its default fetch client, used for one test and disposed. */
const withTimFriends = async <A>(f: (friends: TimFriends) => Promise<A>): Promise<A> => {
  const friends = new TimFriends(clientOptions())
  try {
    return await f(friends)
  } finally {
    await friends.dispose()
  }
}

const rejection = async (promise: Promise<unknown>): Promise<TimRequestError> => {
  try {
    await promise
  } catch (error) {
    assert.instanceOf(error, TimRequestError)
    return error as TimRequestError
  }
  return assert.fail("expected a rejection")
}

const setMode = (mode: Mode | ReadonlyArray<Mode>) => {
  server.setMode(mode)
  server.clear()
}

/** The sigs the server received and the secret key: none of their 16-character runs may appear anywhere. */
const secrets = () => [secretKey, ...server.received.map((r) => r.usersig)]

const assertNoLeak = (texts: ReadonlyArray<string>) => {
  assert.isAbove(server.received.length, 0)
  for (const text of texts) assert.isUndefined(leakIn(text, secrets()), text)
}

describe("Friends against a hostile server", () => {
  it("a target listed twice in the answer gets DuplicateResult; the other targets their own outcomes", async () => {
    setMode("duplicateTargets")
    const [check, add] = await withFriends((friends) =>
      Effect.all([friends.check("alice", ["bob", "carol"]), friends.add("alice", ["bob", "carol"])])
    )
    for (const result of [check, add]) {
      assert.deepStrictEqual(
        result.items.map((i) => i.toAccount),
        ["bob", "carol"]
      )
      const bob = result.items[0]!.result
      assert.isTrue(Either.isLeft(bob) && bob.left._tag === "DuplicateResult")
      assert.include(Either.isLeft(bob) ? bob.left.message : "", '"bob" more than once')
      assert.isTrue(Either.isRight(result.items[1]!.result))
      // A duplicate is not retried: one request per call.
      assert.strictEqual(result.retries, 0)
    }
    assert.strictEqual(server.received.length, 2)
  })

  it("entries for targets nobody asked for are ignored", async () => {
    setMode("unknownTargets")
    const result = await withFriends((friends) => friends.check("alice", ["bob", "carol"]))
    assert.deepStrictEqual(
      result.items.map((i) => [i.toAccount, Either.getOrUndefined(i.result)]),
      [
        ["bob", "CheckResult_Type_BothWay"],
        ["carol", "CheckResult_Type_BothWay"]
      ]
    )
  })

  for (const status of [301, 302, 307, 308] as const) {
    it(`a ${status} redirect is a TransportError HttpStatus for every item; the other host receives nothing`, async () => {
      setMode(`redirect${status}`)
      const result = await withFriends((friends) => friends.add("alice", ["bob", "carol"]))
      for (const item of result.items) {
        const error = Either.isLeft(item.result) ? (item.result.left as TransportError.TransportError) : undefined
        assert.strictEqual(error?._tag, "TransportError")
        assert.deepStrictEqual([error?.reason, error?.status], ["HttpStatus", status])
      }
      assert.strictEqual(server.redirectTarget.received.length, 0)
    })
  }
})

describe("TimFriends against a hostile server", () => {
  for (const status of [301, 302, 307, 308] as const) {
    it(`never follows a ${status}: a typed TransportError HttpStatus, the other host receives nothing`, async () => {
      setMode(`redirect${status}`)
      await withTimFriends(async (friends) => {
        const error = await rejection(friends.checkOne("alice", "bob"))
        assert.strictEqual(error.tag, "TransportError")
        const cause = error.cause as TransportError.TransportError
        assert.deepStrictEqual([cause.reason, cause.status], ["HttpStatus", status])
        const bulk = await friends.add("alice", ["bob", "carol"])
        assert.deepStrictEqual(
          bulk.items.map((i) => (i.ok ? "ok" : i.error.tag)),
          ["TransportError", "TransportError"]
        )
      })
      assert.strictEqual(server.redirectTarget.received.length, 0)
    })
  }

  it("a target listed twice gets DuplicateResult in the plain outcomes", async () => {
    setMode("duplicateTargets")
    const result = await withTimFriends((friends) => friends.check("alice", ["bob", "carol"]))
    assert.deepStrictEqual(
      result.items.map((i) => (i.ok ? i.value : i.error.tag)),
      ["DuplicateResult", "CheckResult_Type_BothWay"]
    )
  })

  const echoes = secretEchoes(secretKey).map(([, echo]) => echo)
  for (const name of ["errorInfo", "html502", "text400", "nonJson"] as const) {
    it(`${name}: no run of 16 characters of the sig or the key in any rendering of the rejection`, async () => {
      for (const echo of echoes) {
        setMode({ name, echo })
        const error = await withTimFriends((friends) => rejection(friends.checkOne("alice", "bob")))
        assert.notStrictEqual(error.tag, "Defect")
        assertNoLeak([...renderings(error), ...renderings(error.cause), String(error.info)])
      }
    })
  }

  it("resultInfo: no run of 16 characters of the sig or the key in the plain outcomes", async () => {
    for (const echo of echoes) {
      setMode({ name: "resultInfo", echo })
      const result = await withTimFriends((friends) => friends.add("alice", ["bob", "carol"]))
      assert.deepStrictEqual(
        result.items.map((i) => (i.ok ? undefined : i.error.code)),
        [30001, 30001]
      )
      assertNoLeak([
        JSON.stringify(result),
        ...result.items.map((i) => (i.ok ? "" : `${i.error.message} ${i.error.info}`))
      ])
    }
  })

  it("a dead port: the same reason and cause text as the Effect API (connect ECONNREFUSED), not 'fetch failed'", async () => {
    const port = await freePort()
    const options = { ...clientOptions(), endpoint: `http://127.0.0.1:${port}`, retry: false as const }
    const friends = new TimFriends(options)
    const promise = await rejection(friends.checkOne("alice", "bob"))
    await friends.dispose()
    const effect = await Effect.runPromise(
      Effect.flip(
        Effect.flatMap(Friends.Friends, (f) => f.checkOne("alice", "bob")).pipe(
          Effect.provide(
            Friends.layer().pipe(
              Layer.provide(TimClient.layer({ ...options, timeout: "2 seconds" })),
              Layer.provide(NodeHttpClient.layerUndici),
              Layer.orDie
            )
          )
        )
      )
    )
    const viaFetch = promise.cause as TransportError.TransportError
    const viaUndici = effect as TransportError.TransportError
    assert.strictEqual(promise.tag, "TransportError")
    assert.deepStrictEqual([viaFetch.reason, viaFetch.detail], [viaUndici.reason, viaUndici.detail])
    assert.strictEqual(viaFetch.reason, "Connection")
    assert.include(promise.message, `ECONNREFUSED 127.0.0.1:${port}`)
    assert.notInclude(promise.message, "fetch failed")
  })
})

/** A port nothing listens on: bound once, then released. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer()
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
