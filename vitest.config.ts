import { defineConfig } from "vitest/config"

// Workspace packages resolve to their sources through the `@effect-tim/source` export condition,
// so tests never depend on a previous build.
export default defineConfig({
  resolve: { conditions: ["@effect-tim/source"] },
  test: {
    include: ["packages/*/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks"
  }
})
