/**
 * @since 0.1.0
 */
export * as TimClient from "./TimClient.js"
export * as TransportError from "./TransportError.js"
