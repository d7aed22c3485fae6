import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../core/ports';
import { systemClock } from '../core/ports';
import { RoutedAgentRunner, agentSettingsOf, type AgentContext } from './agent-routing';
import { DockerModelAccess } from './model-access';
import { modelProxyConfigFromEnv, type ModelProxyConfig } from '../adapters/model-proxy';
import { runBudget } from '../core/agent/usage';
import type { RunInputs, RunPorts } from '../core/run/engine';
import type { Budget, ToolServer } from '../contracts';
import type { ArtifactStore, EnvironmentProvider, Gatekeeper, HumanStation, ModelAccessProvider, RunObserver, ToolAccessProvider } from '../core/run/ports';
import { DockerToolAccess } from './tool-access';
import { GitOutputPublisher } from '../adapters/git/output';
import { GitWorkspaceProvider } from '../adapters/git/worktree';
import { LocalEnvironmentProvider } from '../adapters/local/local-environment';
import { DirectorySetupCache } from '../adapters/local/setup-cache';
import { shopfloorHome } from '../adapters/registry/location';
import { DirectoryBaselineCache, baselineCacheDir } from '../adapters/local/baseline-cache';
import { FileArtifactStore } from '../adapters/store/artifact-store';
import { FileJournal } from '../adapters/store/file-journal';
import { runsDir, type RunFolder } from '../adapters/store/run-folder';
import { RUN_LAYOUT } from '../core/run/layout';
import { WarmEnvironments } from '../core/run/warm-environments';
import { dockerEnvironments } from './docker-environments';
import { scenariosResolver, type RunSetup } from './run-setup';

/** A composed run: the engine's inputs and ports, and what to release when it ends. */
export interface ComposedRun {
  inputs: RunInputs;
  ports: RunPorts;
  /** Closes the journal and removes the run's containers; safe to call twice. */
  close(): Promise<void>;
}

/** What composeRun needs: the run's folder and set-up, the UI's ports, and the engine's settings. */
export interface ComposeRequest {
  /** The run's folder (computed once by the run session). */
  folder: RunFolder;
  setup: RunSetup;
  gatekeeper: Gatekeeper;
  humans: HumanStation;
  observer?: RunObserver;
  signal?: AbortSignal;
  logger?: Logger;
  /** Docker engine in DOCKER_HOST form; empty: DOCKER_HOST, the current context, the default socket. */
  dockerHost?: string;
  /** Station image when the repository has no devcontainer.json. */
  defaultImage?: string;
  engineVersion: string;
  /** Opens the run's model access (the model proxy) under the run's budget; absent: agent stations get no model access from the line. */
  modelAccess?: ModelAccessFactory;
  /** npm version per agent CLI (setting shopfloor.agent.versions). */
  agentVersions?: Record<string, string>;
  /**
   * Keys, upstreams and prices of the run's model proxy on Docker, when `modelAccess` is not
   * given (the editor passes its SecretStorage keys); absent: from the host environment
   * (modelProxyConfigFromEnv). Keys stay on the host: the proxy adds them to each call.
   */
  modelConfig?: ModelProxyConfig;
  /** Team MCP servers behind the run's gateway (loadToolServers: user config, and the workspace's when trusted); absent: none, the gateway serves its factory tools only. */
  toolServers?: readonly ToolServer[];
  /** Opens the run's MCP gateway instead of the Docker one (tests); absent on Docker: DockerToolAccess. */
  toolAccess?: (run: { runId: string; artifacts: ArtifactStore }) => ToolAccessProvider & { close?(): Promise<void> };
  /** The human the run's agents act for (the MCP audit log's `delegatedBy`). */
  delegatedBy?: () => Promise<string>;
}

/**
 * Makes the model-access port of one run (the model proxy, host side) under the run's
 * budget (packet, else blueprint: core/agent/usage.ts runBudget). Provided by the model
 * proxy; the run session passes it through from its caller.
 */
export type ModelAccessFactory = (run: { runId: string; budget: Budget | undefined }) => ModelAccessProvider;

/** The signature of composeRun, so the run session can be given another composition in tests. */
export type ComposeFn = (o: ComposeRequest) => Promise<ComposedRun>;

/**
 * The one composition of the run engine's ports, called by the run session for both
 * entry points: file journal and artifacts in the run folder, a git clone as the run
 * workspace, Docker devcontainers (or the local no-isolation environment), agent stations
 * routed to their CLI (src/app/agent-routing.ts; the command agent is the fallback), the
 * run's model access when one is given, the output publisher, the set-up cache (per repository;
 * dependency trees in `<shopfloor home>/dependency-trees`, shared by all repositories) and the validation baseline cache. Gates,
 * human stations and the
 * progress observer come from the caller (terminal or panel).
 *
 * I/O: writes `.shopfloor/runs/.gitignore`, creates the state folder beside the user's
 * `.git` (git rev-parse), connects to the Docker engine and removes containers of dead
 * sessions whose run left no journal (the orphan sweep; a failure is only logged), opens
 * the journal and takes its lock. Throws LockHeldError (another process runs this run),
 * JournalCorruptError (the journal does not verify), or an Error from git; on a throw
 * nothing is left open.
 */
export async function composeRun(o: ComposeRequest): Promise<ComposedRun> {
  const { folder } = o;
  const repo = folder.repo;
  ignoreRunFolders(repo);
  const workspaces = new GitWorkspaceProvider(repo);
  // Everything that can fail before the run is asked first, so a failure leaves no lock or runtime behind.
  const stateDir = await workspaces.stateDir();
  const setupCacheDir = join(stateDir, 'setup-cache');
  let environments: EnvironmentProvider;
  // Agent CLIs install into Docker volumes: only a Docker environment gives their runners an installer.
  let agentContext: AgentContext = {};
  let modelAccess: ModelAccessProvider | undefined = o.modelAccess?.({ runId: folder.runId, budget: runBudget(o.setup.packet, o.setup.blueprint) });
  let closeModelAccess = async () => {};
  const artifacts = new FileArtifactStore(folder.dir);
  const testTools = o.toolAccess?.({ runId: folder.runId, artifacts });
  let tools: (ToolAccessProvider & { close?(): Promise<void> }) | undefined = testTools;
  let release = async () => {
    await testTools?.close?.();
  };
  if (o.setup.environment === 'local') {
    environments = new LocalEnvironmentProvider(() => folder.path(RUN_LAYOUT.localEnvironment));
  } else {
    const docker = dockerEnvironments({ repo, scratchDir: folder.path(RUN_LAYOUT.scratch), dockerHost: o.dockerHost, defaultImage: o.defaultImage, logger: o.logger });
    await docker.cleanupOrphans().catch((e: unknown) => o.logger?.warn(`orphan cleanup skipped: ${(e as Error).message}`));
    // Warm stations: the next station's container is created while a gate waits (issue 15).
    const warm = new WarmEnvironments(docker.provider, o.logger);
    environments = warm;
    agentContext = { installer: docker.installer };
    // Agent stations reach their model only through the run's proxy on the egress gateway (started on first use).
    if (!o.modelAccess) {
      const access = new DockerModelAccess({ runId: folder.runId, runtime: docker.runtime, config: o.modelConfig ?? modelProxyConfigFromEnv(process.env), budget: runBudget(o.setup.packet, o.setup.blueprint), usageLog: folder.path(RUN_LAYOUT.modelUsage) });
      modelAccess = access;
      closeModelAccess = () => access.close();
    }
    // Agent stations reach tools only through the run's MCP gateway, also on the egress gateway (started on first use).
    tools ??= new DockerToolAccess({ runId: folder.runId, runtime: docker.runtime, artifacts, servers: o.toolServers ?? [], delegatedBy: o.delegatedBy ?? (async () => 'unattended') });
    const closeTools = tools;
    release = async () => {
      await closeTools.close?.().catch((e: unknown) => o.logger?.warn(`could not stop the MCP gateway: ${(e as Error).message}`));
      await closeModelAccess().catch((e: unknown) => o.logger?.warn(`could not stop the model proxy: ${(e as Error).message}`));
      o.logger?.info(`warm stations: ${warm.stats.hits} started in an environment prepared ahead (while a gate waited or the station before worked), ${warm.stats.misses} prepared on their path, ${warm.stats.discarded} warm environment(s) discarded`);
      await warm.cleanup(folder.runId).catch((e: unknown) => o.logger?.warn(`could not remove the run's containers: ${(e as Error).message}`));
      await docker.dispose();
    };
  }
  let journal: FileJournal;
  try {
    journal = FileJournal.open(folder.journal, { now: systemClock.now });
  } catch (e) {
    await release();
    throw e;
  }
  let closed = false;
  return {
    inputs: { runId: folder.runId, repo, packet: o.setup.packet, blueprint: o.setup.blueprint, profile: o.setup.profile, engineVersion: o.engineVersion, blueprintSource: o.setup.blueprintSource },
    ports: {
      journal,
      artifacts,
      workspaces,
      environments,
      gatekeeper: o.gatekeeper,
      agents: new RoutedAgentRunner(agentSettingsOf(o.setup, o.agentVersions), o.setup.blueprint.routing, undefined, agentContext, o.setup.packet),
      ...(modelAccess ? { modelAccess } : {}),
      ...(tools ? { tools } : {}),
      humans: o.humans,
      output: new GitOutputPublisher(repo),
      // Dependency trees are keyed by lockfile, commands and image, not by repository: every
      // repository of this user shares them; full set-up results stay with their base commit.
      setupCache: new DirectorySetupCache(setupCacheDir, { shared: join(shopfloorHome(), 'dependency-trees'), onNote: (m) => o.logger?.info(m) }),
      baselineCache: new DirectoryBaselineCache(baselineCacheDir(stateDir)),
      scenarios: scenariosResolver(repo, o.setup.holdout),
      clock: systemClock,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      logger: o.logger,
      observer: o.observer,
      signal: o.signal,
    },
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        journal.close();
      } finally {
        await release();
      }
    },
  };
}

/**
 * Run folders live in the repository (`.shopfloor/runs/`) but are never part of it: a
 * `.gitignore` of `*` inside keeps them (and itself) out of `git status` without touching
 * the user's own ignore files.
 */
export function ignoreRunFolders(repo: string): void {
  const dir = runsDir(repo);
  const file = join(dir, '.gitignore');
  if (existsSync(file)) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, '# Shopfloor run folders: journals, evidence and logs stay local.\n*\n');
}
