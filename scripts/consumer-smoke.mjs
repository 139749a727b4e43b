// The packages as a user gets them: packs every package as it would be published, checks every README's install
// line against the packages' peer ranges and versions, then, in a fresh npm project outside the workspace, runs
// every install line (npm is strict about peers: a wrong range fails here as it would for a user), type-checks the
// root README's programs with `strict` and runs them against `tim emulator` from the installed CLI tarball.
// Run after `pnpm build`. Exit 0 only if all of that works.
import { execFileSync, spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

const root = resolve(import.meta.dirname, "..")
const semver = createRequire(import.meta.url)("semver")
const started = Date.now()
const log = (line) => console.log(`consumer-smoke: ${line}`)
const fail = (line) => {
  console.error(`consumer-smoke: FAILED: ${line}`)
  process.exit(1)
}
const run = (cmd, args, options = {}) => {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options })
  } catch (e) {
    fail(`${cmd} ${args.join(" ")}\n${e.stdout ?? ""}${e.stderr ?? ""}`)
  }
}

// --- the packages --------------------------------------------------------------------------------------------------
const work = mkdtempSync(join(tmpdir(), "effect-tim-consumer-"))
const keep = process.argv.includes("--keep")
process.on("exit", () => (keep ? log(`kept ${work}`) : rmSync(work, { recursive: true, force: true })))
const tarballs = join(work, "tarballs")
mkdirSync(tarballs)
const packages = new Map() // name -> { version, tarball, peers }
for (const dir of readdirSync(join(root, "packages")).sort()) {
  const pkgDir = join(root, "packages", dir)
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"))
  if (pkg.private) continue
  const before = new Set(readdirSync(tarballs))
  run("pnpm", ["pack", "--pack-destination", tarballs], { cwd: pkgDir })
  const tarball = readdirSync(tarballs).find((f) => !before.has(f))
  packages.set(pkg.name, { version: pkg.version, tarball: join(tarballs, tarball), peers: pkg.peerDependencies ?? {} })
}
log(`packed ${[...packages].map(([n, p]) => `${n}@${p.version}`).join(", ")}`)

// --- every README's install lines ----------------------------------------------------------------------------------
// A third-party package named in an install line must carry a range, and that range must meet every peer range our
// packages declare for it (the registry's `latest` of effect is 4.x: a bare `effect` installs the wrong line).
const peerRanges = new Map()
for (const { peers } of packages.values())
  for (const [name, range] of Object.entries(peers)) peerRanges.set(name, [...(peerRanges.get(name) ?? []), range])
const readmes = [
  "README.md",
  ...readdirSync(join(root, "packages")).map((d) => join("packages", d, "README.md"))
].filter((f) => {
  try {
    readFileSync(join(root, f))
    return true
  } catch {
    return false
  }
})
const installLines = [] // { file, words }
for (const file of readmes) {
  const text = readFileSync(join(root, file), "utf8")
  for (const [, block] of text.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```$/gm)) {
    for (const raw of block.split("\n")) {
      const line = raw.replace(/\s+#.*$/, "").trim()
      if (!/^(npm (install|i|add)|pnpm add|yarn add) /.test(line)) continue
      installLines.push({ file, words: line.split(/\s+/) })
    }
  }
}
if (!installLines.some((l) => l.file === "README.md")) fail("the root README has no install line")
const splitSpec = (word) => {
  const at = word.lastIndexOf("@")
  return at > 0 ? [word.slice(0, at), word.slice(at + 1)] : [word, undefined]
}
for (const { file, words } of installLines) {
  for (const word of words.slice(2)) {
    if (word.startsWith("-")) continue
    const [name, range] = splitSpec(word)
    const ours = packages.get(name)
    if (name.startsWith("@effect-tim/")) {
      if (!ours) fail(`${file}: \`${words.join(" ")}\` names ${name}, which is not one of our packages`)
      if (range && !semver.satisfies(ours.version, range))
        fail(`${file}: ${word} does not match the package's version ${ours.version}`)
      continue
    }
    if (!range) fail(`${file}: \`${words.join(" ")}\` installs ${name} without a version range`)
    for (const peer of peerRanges.get(name) ?? [])
      if (!semver.intersects(range, peer)) fail(`${file}: ${word} does not meet our peer range ${name}@${peer}`)
  }
}
log(`${installLines.length} install lines in ${new Set(installLines.map((l) => l.file)).size} READMEs checked`)

// --- a fresh npm project ---------------------------------------------------------------------------------------------
// Our packages come from the tarballs: overrides stand in for the registry for their cross-dependencies. npm wants
// an override of a direct dependency to say `$name`, so they are rewritten before each install.
const project = join(work, "app")
mkdirSync(project)
const manifest = join(project, "package.json")
writeFileSync(manifest, JSON.stringify({ name: "effect-tim-consumer", private: true, type: "module" }, null, 2))
const setOverrides = (named) => {
  const pkg = JSON.parse(readFileSync(manifest, "utf8"))
  const direct = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {}), ...named])
  pkg.overrides = Object.fromEntries(
    [...packages].map(([name, p]) => [name, direct.has(name) ? `$${name}` : `file:${p.tarball}`])
  )
  writeFileSync(manifest, JSON.stringify(pkg, null, 2))
}
const npmFlags = ["--no-audit", "--no-fund", "--loglevel=error"]
const toNpm = (words) => {
  const args = words.slice(2).filter((w) => w !== "-g" && w !== "--global")
  return args.map((word) => {
    if (word.startsWith("-")) return word
    const [name] = splitSpec(word)
    return packages.has(name) ? packages.get(name).tarball : word
  })
}
// The root README's lines first, exactly as written (a user copies those); then every package README's line.
const ordered = [
  ...installLines.filter((l) => l.file === "README.md"),
  ...installLines.filter((l) => l.file !== "README.md")
]
for (const { file, words } of ordered) {
  log(`${file}: ${words.join(" ")}`)
  setOverrides(
    words
      .slice(2)
      .map((w) => splitSpec(w)[0])
      .filter((n) => packages.has(n))
  )
  run("npm", ["install", ...npmFlags, ...toNpm(words)], { cwd: project })
}
run("npm", ["install", ...npmFlags, "-D", "typescript@~5.9.3", "@types/node@^20.19.0"], { cwd: project })
const installed = JSON.parse(readFileSync(join(project, "node_modules/effect/package.json"), "utf8")).version
if (!semver.satisfies(installed, "^3.22")) fail(`npm installed effect ${installed}, not the 3.x line`)
log(`installed effect ${installed}`)

// --- the root README's programs: strict type-check, then run against `tim emulator` ---------------------------------
const readme = readFileSync(join(root, "README.md"), "utf8")
const blocks = [...readme.matchAll(/^```(?:ts|typescript)\n([\s\S]*?)^```$/gm)].map((m) => m[1])
const usage = blocks.find((b) => b.includes("Friends.Friends"))
const promise = blocks.find((b) => b.includes("new TimFriends("))
if (!usage) fail("the root README has no Effect usage program")
if (!promise) fail("the root README has no Promise API program")
mkdirSync(join(project, "src"))
writeFileSync(join(project, "src/usage.ts"), usage)
writeFileSync(join(project, "src/promise.ts"), promise)
writeFileSync(
  join(project, "tsconfig.json"),
  JSON.stringify({
    compilerOptions: {
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      target: "es2022",
      module: "nodenext",
      moduleResolution: "nodenext",
      lib: ["es2022"],
      types: ["node"],
      outDir: "dist",
      // as `tsc --init` writes it: @effect/platform's own declarations need the DOM lib, which a Node app lacks
      skipLibCheck: true
    },
    include: ["src"]
  })
)
run("npx", ["tsc", "-p", "."], { cwd: project })
log("root README programs type-check (strict)")

const env = {
  ...process.env,
  NO_COLOR: "1",
  TIM_SDKAPPID: "1400000999",
  TIM_SECRET_KEY: "consumer-smoke-secret-key-0123456789abcdef",
  TIM_IDENTIFIER: "administrator"
}
delete env.TIM_REGION
// The installed bin itself, not through npx: npx does not pass a SIGTERM on, and the emulator would outlive the run.
const timBin = join(project, "node_modules/.bin/tim")
const emulator = spawn(timBin, ["emulator", "--port", "0"], { cwd: project, env, stdio: ["ignore", "pipe", "pipe"] })
let emulatorOut = ""
const endpoint = await new Promise((ok) => {
  const timer = setTimeout(() => ok(undefined), 60_000)
  const onData = (chunk) => {
    emulatorOut += chunk
    const url = emulatorOut.match(/https?:\/\/127\.0\.0\.1:\d+/)
    if (url) {
      clearTimeout(timer)
      ok(url[0])
    }
  }
  emulator.stdout.on("data", onData)
  emulator.stderr.on("data", onData)
  emulator.on("exit", () => ok(undefined))
})
const stopEmulator = () => emulator.exitCode === null && emulator.signalCode === null && emulator.kill("SIGKILL")
process.on("exit", stopEmulator)
if (!endpoint) fail(`tim emulator printed no URL:\n${emulatorOut}`)
log(`tim emulator at ${endpoint}`)
env.TIM_ENDPOINT = endpoint

// The Effect program befriends accounts that must exist: the installed `tim` imports them, as an operator would.
const imported = run(timBin, ["account", "import", "alice", "bob", "carol", "dave"], { cwd: project, env })
log(`tim account import: ${imported.trim().split("\n").length} lines`)
const usageOut = run("node", ["dist/usage.js"], { cwd: project, env })
if (!/added \d+, failed \d+/.test(usageOut)) fail(`the README's Effect program printed:\n${usageOut}`)
log(`README Effect program: ${usageOut.match(/added \d+, failed \d+/)[0]}`)
const promiseOut = run("node", ["dist/promise.js"], { cwd: project, env })
log(`README Promise program printed ${promiseOut.trim().split("\n").length} lines`)
// A clean stop: SIGTERM, and the emulator exits by itself (SIGKILL on the way out otherwise).
const stopped = new Promise((ok) => emulator.on("exit", (code, signal) => ok(signal ?? code)))
emulator.kill("SIGTERM")
const how = await Promise.race([stopped, new Promise((ok) => setTimeout(() => ok("still running after 10 s"), 10_000))])
if (how !== 0 && how !== "SIGTERM" && how !== 143) fail(`tim emulator did not stop on SIGTERM: ${how}`)
log(`passed in ${((Date.now() - started) / 1000).toFixed(1)} s`)
process.exit(0)
