/**
 * @since 0.1.0
 */
export * as BulkInput from "./BulkInput.js"
export * as Cli from "./Cli.js"
export * as Failures from "./Failures.js"
export * as Journal from "./Journal.js"
