import { join } from 'node:path';
import { RUN_LAYOUT } from '../../core/run/layout';
import { isRunId } from '../../core/run/run-id';

/**
 * One run's folder in the user's repository, `.shopfloor/runs/<runId>/`, as absolute
 * paths (names from RUN_LAYOUT). Computed once per launch by the run session and passed
 * down. The run's git workspace lives outside the working tree (src/adapters/git/worktree.ts).
 */
export interface RunFolder {
  runId: string;
  /** The user's repository. */
  repo: string;
  /** Absolute path of the run folder. */
  dir: string;
  /** Absolute path of the journal. */
  journal: string;
  /** Absolute path of a run-folder-relative file (RUN_LAYOUT names). */
  path(rel: string): string;
}

/** Folder holding every run of `repo`. */
export function runsDir(repo: string): string {
  return join(repo, '.shopfloor', 'runs');
}

// The rule lives in core (the evidence note parser checks run ids too); re-exported for the callers here.
export { isRunId };

/** Paths of run `runId` in `repo`. Throws on a run id that could escape the runs folder. No I/O. */
export function runFolder(repo: string, runId: string): RunFolder {
  if (!isRunId(runId)) throw new Error(`not a run id: ${JSON.stringify(runId)}`);
  const dir = join(runsDir(repo), runId);
  return { runId, repo, dir, journal: join(dir, RUN_LAYOUT.journal), path: (rel) => join(dir, ...rel.split('/')) };
}
