import { posix } from 'node:path';
import type Docker from 'dockerode';
import {
  substituteContainerEnv,
  type EnvironmentSpec,
  type ContainerExecOptions,
  type ContainerExecResult,
  type StationContainer,
} from '../../core/container';
import { LOG_FILE_CAP_BYTES } from '../../contracts';
import { runExec, type Violation } from './exec';
import type { Watchdog } from './watchdog';
import { copyWorkspaceOut } from './workspace-copy';

/** Default per-stream output cap of an exec: the log file cap, so no more crosses from the engine than a log keeps. */
export const DEFAULT_MAX_OUTPUT_BYTES = LOG_FILE_CAP_BYTES;

/** What a DockerStation is made of; built by DockerContainerRuntime.prepare. */
export interface StationParts {
  docker: Docker;
  id: string;
  imageDigest: string;
  configHash: string;
  spec: EnvironmentSpec;
  /** Default exec user ('' = image default; only when the image has no non-root user). */
  user: string;
  /** Image env plus containerEnv, for `${containerEnv:X}` in remoteEnv. */
  containerEnv: Record<string, string>;
  watchdog: Watchdog;
  reused: boolean;
  /** Set when the workspace is copied (remote engine): host folder to copy back to. */
  copyBackTo?: string;
  onRemoved: () => void;
}

/** A station container on a Docker engine. */
export class DockerStation implements StationContainer {
  readonly id: string;
  readonly imageDigest: string;
  readonly configHash: string;
  readonly user: string;
  readonly workspaceFolder: string;
  reused: boolean;
  /** Set once a resource wall ended the station; later execs fail with it. */
  ended?: Violation;
  private readonly remoteEnv: string[];

  constructor(private readonly parts: StationParts) {
    this.id = parts.id;
    this.imageDigest = parts.imageDigest;
    this.configHash = parts.configHash;
    this.user = parts.user || 'root';
    this.workspaceFolder = parts.spec.workspaceFolder;
    this.reused = parts.reused;
    this.remoteEnv = Object.entries(parts.spec.remoteEnv).map(([k, v]) => `${k}=${substituteContainerEnv(v, parts.containerEnv)}`);
  }

  /** See StationContainer.exec. Rejects when the station was ended by a resource wall. */
  async exec(argv: string[], opts: ContainerExecOptions = {}): Promise<ContainerExecResult> {
    if (argv.length === 0) throw new TypeError('exec needs at least the program name');
    if (this.ended) throw new Error(`station ${this.id.slice(0, 12)} has ended: ${this.ended.detail}`);
    const cwd = opts.cwd ? posix.resolve(this.workspaceFolder, opts.cwd) : this.workspaceFolder;
    return runExec({
      docker: this.parts.docker,
      containerId: this.id,
      argv,
      env: [...this.remoteEnv, ...Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`)],
      cwd,
      user: opts.user ?? this.parts.spec.remoteUser ?? this.parts.user,
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      maxOutputBytes: opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
      onStdout: opts.onStdout,
      onStderr: opts.onStderr,
      watch: () => this.parts.watchdog.watch(),
      onStationEnded: (v) => (this.ended = v),
    });
  }

  async syncOut(): Promise<void> {
    if (this.parts.copyBackTo) await copyWorkspaceOut(this.parts.docker, this.id, this.parts.copyBackTo, this.parts.spec.workspaceMountTarget);
  }

  async stop(): Promise<void> {
    await this.parts.docker
      .getContainer(this.id)
      .stop({ t: 2 })
      .catch((e: { statusCode?: number }) => {
        if (e.statusCode !== 304) throw e;
      });
  }

  async remove(): Promise<void> {
    await this.parts.docker
      .getContainer(this.id)
      .remove({ force: true, v: true })
      .catch((e: { statusCode?: number }) => {
        if (e.statusCode !== 404) throw e;
      });
    this.parts.onRemoved();
  }
}
