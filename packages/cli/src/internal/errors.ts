/**
 * The CLI's own failures: a usage problem (exit 1) and the signal that some items failed (exit 2).
 */
import type { Command } from "@effect/cli"
import type { CliApp } from "@effect/cli/CliApp"
import { Data } from "effect"

/** The command line or its input is invalid; nothing was sent. Exit code 1. */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

/** The command ran but some items failed (they were printed). Exit code 2. */
export class ItemsFailed extends Data.TaggedError("ItemsFailed")<{ readonly failed: number }> {}

/** A bulk run stopped on a signal after printing its summary. Exit code 130 (SIGINT) or 143 (SIGTERM). */
export class Interrupted extends Data.TaggedError("Interrupted")<{ readonly signal: "SIGINT" | "SIGTERM" }> {}

/** A top-level subcommand of `tim`, typed without its parsed options (its declaration stays portable). */
export type Subcommand<Name extends string> = Command.Command<Name, CliApp.Environment, unknown, any>
