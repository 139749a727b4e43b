#!/usr/bin/env -S node --max-old-space-size=192
/**
 * The `tim` executable.
 *
 * @since 0.1.0
 */
import * as Cli from "./Cli.js"

// Cli.main runs tim as the process: exit code, and SIGINT/SIGTERM (summary, 130/143) instead of runMain's exit 0.
Cli.main(process.argv)
