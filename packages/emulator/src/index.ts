/**
 * A local Tencent Cloud Chat REST server for tests, demos and benchmarks.
 *
 * @since 0.1.0
 */

/**
 * The emulator: options, service, layers and the foreground runner.
 *
 * @since 0.1.0
 */
export * as Emulator from "./Emulator.js"

/**
 * The error of this package, with a `reason`.
 *
 * @since 0.1.0
 */
export * as EmulatorError from "./EmulatorError.js"
