import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../core/ports';
import { systemClock } from '../core/ports';
import { CommandAgentRunner } from '../adapters/agents/command-agent';
import type { RunInputs, RunPorts } from '../core/run/engine';
import type { EnvironmentProvider, Gatekeeper, HumanStation, RunObserver } from '../core/run/ports';
import { GitOutputPublisher } from '../adapters/git/output';
import { GitWorkspaceProvider } from '../adapters/git/worktree';
import { LocalEnvironmentProvider } from '../adapters/local/local-environment';
import { DirectorySetupCache } from '../adapters/local/setup-cache';
import { DirectoryBaselineCache, baselineCacheDir } from '../adapters/local/baseline-cache';
import { FileArtifactStore } from '../adapters/store/artifact-store';
import { FileJournal } from '../adapters/store/file-journal';
import { runFolder, runsDir } from '../adapters/store/run-folder';
import { dockerEnvironments } from './docker-environments';
import { parseArgv, scenariosResolver, type RunSetup } from './run-setup';

/** A composed run: the engine's inputs and ports, and what to release when it ends. */
export interface ComposedRun {
  inputs: RunInputs;
  ports: RunPorts;
  /** Closes the journal and removes the run's containers; safe to call twice. */
  close(): Promise<void>;
}

/**
 * The one composition of the run engine's ports, shared by the CLI and the extension
 * host: file journal and artifacts under `.shopfloor/runs/<id>`, a git clone as the run
 * workspace, Docker devcontainers (or the local no-isolation environment), command agent
 * stations, the output publisher, the set-up cache and the validation baseline cache. Gates, human stations and the
 * progress observer come from the caller (terminal or panel).
 */
export async function composeRun(o: {
  repo: string;
  runId: string;
  setup: RunSetup;
  gatekeeper: Gatekeeper;
  humans: HumanStation;
  observer?: RunObserver;
  signal?: AbortSignal;
  logger?: Logger;
  dockerHost?: string;
  defaultImage?: string;
  engineVersion: string;
}): Promise<ComposedRun> {
  const folder = runFolder(o.repo, o.runId);
  ignoreRunFolders(o.repo);
  const workspaces = new GitWorkspaceProvider(o.repo);
  // Everything that can fail before the run is asked first, so a failure leaves no lock or runtime behind.
  const stateDir = await workspaces.stateDir();
  const setupCacheDir = join(stateDir, 'setup-cache');
  let environments: EnvironmentProvider;
  let release = async () => {};
  if (o.setup.environment === 'local') {
    environments = new LocalEnvironmentProvider((id) => join(runFolder(o.repo, id).dir, 'local-env'));
  } else {
    const docker = dockerEnvironments({ repo: o.repo, dockerHost: o.dockerHost, defaultImage: o.defaultImage, logger: o.logger });
    await docker.cleanupOrphans().catch((e: unknown) => o.logger?.warn(`orphan cleanup skipped: ${(e as Error).message}`));
    environments = docker.provider;
    release = async () => {
      await docker.provider.cleanup(o.runId).catch((e: unknown) => o.logger?.warn(`could not remove the run's containers: ${(e as Error).message}`));
      await docker.dispose();
    };
  }
  let journal: FileJournal;
  try {
    journal = FileJournal.open(folder.journal);
  } catch (e) {
    await release();
    throw e;
  }
  let closed = false;
  return {
    inputs: { runId: o.runId, repo: o.repo, packet: o.setup.packet, blueprint: o.setup.blueprint, profile: o.setup.profile, engineVersion: o.engineVersion },
    ports: {
      journal,
      artifacts: new FileArtifactStore(folder.dir),
      workspaces,
      environments,
      gatekeeper: o.gatekeeper,
      agents: new CommandAgentRunner(o.setup.agentCommand ? { argv: parseArgv(o.setup.agentCommand) } : undefined),
      humans: o.humans,
      output: new GitOutputPublisher(o.repo),
      setupCache: new DirectorySetupCache(setupCacheDir),
      baselineCache: new DirectoryBaselineCache(baselineCacheDir(stateDir)),
      scenarios: scenariosResolver(o.repo, o.setup.holdout),
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
