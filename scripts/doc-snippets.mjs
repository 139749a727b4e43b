// Extracts every ```ts block of the READMEs into examples/doc-snippets/ (git-ignored), so that `pnpm typecheck`
// type-checks the examples the documentation shows. Each block must be a complete program (imports included).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"

const out = "examples/doc-snippets"
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
const readmes = [
  ["root", "README.md"],
  ...readdirSync("packages").map((name) => [name, join("packages", name, "README.md")])
]
let count = 0
for (const [name, file] of readmes) {
  const blocks = readFileSync(file, "utf8").matchAll(/^```(?:ts|typescript)\n([\s\S]*?)^```$/gm)
  let i = 0
  for (const [, code] of blocks) {
    writeFileSync(join(out, `${name}-${++i}.ts`), `// from ${file}\n${code}export {}\n`)
    count++
  }
}
console.log(`${count} TypeScript examples from the READMEs in ${out}/`)
