import { assert, describe, it } from "@effect/vitest"
import { UserSigner } from "@effect-tim/usersig"
import { ConfigProvider, Effect, Exit, Layer, Redacted } from "effect"
import { OptionsError, Region, TimClient } from "../src/index.js"
import { checkOk, scripted } from "./fixtures/scripted.js"

const http = scripted([checkOk([])]).layer
const signer = UserSigner.layerStatic({ sdkAppId: 1400000000, userSig: Redacted.make("sig") })

const build = (options: TimClient.ClientOptions) =>
  Effect.exit(
    Effect.provide(
      Effect.map(TimClient.TimClient, (c) => c.baseUrl),
      TimClient.layerWithSigner(options).pipe(Layer.provide(Layer.merge(signer, http)))
    )
  )

const optionOf = (exit: Exit.Exit<unknown, unknown>): string => {
  assert.isTrue(Exit.isFailure(exit), "expected a failure")
  const error = Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
  assert.instanceOf(error, OptionsError.OptionsError)
  return (error as OptionsError.OptionsError).option
}

describe("Region", () => {
  it("maps every region to its spec §1.2 domain", () => {
    assert.deepStrictEqual(Object.fromEntries(Region.regions.map((r) => [r, Region.baseUrl(r)])), {
      china: "https://console.tim.qq.com",
      singapore: "https://adminapisgp.im.qcloud.com",
      seoul: "https://adminapikr.im.qcloud.com",
      tokyo: "https://adminapijpn.im.qcloud.com",
      frankfurt: "https://adminapiger.im.qcloud.com",
      mumbai: "https://adminapiind.im.qcloud.com",
      "silicon-valley": "https://adminapiusa.im.qcloud.com",
      jakarta: "https://adminapiidn.im.qcloud.com"
    })
  })
})

describe("TimClient options", () => {
  it.effect("region, endpoint and the default", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* build({}), Exit.succeed("https://console.tim.qq.com"))
      assert.deepStrictEqual(yield* build({ region: "tokyo" }), Exit.succeed("https://adminapijpn.im.qcloud.com"))
      assert.deepStrictEqual(
        yield* build({ endpoint: "https://proxy.example.com/tim/" }),
        Exit.succeed("https://proxy.example.com/tim")
      )
      for (const loopback of ["http://127.0.0.1:8080", "http://127.1.2.3", "http://localhost:1", "http://[::1]:3000"]) {
        assert.deepStrictEqual(yield* build({ endpoint: loopback }), Exit.succeed(loopback))
      }
    })
  )

  it.effect("invalid options fail with an OptionsError naming the option, never a throw", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<readonly [TimClient.ClientOptions, string]> = [
        [{ region: "mars" as Region.Region }, "region"],
        [{ endpoint: "http://example.com" }, "endpoint"],
        [{ endpoint: "http://10.0.0.1" }, "endpoint"],
        [{ endpoint: "http://127.0.0.1.example.com" }, "endpoint"],
        [{ endpoint: "ftp://127.0.0.1" }, "endpoint"],
        [{ endpoint: "not a url" }, "endpoint"],
        [{ endpoint: "https://user:pw@example.com" }, "endpoint"],
        [{ endpoint: "https://example.com?usersig=x" }, "endpoint"],
        [{ region: "china", endpoint: "https://example.com" }, "endpoint"],
        [{ rateLimit: 0 }, "rateLimit"],
        [{ rateLimit: 1.5 }, "rateLimit"],
        [{ rateLimit: Number.NaN }, "rateLimit"],
        [{ timeout: 0 }, "timeout"],
        [{ timeout: "forever" as never }, "timeout"],
        [{ retry: { maxAttempts: 0 } }, "retry.maxAttempts"],
        [{ retry: { factor: 0.5 } }, "retry.factor"],
        [{ retry: { baseDelay: "soon" as never } }, "retry.baseDelay"],
        [{ retry: { maxElapsed: Number.POSITIVE_INFINITY } }, "retry.maxElapsed"]
      ]
      for (const [options, option] of cases) {
        assert.strictEqual(optionOf(yield* build(options)), option, JSON.stringify(options))
      }
    })
  )

  it.effect("layer validates the credentials through UserSigner", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(
        Effect.provide(
          TimClient.TimClient,
          TimClient.layer({ sdkAppId: -1, secretKey: Redacted.make("k") }).pipe(Layer.provide(http))
        )
      )
      const error = Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
      assert.strictEqual((error as { _tag?: string })?._tag, "UserSigError")
      assert.strictEqual((error as { reason?: string })?.reason, "InvalidSdkAppId")
      const ok = yield* Effect.provide(
        TimClient.TimClient,
        TimClient.layer({ sdkAppId: 1400000000, secretKey: Redacted.make("k"), region: "jakarta" }).pipe(
          Layer.provide(http)
        )
      )
      assert.deepStrictEqual(
        [ok.sdkAppId, ok.identifier, ok.baseUrl],
        [1400000000, "administrator", "https://adminapiidn.im.qcloud.com"]
      )
    })
  )

  it.effect("layerConfig reads TIM_SDKAPPID, TIM_SECRET_KEY, TIM_IDENTIFIER, TIM_REGION or TIM_ENDPOINT", () =>
    Effect.gen(function* () {
      const fromEnv = (env: Record<string, string>, overrides: TimClient.ClientOptions = {}) =>
        Effect.exit(
          Effect.provide(
            Effect.map(TimClient.TimClient, (c) => [c.sdkAppId, c.identifier, c.baseUrl] as const),
            TimClient.layerConfig(overrides).pipe(
              Layer.provide(http),
              Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
            )
          )
        )
      const base = { TIM_SDKAPPID: "1400000001", TIM_SECRET_KEY: "k" }
      assert.deepStrictEqual(
        yield* fromEnv({ ...base, TIM_REGION: "seoul" }),
        Exit.succeed([1400000001, "administrator", "https://adminapikr.im.qcloud.com"] as const)
      )
      assert.deepStrictEqual(
        yield* fromEnv({ ...base, TIM_IDENTIFIER: "ops", TIM_ENDPOINT: "http://127.0.0.1:4000" }),
        Exit.succeed([1400000001, "ops", "http://127.0.0.1:4000"] as const)
      )
      assert.deepStrictEqual(
        yield* fromEnv({ ...base, TIM_ENDPOINT: "http://127.0.0.1:4000" }, { region: "tokyo" }),
        Exit.succeed([1400000001, "administrator", "https://adminapijpn.im.qcloud.com"] as const)
      )
      assert.strictEqual(optionOf(yield* fromEnv({ ...base, TIM_REGION: "moon" })), "region")
      assert.strictEqual(
        optionOf(yield* fromEnv({ ...base, TIM_REGION: "seoul", TIM_ENDPOINT: "https://x.y" })),
        "endpoint"
      )
      const missing = yield* fromEnv({ TIM_SDKAPPID: "1" })
      assert.isTrue(Exit.isFailure(missing))
      assert.notInclude(String(missing), "TIM_SECRET_KEY=")
    })
  )
})
