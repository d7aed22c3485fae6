import { existsSync, readFileSync } from 'node:fs';
import { EvidenceBundleSchema, ReviewVerdictSchema, type ReviewVerdictRecord, type RunOutcomeRecord } from '../contracts';
import { adoptionOf, BlueprintRegistry, personIdentity, registryLocation, repositoryIdentity, workspaceIdentity, type RegistryLocation, type SyncResult } from '../adapters/registry';
import { readJournal } from '../adapters/store/file-journal';
import { runFolder, type RunFolder } from '../adapters/store/run-folder';
import { FileArtifactStore } from '../adapters/store/artifact-store';
import type { Logger } from '../core/ports';
import { outcomeRecord, verdictRecord } from '../core/registry';
import { RUN_LAYOUT } from '../core/run/layout';
import { loadRunSetup } from './run-setup';

/**
 * Turning finished runs into registry outcome and review-verdict records and sending them
 * (issue 13 item 7: every finished run syncs its outcome, and a verdict recorded in the
 * panel syncs beside it; a sync failure never fails a run or a verdict).
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

/**
 * The review-verdict record of the verdict recorded in `folder` (RUN_LAYOUT.reviewVerdict,
 * written by the panel's reviewer mode), or undefined when none was recorded. The blueprint
 * comes from the run's evidence; the reviewer is hashed (personIdentity); the comments stay
 * behind (src/core/registry/verdict.ts). Throws when the verdict or evidence does not parse,
 * or the verdict names another run. I/O: reads two files.
 */
export function verdictOfRun(folder: RunFolder): ReviewVerdictRecord | undefined {
  const path = folder.path(RUN_LAYOUT.reviewVerdict);
  if (!existsSync(path)) return undefined;
  const v = ReviewVerdictSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  if (v.runId !== folder.runId) throw new Error(`${RUN_LAYOUT.reviewVerdict} of run ${folder.runId} is run ${v.runId}'s`);
  const evidence = EvidenceBundleSchema.parse(JSON.parse(readFileSync(folder.path(RUN_LAYOUT.evidenceJson), 'utf8')));
  return verdictRecord(v, evidence.environment.blueprint, personIdentity(v.by));
}

/**
 * Syncs the outcomes of runs `runIds` of `repo`, and the verdict each has recorded
 * (review/verdict.json), in one push; already delivered ones are no-ops. Runs that have not
 * finished, and verdicts that do not parse, are skipped and named. `verdicts` counts the
 * verdict records sent.
 */
export async function syncRuns(registry: BlueprintRegistry, repo: string, runIds: readonly string[]): Promise<SyncResult & { skipped: string[]; verdicts: number }> {
  const records: Array<RunOutcomeRecord | ReviewVerdictRecord> = [];
  const skipped: string[] = [];
  let verdicts = 0;
  for (const id of runIds) {
    const folder = runFolder(repo, id);
    try {
      records.push(await outcomeOfRun(folder));
    } catch (e) {
      skipped.push(`${id}: ${(e as Error).message}`);
      continue;
    }
    try {
      const v = verdictOfRun(folder);
      if (v) {
        records.push(v);
        verdicts++;
      }
    } catch (e) {
      skipped.push(`${id} verdict: ${(e as Error).message}`);
    }
  }
  return { ...(await registry.sync(records)), skipped, verdicts };
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

/**
 * What the panel calls once a reviewer's verdict is recorded in `folder`: builds its
 * review-verdict record and syncs it (queued when offline), as registryOutcomeSync does for
 * outcomes and under the same switch (the caller checks it). Never throws: a failure is a
 * warning in the log, and the verdict in the run folder stands.
 */
export function registryVerdictSync(o: { location?: RegistryLocation; logger?: Logger } = {}): (folder: RunFolder) => Promise<void> {
  return async (folder) => {
    try {
      const record = verdictOfRun(folder);
      if (!record) return;
      const registry = await BlueprintRegistry.open(o.location ?? registryLocation());
      const r = await registry.sync([record]);
      if (r.error) o.logger?.warn(`registry: verdict on run ${folder.runId} queued (${r.queued} waiting): ${r.error}`);
      else o.logger?.info(`registry: verdict on run ${folder.runId} (${record.verdict}) synced to ${registry.location.url}`);
    } catch (e) {
      o.logger?.warn(`registry: verdict on run ${folder.runId} not synced: ${(e as Error).message}`);
    }
  };
}
