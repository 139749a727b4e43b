/**
 * The Accounts service over HTTP against the emulator: import, check, remove, AllowType.
 */
import { assert, describe, it } from "@effect/vitest"
import { Emulator } from "@effect-tim/emulator"
import { Effect, Either } from "effect"
import { Accounts, Friends } from "../src/index.js"
import { ids, layer } from "./fixtures/setup.js"

const values = <A, E>(result: Friends.BatchResult<A, E>) =>
  result.items.map((i) => (Either.isRight(i.result) ? i.result.right : (i.result.left as { _tag: string })._tag))

describe("Accounts over HTTP against the emulator", () => {
  it.layer(layer({ defaultAllowType: "AllowType_Type_NeedConfirm" }))("", (it) => {
    it.effect("import (split by 100), check, remove: one outcome per account, in order", () =>
      Effect.gen(function* () {
        const accounts = yield* Accounts.Accounts
        const emulator = yield* Emulator.Emulator
        const list = ids(230, "acc")
        const imported = yield* accounts.import([...list, "not valid!", list[0]!])
        assert.strictEqual(imported.items.length, 232)
        assert.deepStrictEqual(values(imported).slice(228), [undefined, undefined, "InvalidItem", "InvalidItem"])
        assert.isTrue(imported.items.slice(0, 230).every((i) => Either.isRight(i.result)))
        const state = yield* emulator.snapshot
        assert.isTrue(list.every((id) => state.accounts.some((a) => a.userId === id)))

        const [gone, kept] = [list.slice(0, 120), list.slice(120)]
        const removed = yield* accounts.remove(gone)
        assert.deepStrictEqual(
          values(removed),
          gone.map(() => undefined)
        )
        const checked = yield* accounts.check([gone[0]!, kept[0]!, ...gone.slice(1, 101)])
        assert.deepStrictEqual(values(checked).slice(0, 2), ["NotImported", "Imported"])
        assert.isTrue(
          values(checked)
            .slice(2)
            .every((v) => v === "NotImported")
        )
        assert.strictEqual(yield* accounts.checkOne(kept[1]!), "Imported")
      })
    )

    it.effect("setAllowType and getAllowType; friend_add follows the AllowType set", () =>
      Effect.gen(function* () {
        const accounts = yield* Accounts.Accounts
        const friends = yield* Friends.Friends
        const [alice, open, closed, plain] = ids(4, "allow")
        yield* accounts.import([alice!, open!, closed!, plain!])
        const set = yield* accounts.setAllowType([open!, closed!], "AllowType_Type_AllowAny")
        assert.deepStrictEqual(values(set), [undefined, undefined])
        yield* accounts.setAllowTypeOne(closed!, "AllowType_Type_DenyAny")
        const got = yield* accounts.getAllowType([open!, closed!, plain!])
        assert.deepStrictEqual(values(got), [
          "AllowType_Type_AllowAny",
          "AllowType_Type_DenyAny",
          "AllowType_Type_NeedConfirm"
        ])
        const added = yield* friends.add(alice!, [open!, closed!, plain!])
        assert.deepStrictEqual(values(added), ["Added", "AddDenied", "Pending"])

        // An AllowType that is not one is refused before anything is sent.
        const bad = yield* Effect.flip(accounts.setAllowType([open!], "AllowType_Type_Maybe" as never))
        assert.deepStrictEqual([bad._tag, bad.field], ["InvalidRequest", "allowType"])
      })
    )
  })
})
