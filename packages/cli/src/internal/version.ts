/**
 * The CLI package's own version, read from its package.json. The bundled bin replaces this module with the
 * version read at build time (scripts/build-bin.mjs), so it never reads files at start-up.
 */
import { createRequire } from "node:module"

/** The version in this package's package.json (`src/internal` and `dist/internal` are both two levels down). */
export const version: string = (createRequire(import.meta.url)("../../package.json") as { readonly version: string })
  .version
