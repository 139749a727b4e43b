import { assert, describe, it } from "@effect/vitest"
import { Redacted } from "effect"
import { CallbackToken } from "../src/index.js"

describe("CallbackToken", () => {
  it("sign is the lowercase hex SHA-256 of the token's UTF-8 bytes followed by RequestTime in decimal", () => {
    // Computed independently: python3 -c "import hashlib; print(hashlib.sha256('tok-你好1700000000'.encode()).hexdigest())"
    assert.strictEqual(
      CallbackToken.sign(Redacted.make("tok-你好"), 1700000000),
      "f6e66ba9fe4bd452bbf5333bae97806b4ee592a961125f7ced14e5dca8e94ab9"
    )
    assert.notStrictEqual(
      CallbackToken.sign(Redacted.make("tok-你好"), 1700000001),
      CallbackToken.sign(Redacted.make("tok-你好"), 1700000000)
    )
  })

  it("problem refuses an empty token only; no token means unsigned callbacks", () => {
    assert.include(CallbackToken.problem(Redacted.make("")), "must not be empty")
    assert.isUndefined(CallbackToken.problem(Redacted.make("t")))
    assert.isUndefined(CallbackToken.problem(undefined))
  })
})
