/**
 * Ports: the small interfaces through which src/core talks to the world (style.md
 * "Ports, not service locators"). Implementations live in src/adapters and are wired
 * in one composition root per entry point (src/extension.ts, src/cli/main.ts).
 * Further ports (ContainerRuntime, GitWorkspace, AgentRunner, Journal) join as the
 * capabilities that need them land.
 */

/** Wall clock; injected so tests control time. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** Structured logger; the host backs it with a LogOutputChannel, the CLI with stderr. */
export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}

export const systemClock: Clock = { now: () => Date.now() };
