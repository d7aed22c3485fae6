/**
 * Shapes of the container runtime port (design.md "Isolation and security defaults").
 * Everything here is plain data so the run engine, fakes and the docker adapter agree
 * without importing each other. Sizes are bytes, durations milliseconds, unless a name
 * says otherwise.
 */
import type { ExecEndReason } from '../../contracts';
import type { ToolchainRequest } from './toolchain';

/** Resource walls of one station container. */
export interface ResourceLimits {
  /** Hard memory limit in bytes (swap is set equal, so no extra swap). */
  memoryBytes: number;
  /** CPU quota in whole or fractional CPUs (1.5 = one and a half cores). */
  cpus: number;
  /** Maximum number of processes and threads in the container. */
  pids: number;
  /**
   * Bytes the station may add to disk (writable layer plus workspace) before it is
   * ended with reason `disk-limit`. Enforced by the engine when it supports storage
   * quotas, else by the adapter's watchdog.
   */
  diskBytes: number;
  /** Size of the tmpfs mounted at /tmp, in bytes. */
  tmpBytes: number;
}

/** Where a station may connect: nowhere, or only to listed hosts through the host-side proxy. */
export type NetworkPolicy = 'none' | { egressAllow: string[] };

/** One extra mount, after validation. Binds are always inside the run's workspace. */
export type MountSpec =
  | {
      type: 'bind';
      /** Path relative to the run's workspace root, POSIX separators, '' for the root itself. */
      workspacePath: string;
      /** Absolute POSIX path in the container. */
      target: string;
      readOnly: boolean;
    }
  | { type: 'tmpfs'; target: string; sizeBytes?: number }
  | {
      /**
       * A named Docker volume Shopfloor itself populated (an agent CLI installed once,
       * src/adapters/agents/cli-install.ts), always read-only: never from a devcontainer.json,
       * whose volumes stay refused; the only mount besides the run's workspace.
       */
      type: 'volume';
      name: string;
      /** Absolute POSIX path in the container. */
      target: string;
      readOnly: true;
    }
  | {
      /**
       * A package cache volume (PACKAGE_CACHES), shared across runs on the same station
       * image: read-write only in set-up stations, read-only elsewhere. The runtime names
       * it (packageCacheVolume) once the image is known.
       */
      type: 'package-cache';
      ecosystem: import('./package-cache').CacheEcosystem;
      readOnly: boolean;
    };

/**
 * A devcontainer lifecycle command in one of the spec's three forms: a string runs in
 * the container's `/bin/sh -c`, an array runs as an argv, an object runs its named
 * commands in parallel.
 */
export type LifecycleCommand =
  | { kind: 'shell'; command: string }
  | { kind: 'argv'; argv: string[] }
  | { kind: 'parallel'; commands: Record<string, { kind: 'shell'; command: string } | { kind: 'argv'; argv: string[] }> };

/** Lifecycle hooks in the order the spec runs them; `postStart` runs on every start. */
export interface LifecycleCommands {
  onCreate?: LifecycleCommand;
  updateContent?: LifecycleCommand;
  postCreate?: LifecycleCommand;
  postStart?: LifecycleCommand;
}

/** `build` of a devcontainer.json, paths relative to the repository (workspace) root. */
export interface BuildSpec {
  /** Dockerfile path relative to the workspace root, POSIX separators. */
  dockerfile: string;
  /** Build context relative to the workspace root, POSIX separators, '' for the root. */
  context: string;
  args: Record<string, string>;
  target?: string;
}

/**
 * A Dev Container Feature the image is built with (containers.dev/implementors/features).
 * `local`: `path` is the feature folder relative to the repository root (inside the
 * devcontainer.json folder); `oci` and `tarball` are fetched by the Dev Containers CLI.
 */
export interface FeatureRef {
  /** The reference as written in devcontainer.json (`./local-features/x`, `ghcr.io/devcontainers/features/node:1`). */
  id: string;
  kind: 'local' | 'oci' | 'tarball';
  /** For `local`: repository-relative folder, POSIX separators. */
  path?: string;
  /** The feature's options as written (strings and booleans). */
  options: Record<string, string | boolean>;
}

/** A volume of a Compose service, after resolution: a run-scoped named volume, or a bind inside the workspace. */
export type ComposeVolume =
  | {
      /** A named volume of the Compose file; created per run (`shopfloor-<run>-<name>`) and removed with the run. */
      type: 'run-volume';
      name: string;
      target: string;
    }
  | Extract<MountSpec, { type: 'bind' } | { type: 'tmpfs' }>;

/** A Compose service started beside the station (`runServices`), on the run's internal network. */
export interface ComposeServiceSpec {
  /** The service name; other containers of the run reach it by this name. */
  name: string;
  /** Exactly one of `image` and `build` is set. */
  image?: string;
  build?: BuildSpec;
  environment: Record<string, string>;
  /** `env_file` entries, repository-relative; read when the service is created (an absent one is an error). */
  envFiles: string[];
  volumes: ComposeVolume[];
  /** `command` and `entrypoint` as Compose gives them: a string runs through the image's shell form, an array is an argv. */
  command?: string | string[];
  entrypoint?: string | string[];
  user?: string;
  /** Services this one waits for (`depends_on`), by name. */
  dependsOn: string[];
  /** The service's healthcheck, when it has one: the station waits for it to pass before it starts. */
  healthcheck?: { test: string[]; intervalMs: number; timeoutMs: number; retries: number; startPeriodMs: number };
}

/** A devcontainer.json `dockerComposeFile` configuration, resolved. */
export interface ComposeSpec {
  /** The Compose files, repository-relative, in order (later files override earlier ones). */
  files: string[];
  /** The service the station runs as (its image or build is the station's). */
  service: string;
  /** The other services started with the station, in start order (dependencies first). */
  services: ComposeServiceSpec[];
  /** `env_file` entries of the station's own service, repository-relative. */
  envFiles: string[];
  /**
   * `network_mode: service:<name>` of the station's service: the station shares that
   * service's network namespace (so `localhost` reaches it), as Compose does.
   */
  shareNetworkWith?: string;
}

/**
 * A resolved station environment: what to run and how walled in. Built by
 * `resolveDevcontainer` or `defaultEnvironment`; hashed by `environmentHash`.
 */
export interface EnvironmentSpec {
  /** Where it came from: a devcontainer.json (repository-relative path) or the blueprint's default. */
  origin: { kind: 'devcontainer'; configPath: string } | { kind: 'default' };
  /** Exactly one of `image` and `build` is set (for Compose: those of the station's service). */
  image?: string;
  build?: BuildSpec;
  /** Dev Container Features built on top of `image`/`build`, in the order written; absent or empty: none. */
  features?: FeatureRef[];
  /** `features` install order the configuration asks for (`overrideFeatureInstallOrder`). */
  featureInstallOrder?: string[];
  /**
   * Node.js and package manager versions the repository asks for (toolchainRequest), for
   * the default station image only: a devcontainer.json's own image is the repository's choice.
   */
  toolchain?: ToolchainRequest;
  /** Present for a Compose devcontainer: the services started beside the station. */
  compose?: ComposeSpec;
  containerEnv: Record<string, string>;
  /** Applied to every exec; `${containerEnv:X}` references are resolved at exec time. */
  remoteEnv: Record<string, string>;
  /**
   * User the container's main process runs as; undefined: the image's non-root user. Never
   * root: the Docker runtime maps root to the image's non-root user, or refuses an image
   * that has none (resolveStationUsers in src/adapters/docker/users.ts).
   */
  containerUser?: string;
  /** User commands run as; defaults to `containerUser`; never root, as `containerUser`. */
  remoteUser?: string;
  /** Absolute POSIX path in the container where commands start (the spec's `workspaceFolder`). */
  workspaceFolder: string;
  /** Absolute POSIX path in the container where the run's workspace root is mounted (or copied). */
  workspaceMountTarget: string;
  mounts: MountSpec[];
  /**
   * Mount the run's workspace read-only (plan and investigate agent stations: a write is a
   * station failure). Enforced by the bind mount; on a remote engine, where the workspace
   * is copied in, it is not (the copy is the container's own layer).
   */
  workspaceReadOnly?: boolean;
  lifecycle: LifecycleCommands;
  limits: ResourceLimits;
  /** Capabilities added back after dropping all; only from `SAFE_CAPABILITIES`. */
  capAdd: string[];
  network: NetworkPolicy;
  /** Run an init process (tini) as PID 1 so zombies are reaped. */
  init: boolean;
  /** /dev/shm size in bytes, when the configuration asks for one; at most MAX_SHM_BYTES and the memory wall (applyRunArgs clamps it). */
  shmSizeBytes?: number;
  /** Messages for the run log: what was ignored, refused-but-harmless, or never run. */
  notes: string[];
}

/** What the engine says about itself, from ping + version. */
export interface EngineInfo {
  /** How it was reached, e.g. `unix:///var/run/docker.sock` or `context "remote" (ssh://me@box)`. */
  endpoint: string;
  serverVersion: string;
  apiVersion: string;
  os: string;
  arch: string;
  /** True when the engine runs on another machine: workspaces are copied, not bind-mounted. */
  remote: boolean;
}

/** One line (or chunk) of image build output, streamed while the build runs. */
export interface BuildOutput {
  stream: 'build' | 'error';
  text: string;
}

/** Options of `ContainerRuntime.prepare`. */
export interface PrepareOptions {
  runId: string;
  sessionId: string;
  /** Absolute host path of the run's own workspace (worktree or clone), never the user's checkout. */
  workspaceDir: string;
  /** Build output, line by line, while an image is built. */
  onBuildOutput?: (line: BuildOutput) => void;
  /** Lifecycle command output and notes, for the run log. */
  onLog?: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * A consumer of exec output. Returning a promise pauses reading from the engine until it
 * settles (backpressure), so a slow consumer never makes output pile up in memory.
 */
export type OutputSink = (chunk: Buffer) => void | Promise<void>;

/**
 * Options of `StationContainer.exec`: the container-level form of the engine's ExecOptions
 * (src/core/run/ports.ts), with separate byte streams, a user and a stream cap.
 */
export interface ContainerExecOptions {
  /** Extra environment, on top of containerEnv and remoteEnv. */
  env?: Record<string, string>;
  /** Working directory in the container; relative paths are taken from the workspace folder. */
  cwd?: string;
  /** User to run as; defaults to the environment's remote user. */
  user?: string;
  /** Wall-clock limit; on expiry the process is killed and `endReason` is `timeout`. */
  timeoutMs?: number;
  /** Aborting kills the process inside the container; `endReason` is then `cancelled`. */
  signal?: AbortSignal;
  /** Bytes kept per stream; after that a truncation marker is sent and the rest is counted, not delivered. Default LOG_FILE_CAP_BYTES (src/contracts). */
  maxOutputBytes?: number;
  onStdout?: OutputSink;
  onStderr?: OutputSink;
}

/** Why a command ended, beyond its exit code: the one vocabulary of src/contracts/station-end.ts. */
export type { ExecEndReason };

/** Outcome of one exec in a container: the container-level form of the engine's ExecResult. */
export interface ContainerExecResult {
  /** The process's exit code; 137 (SIGKILL) when it was killed; -1 when the engine gave none. */
  exitCode: number;
  /** Why it ended (never `killed` or `not-started`: a program that cannot start exits 126/127). Passed to the engine unchanged. */
  endReason: ExecEndReason;
  /** Human-readable explanation when `endReason` is not `exited`. */
  endDetail?: string;
  /** Total bytes the process wrote to each stream, delivered or not. */
  stdoutBytes: number;
  stderrBytes: number;
  /** True when a stream passed `maxOutputBytes` and was cut with a marker. */
  truncated: boolean;
  durationMs: number;
}

/** A running station container, ready for commands. */
export interface StationContainer {
  readonly id: string;
  /** Content digest of the image (`sha256:...`), for the evidence bundle. */
  readonly imageDigest: string;
  /** Hash of the resolved configuration; equal hashes mean an interchangeable container. */
  readonly configHash: string;
  /** The user commands run as by default, as resolved (name or uid). */
  readonly user: string;
  /** Workspace folder inside the container. */
  readonly workspaceFolder: string;
  /** Whether `prepare` reattached to an existing container instead of creating one. */
  readonly reused: boolean;
  /**
   * Runs an argv (never through a host shell). Resolves with the outcome; rejects only
   * when the engine fails (EngineUnavailableError) or the container is gone.
   */
  exec(argv: string[], opts?: ContainerExecOptions): Promise<ContainerExecResult>;
  /** For remote engines: copies the workspace out of the container back to the host folder. No-op for bind mounts. */
  syncOut(): Promise<void>;
  /** Stops the container (kept for warm reattach by the same run). */
  stop(): Promise<void>;
  /** Removes the container and its anonymous volumes. */
  remove(): Promise<void>;
}

/**
 * The port the run engine uses to get isolated stations. Errors are the typed ones in
 * `errors.ts` so they map to RETRYABLE_FAILURE reasons.
 */
export interface ContainerRuntime {
  /** Reaches the engine; throws EngineUnavailableError saying what was tried. */
  ping(): Promise<EngineInfo>;
  /**
   * Builds or reuses the image, then creates (or reattaches to) the run's container with
   * the workspace mounted, and runs lifecycle commands once per container.
   * Throws EngineUnavailableError, ImageBuildError, ConfigRefusedError, LifecycleCommandError.
   */
  prepare(spec: EnvironmentSpec, opts: PrepareOptions): Promise<StationContainer>;
  /**
   * Removes containers (and egress networks) of sessions that are not live and whose run
   * has no journal entry; returns the removed container ids. Containers of live sessions stay.
   */
  cleanupOrphans(isLive: (sessionId: string) => boolean, hasJournal: (runId: string) => boolean): Promise<string[]>;
  /**
   * Removes the containers of one run: those labelled `shopfloor.run` = `runId` or
   * `runId.<station>` (a verifier's private container). Returns the removed ids.
   */
  removeRun(runId: string): Promise<string[]>;
  /** Releases what the runtime holds on the host (event streams, the egress proxy). Containers stay. */
  dispose(): Promise<void>;
}
