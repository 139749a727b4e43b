import { defineConfig } from "vitest/config"
import base from "./vitest.config.js"

// The transport and friends tests again, in workers where code generation from strings (`new Function`, `eval`) is
// forbidden, as on Cloudflare Workers and hardened Node: the packages must not need it. Only the workers get the
// flag (vitest and pnpm themselves use `new Function`; tinypool's worker handshake is patched not to, see
// patches/). Run: pnpm run test:restricted
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["packages/transport/test/**/*.test.ts", "packages/friends/test/**/*.test.ts"],
    poolOptions: { forks: { execArgv: ["--disallow-code-generation-from-strings"] } }
  }
})
