/**
 * A private `redis-server` for one test file (or one benchmark): a free loopback port, no persistence, stopped
 * with its scope. Never the default port, never a system service.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createServer } from "node:net"
import { Effect, type Scope } from "effect"

/** A running (or stopped, restartable) server. */
export interface RedisServer {
  readonly port: number
  readonly url: string
  /** Stops it (SIGTERM) and waits for the exit. */
  readonly stop: Effect.Effect<void>
  /** Starts it again on the same port (empty: nothing is persisted). */
  readonly start: Effect.Effect<void>
  /** Freezes it (SIGSTOP): connections stay open, nothing is answered. */
  readonly pause: Effect.Effect<void>
  /** Unfreezes it (SIGCONT). */
  readonly resume: Effect.Effect<void>
}

const freePort = Effect.async<number>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

const launch = (port: number) =>
  Effect.async<ChildProcess, Error>((resume) => {
    const child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
      { stdio: ["ignore", "pipe", "pipe"] }
    )
    let output = ""
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes("Ready to accept connections")) {
        child.stdout?.off("data", onData)
        child.stdout?.resume()
        resume(Effect.succeed(child))
      }
    }
    child.stdout?.on("data", onData)
    child.stderr?.resume()
    child.once("error", (error) => resume(Effect.fail(error)))
    child.once("exit", (code) =>
      resume(Effect.fail(new Error(`redis-server exited with ${code}: ${output.slice(-500)}`)))
    )
  })

const terminate = (child: ChildProcess) =>
  Effect.async<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
    child.once("exit", () => resume(Effect.void))
    child.kill("SIGCONT")
    child.kill("SIGTERM")
  })

/** Starts a server on a free port; stops it when the scope closes. */
export const redisServer: Effect.Effect<RedisServer, Error, Scope.Scope> = Effect.gen(function* () {
  const port = yield* freePort
  let child = yield* launch(port)
  yield* Effect.addFinalizer(() => terminate(child))
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: Effect.suspend(() => terminate(child)),
    start: Effect.orDie(
      Effect.map(launch(port), (c) => {
        child = c
      })
    ),
    pause: Effect.sync(() => void child.kill("SIGSTOP")),
    resume: Effect.sync(() => void child.kill("SIGCONT"))
  }
})
