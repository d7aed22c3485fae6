import { existsSync, readFileSync } from 'node:fs';
import { EvidenceBundleSchema, type RunOutcomeRecord } from '../contracts';
import { adoptionOf, BlueprintRegistry, registryLocation, repositoryIdentity, workspaceIdentity, type RegistryLocation, type SyncResult } from '../adapters/registry';
import { readJournal } from '../adapters/store/file-journal';
import { runFolder, type RunFolder } from '../adapters/store/run-folder';
import { FileArtifactStore } from '../adapters/store/artifact-store';
import type { Logger } from '../core/ports';
import { outcomeRecord } from '../core/registry';
import { RUN_LAYOUT } from '../core/run/layout';
import { loadRunSetup } from './run-setup';

/**
 * Turning finished runs into registry outcome records and sending them (issue 13 item 7:
 * every finished run syncs its outcome; a sync failure never fails a run).
 */

/**
 * The outcome record of a finished run in `folder`: reads its evidence, journal and
 * stored set-up; the lineage comes from the workspace's adoption record when the run's
 * blueprint is a registry fork. Throws when the run has not finished (no evidence) or a
 * file does not parse.
 */
export async function outcomeOfRun(folder: RunFolder): Promise<RunOutcomeRecord> {
  const evidencePath = folder.path(RUN_LAYOUT.evidenceJson);
  if (!existsSync(evidencePath)) throw new Error(`run ${folder.runId} has no evidence yet (not finished)`);
  const evidence = EvidenceBundleSchema.parse(JSON.parse(readFileSync(evidencePath, 'utf8')));
  const setup = await loadRunSetup(new FileArtifactStore(folder.dir), folder.runId);
  const journal = readJournal(folder.journal).records;
  const adoption = adoptionOf(folder.repo, setup.blueprint.name);
  return outcomeRecord({
    evidence,
    journal,
    blueprint: setup.blueprint,
    repository: await repositoryIdentity(folder.repo),
    workspace: workspaceIdentity(folder.repo),
    ...(adoption?.fork ? { lineage: { parent: adoption.source, parentHash: adoption.sourceHash } } : {}),
  });
}

/** Syncs the outcomes of runs `runIds` of `repo` (already delivered ones are no-ops). Runs that have not finished are skipped and named. */
export async function syncRuns(registry: BlueprintRegistry, repo: string, runIds: readonly string[]): Promise<SyncResult & { skipped: string[] }> {
  const records: RunOutcomeRecord[] = [];
  const skipped: string[] = [];
  for (const id of runIds) {
    try {
      records.push(await outcomeOfRun(runFolder(repo, id)));
    } catch (e) {
      skipped.push(`${id}: ${(e as Error).message}`);
    }
  }
  return { ...(await registry.sync(records)), skipped };
}

/** Whether a finished run syncs its outcome: on unless `SHOPFLOOR_REGISTRY_SYNC` is `off`/`0`/`false` or the caller turns it off. */
export function outcomeSyncEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !/^(off|0|false|no)$/i.test(env.SHOPFLOOR_REGISTRY_SYNC ?? '');
}

/**
 * The hook a run session calls once a run has a terminal state (EngineSettings.onFinished):
 * builds the outcome record and syncs it (queued when offline). Never throws: a failure is
 * logged as a warning, and the run's result stands.
 */
export function registryOutcomeSync(o: { location?: RegistryLocation; logger?: Logger } = {}): (run: { folder: RunFolder }) => Promise<void> {
  return async ({ folder }) => {
    try {
      const record = await outcomeOfRun(folder); // first: a run with nothing to sync never creates the embedded registry
      const registry = await BlueprintRegistry.open(o.location ?? registryLocation());
      const r = await registry.sync([record]);
      if (r.error) o.logger?.warn(`registry: outcome of run ${folder.runId} queued (${r.queued} waiting): ${r.error}`);
      else o.logger?.info(`registry: outcome of run ${folder.runId} synced to ${registry.location.url}`);
    } catch (e) {
      o.logger?.warn(`registry: outcome of run ${folder.runId} not synced: ${(e as Error).message}`);
    }
  };
}
