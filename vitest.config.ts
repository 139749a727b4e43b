import { defineConfig } from "vitest/config"

// Workspace packages resolve to their sources through the `@effect-tim/source` export condition, so tests never
// depend on a previous build. Vite applies `resolve.conditions` to client code only: tests run as SSR, and
// workspace packages are externalised (loaded by Node), hence the SSR and external conditions as well.
const conditions = ["@effect-tim/source"]

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ["packages/*/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks"
  }
})
