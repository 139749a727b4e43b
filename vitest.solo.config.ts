import { defineConfig } from "vitest/config"
import base, { solo } from "./vitest.config.js"

// The tests that must run alone (see `solo` in vitest.config.ts), one file at a time, after the rest.
export default defineConfig({
  ...base,
  test: { ...base.test, include: solo, exclude: [], fileParallelism: false }
})
