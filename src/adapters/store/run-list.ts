import * as fs from 'node:fs';
import { join, resolve } from 'node:path';
import { summarizeJournal, type RunSummary } from '../../core/run/journal-summary';
import { readJournal } from './file-journal';
import { RUN_LAYOUT } from '../../core/run/layout';
import { isRunId, runsDir } from './run-folder';

/** Every run of `repo`, newest first, with whether its journal verifies. */
export function listRuns(repo: string): (RunSummary & { id: string; verified: boolean })[] {
  const dir = runsDir(resolve(repo));
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((id) => isRunId(id) && fs.existsSync(join(dir, id, RUN_LAYOUT.journal)))
    .sort()
    .reverse()
    .map((id) => {
      const v = readJournal(join(dir, id, RUN_LAYOUT.journal));
      return { id, verified: v.ok, ...summarizeJournal(v.records) };
    });
}
