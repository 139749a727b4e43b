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

/**
 * The seeded PRNG of fault injection, for reproducible plans in demos and tests.
 *
 * @since 0.1.0
 */
export * as Prng from "./Prng.js"

/**
 * A layer with an emulator and a `TimClient` pointed at it, and one call to seed accounts: for testing code
 * built on `@effect-tim/transport` or `@effect-tim/friends`.
 *
 * @since 0.1.0
 */
export * as TestKit from "./TestKit.js"
