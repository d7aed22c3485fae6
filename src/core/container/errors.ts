/**
 * Typed failures of the container runtime. The environment's failures (engine down, image
 * build, lifecycle command) are RetryableCause with the RETRYABLE_FAILURE reason code
 * (src/contracts/terminal-state.ts) the run engine ends with once retries are spent, so
 * they reach the engine as they are. Errors that are not (refused configuration or mount)
 * are the user's to fix and end the run another way.
 */
import { RetryableCause } from '../run/errors';

/** One way of reaching an engine that was tried, and why it failed. */
export interface EngineAttempt {
  /** Where the endpoint came from: `DOCKER_HOST`, `context "x"`, `default socket`, `setting`. */
  source: string;
  /** The endpoint, e.g. `unix:///var/run/docker.sock`. */
  endpoint: string;
  error: string;
}

/** No Docker engine answered. The message lists every attempt and how to start Docker. */
export class EngineUnavailableError extends RetryableCause {
  constructor(readonly attempts: EngineAttempt[]) {
    super(
      'engine-unavailable',
      [
        'No Docker engine answered. Tried:',
        ...attempts.map((a) => `  - ${a.source}: ${a.endpoint} (${a.error})`),
        'Start Docker (Linux: `sudo systemctl start docker` or `sudo dockerd &`; macOS/Windows: open Docker Desktop),',
        'or point DOCKER_HOST / `docker context use` / the shopfloor.docker.host setting at a running engine.',
      ].join('\n'),
    );
    this.name = 'EngineUnavailableError';
  }
}

/** The image could not be built or found; `log` holds the tail of the build output. */
export class ImageBuildError extends RetryableCause {
  constructor(
    message: string,
    readonly log: string,
  ) {
    super('image-build-failed', message);
    this.name = 'ImageBuildError';
  }
}

/**
 * A devcontainer.json (or blueprint environment) asks for something Shopfloor refuses or
 * cannot read: each problem names the property. Not retryable: the configuration must change.
 */
export class ConfigRefusedError extends Error {
  constructor(
    readonly configPath: string,
    readonly problems: { property: string; message: string }[],
  ) {
    super(`${configPath} cannot be used:\n${problems.map((p) => `  - ${p.property}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigRefusedError';
  }
}

/** A mount whose source resolves outside the run's workspace, found before the container is created. */
export class MountRefusedError extends Error {
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`mount of ${JSON.stringify(source)} refused: ${reason}`);
    this.name = 'MountRefusedError';
  }
}

/** A lifecycle command (onCreateCommand, ...) failed; the container is left for inspection. */
export class LifecycleCommandError extends RetryableCause {
  constructor(
    readonly hook: string,
    readonly exitCode: number,
    readonly detail: string,
  ) {
    super('station-crashed', `${hook} failed with exit code ${exitCode}${detail ? `: ${detail}` : ''}`);
    this.name = 'LifecycleCommandError';
  }
}
