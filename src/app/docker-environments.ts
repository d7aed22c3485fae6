import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { basename } from 'node:path';
import { DockerContainerRuntime } from '../adapters/docker/runtime';
import type { Logger } from '../core/ports';
import { runFolder } from '../adapters/store/run-folder';
import { ContainerEnvironmentProvider } from '../adapters/docker/container-environment';
import { currentSessionId, isSessionLive } from '../adapters/docker/sessions';
import { AgentCliInstaller } from '../adapters/agents/cli-install';

/** Image for stations when the repository has no devcontainer.json (built by scripts/setup-system.sh). */
export const DEFAULT_STATION_IMAGE = 'shopfloor/node:bookworm';

/** What a composition root needs to run stations on Docker. */
export interface DockerEnvironments {
  provider: ContainerEnvironmentProvider;
  runtime: DockerContainerRuntime;
  /**
   * Installs agent CLIs (Claude Code, ...) once into their volumes, through this runtime's
   * egress proxy, in the default station image; for the agent runners (ClaudeCodeRunner).
   */
  installer: AgentCliInstaller;
  /** Removes containers of dead sessions whose run left no journal in `repo` (call once per start). */
  cleanupOrphans(): Promise<string[]>;
  dispose(): Promise<void>;
}

/**
 * Wires the Docker runtime for one repository: owner `<user>@<host>`, this process's
 * session id, the default image, and the run's scratch folder for verifier copies.
 * `dockerHost` is the `shopfloor.docker.host` setting (empty: DOCKER_HOST, context, sockets).
 */
export function dockerEnvironments(opts: { repo: string; scratchDir: string; dockerHost?: string; defaultImage?: string; logger?: Logger }): DockerEnvironments {
  const runtime = new DockerContainerRuntime({
    owner: `${safeUser()}@${hostname()}`,
    dockerHost: opts.dockerHost || undefined,
    logger: opts.logger,
  });
  const provider = new ContainerEnvironmentProvider({
    runtime,
    sessionId: currentSessionId(),
    defaultImage: opts.defaultImage || DEFAULT_STATION_IMAGE,
    repoName: basename(opts.repo),
    scratchDir: () => opts.scratchDir,
    logger: opts.logger,
  });
  const installer = new AgentCliInstaller({ access: () => runtime.helperAccess(), image: opts.defaultImage || DEFAULT_STATION_IMAGE, logger: opts.logger });
  return {
    provider,
    runtime,
    installer,
    cleanupOrphans: () => runtime.cleanupOrphans(isSessionLive, (runId) => existsSync(runFolder(opts.repo, runId.split('.')[0]!).journal)),
    dispose: () => runtime.dispose(),
  };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'user';
  }
}
