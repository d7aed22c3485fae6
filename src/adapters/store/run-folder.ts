import { join } from 'node:path';

/**
 * Layout of one run's folder in the user's repository:
 * `.shopfloor/runs/<runId>/{journal.jsonl, evidence.json, evidence.md, artifacts/...}`.
 * The run's git workspace lives outside the working tree (see src/adapters/git/worktree.ts).
 */
export interface RunFolder {
  runId: string;
  dir: string;
  journal: string;
  evidenceJson: string;
  evidenceMd: string;
  artifacts: string;
}

/** Folder holding every run of `repo`. */
export function runsDir(repo: string): string {
  return join(repo, '.shopfloor', 'runs');
}

/** Paths of run `runId` in `repo`. Throws on a run id that could escape the runs folder. */
export function runFolder(repo: string, runId: string): RunFolder {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(runId) || runId.includes('..')) throw new Error(`not a run id: ${JSON.stringify(runId)}`);
  const dir = join(runsDir(repo), runId);
  return {
    runId,
    dir,
    journal: join(dir, 'journal.jsonl'),
    evidenceJson: join(dir, 'evidence.json'),
    evidenceMd: join(dir, 'evidence.md'),
    artifacts: join(dir, 'artifacts'),
  };
}
