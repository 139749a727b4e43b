import { configDefaults, defineConfig } from "vitest/config"

// Workspace packages resolve to their sources through the `@effect-tim/source` export condition, so tests never
// depend on a previous build. Vite applies `resolve.conditions` to client code only: tests run as SSR, and
// workspace packages are externalised (loaded by Node), hence the SSR and external conditions as well.
const conditions = ["@effect-tim/source"]

/**
 * Tests that measure a rate against a strict server-side window, which the other test files running beside them on
 * a 2-core machine would distort: `pnpm test` runs them after the rest, alone (vitest.solo.config.ts).
 */
export const solo = ["packages/redis/test/SharedBudget.test.ts"]

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ["packages/*/test/**/*.test.ts"],
    exclude: [...configDefaults.exclude, ...solo],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks"
  }
})
