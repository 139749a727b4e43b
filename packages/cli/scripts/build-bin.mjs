// Bundles the `tim` executable (src/bin.ts) into dist/bin.js with esbuild: one tree-shaken, minified file, plus
// the chunks that only some commands load when they run (the emulator, the demo, the HTTP client), so that
// `tim --version` and `tim --help` load only the command tree. The library (dist/index.js) is built by tsc.
// Then runs `dist/bin.js --version` and checks that it prints this package's version.
import { execFileSync } from "node:child_process"
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as esbuild from "esbuild"

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"))

// Barrel imports become deep imports in our sources: `import { Effect, Option } from "effect"` is compiled as
// `import * as Effect from "effect/Effect"; import * as Option from "effect/Option"` (the same modules). With
// code splitting a barrel shared by the start-up code and the lazy chunks would drag whatever any chunk uses into
// the start-up chunk; and `@effect/platform-node`'s index re-exports `undici` (CommonJS, ~0.5 MB) with
// `export *`, which no bundler can tree-shake. An import that is not all namespaces is left as it is.
const barrelImport = /import\s+(type\s+)?\{([^}]*)\}\s+from\s+"(effect|@effect\/(?:platform|platform-node|cli))"/g
const deepImports = {
  name: "deep-imports",
  setup(build) {
    build.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]src[\\/].*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, "utf8")
      const contents = source.replace(barrelImport, (statement, typeOnly, list, from) => {
        const names = list
          .split(",")
          .map((name) => name.trim())
          .filter((name) => name.length > 0)
          .map((name) => /^(type\s+)?([A-Z]\w*)(?:\s+as\s+(\w+))?$/.exec(name))
        if (names.some((match) => match === null)) return statement
        return names
          .map(([, type, imported, local]) => {
            const kind = typeOnly || type ? "import type" : "import"
            return `${kind} * as ${local ?? imported} from "${from}/${imported}"`
          })
          .join(";")
      })
      return { contents, loader: "ts" }
    })
  }
}

// The version `tim --version` prints: read from package.json now, so the bin and the package always agree
// (the sources and the library read the same file at run time, see src/internal/version.ts).
const inlineVersion = {
  name: "inline-version",
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]internal[\\/]version\.ts$/ }, () => ({
      contents: `export const version = ${JSON.stringify(version)}`,
      loader: "ts"
    }))
  }
}

const dist = path.join(root, "dist")
rmSync(path.join(dist, "bin"), { recursive: true, force: true })
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { bin: "src/bin.ts" },
  outdir: dist,
  chunkNames: "bin/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.11",
  // The workspace packages are bundled from their sources (the same condition the tests run with).
  conditions: ["@effect-tim/source"],
  minify: !process.argv.includes("--no-minify"),
  treeShaking: true,
  legalComments: "eof",
  metafile: true,
  // Bundled CommonJS dependencies call `require` for Node's built-in modules.
  banner: {
    js: 'import { createRequire as __timRequire } from "node:module"; const require = __timRequire(import.meta.url);'
  },
  plugins: [inlineVersion, deepImports],
  logLevel: "warning"
})
// `--meta FILE` writes esbuild's metafile, to see what the bundle holds (https://esbuild.github.io/analyze/).
const meta = process.argv.indexOf("--meta")
if (meta > 0 && process.argv[meta + 1] !== undefined)
  writeFileSync(process.argv[meta + 1], JSON.stringify(result.metafile))
const bin = path.join(dist, "bin.js")
chmodSync(bin, 0o755)

// What `tim` loads before it runs a command: the entry and the chunks it imports statically. The emulator and the
// HTTP client must stay out of it (they are imported when a command needs them; see src/internal/lazy.ts).
const outputs = result.metafile.outputs
const startup = new Set()
const visit = (file) => {
  if (startup.has(file)) return
  startup.add(file)
  for (const i of outputs[file].imports) if (i.kind === "import-statement" && i.path in outputs) visit(i.path)
}
visit(path.relative(root, bin))
const eager = [...startup].flatMap((file) => Object.keys(outputs[file].inputs))
const heavy = eager.filter((input) => /packages[\\/]emulator[\\/]|node_modules[\\/](undici|ws)[\\/]/.test(input))
if (heavy.length > 0) {
  console.error(`build-bin: start-up loads what only some commands need:\n  ${heavy.slice(0, 10).join("\n  ")}`)
  process.exit(1)
}
const startupBytes = [...startup].reduce((sum, file) => sum + outputs[file].bytes, 0)

const printed = execFileSync(process.execPath, [bin, "--version"], { encoding: "utf8" }).trim()
if (printed !== version) {
  console.error(`build-bin: dist/bin.js --version printed ${JSON.stringify(printed)}, package.json says ${version}`)
  process.exit(1)
}
const sizes = Object.entries(result.metafile.outputs)
  .filter(([file]) => file.endsWith(".js"))
  .map(([file, o]) => `${path.relative(root, file)} ${(o.bytes / 1024).toFixed(0)} kB`)
console.log(`build-bin: tim ${version}; start-up loads ${(startupBytes / 1024).toFixed(0)} kB\n  ${sizes.join("\n  ")}`)
