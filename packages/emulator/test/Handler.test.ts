/**
 * The item writers of the batch answers: the prebuilt fast path of a two-way check writes the bytes the general
 * form writes.
 */
import { assert, describe, it } from "@effect/vitest"
import { quote, relationCheck } from "../src/internal/handler.js"

const relations = { none: "R_None", aWithB: "R_AWithB", bWithA: "R_BWithA", bothWay: "R_Both" } as const

/** The general form of an item, as JSON.stringify writes it. */
const general = (toAccount: string, code: number, info: string, relation: string) =>
  JSON.stringify({ To_Account: toAccount, Relation: relation, ResultCode: code, ResultInfo: info })

describe("relation check items", () => {
  it("write the same text on the fast path (success, no info) and off it", () => {
    const check = relationCheck(relations)
    for (const toAccount of ["u1", "user_2-x", "a b", 'quo"te', "é", ""]) {
      for (const relation of [...Object.values(relations), undefined]) {
        for (const [code, info] of [
          [0, ""],
          [30001, "Err_SNS_Invalid"],
          [0, "note"]
        ] as const) {
          const text = check.write(toAccount, code, info, relation)
          assert.strictEqual(text, general(toAccount, code, info, relation ?? relations.none))
          assert.deepStrictEqual(JSON.parse(text), JSON.parse(general(toAccount, code, info, relation ?? "R_None")))
        }
      }
    }
    assert.strictEqual(quote("u1"), '"u1"')
  })

  it("outcome picks the relation from both directions", () => {
    const check = relationCheck(relations)
    assert.deepStrictEqual(
      [check.outcome(false, false), check.outcome(true, false), check.outcome(false, true), check.outcome(true, true)],
      [
        [0, "", "R_None"],
        [0, "", "R_AWithB"],
        [0, "", "R_BWithA"],
        [0, "", "R_Both"]
      ]
    )
  })
})
