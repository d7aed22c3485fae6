import * as fs from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readJournal } from '../../adapters/store/file-journal';
import { runFolder } from '../../adapters/store/run-folder';
import { RUN_LAYOUT } from '../../core/run/layout';

/** A run given as a journal file, a run folder, or a run id in `repo`. */
export function journalPathOf(run: string, repo: string): string {
  const p = resolve(run);
  if (fs.existsSync(p) && fs.statSync(p).isFile()) return p;
  if (fs.existsSync(p) && fs.statSync(p).isDirectory() && fs.existsSync(resolve(p, RUN_LAYOUT.journal))) return resolve(p, RUN_LAYOUT.journal);
  return runFolder(resolve(repo), run).journal;
}

/** `shopfloor verify RUN [--repo DIR] [--json]`: exit 0 when the hash chain holds, 1 naming the first bad record. */
export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description("check a run journal's hash chain; names the first bad record")
    .argument('<run>', 'run id, run folder or journal.jsonl')
    .option('--repo <dir>', 'repository holding the run', '.')
    .option('--json', 'print the result as JSON')
    .action((run: string, opts: { repo: string; json?: boolean }) => {
      const path = journalPathOf(run, opts.repo);
      if (!fs.existsSync(path)) throw new Error(`no journal at ${path}`);
      const v = readJournal(path);
      if (opts.json) process.stdout.write(`${JSON.stringify({ journal: path, ok: v.ok, records: v.records.length, problem: v.problem ?? null }, null, 2)}\n`);
      else if (v.ok) process.stdout.write(`ok      ${path}: ${v.records.length} records, hash chain intact\n`);
      else process.stdout.write(`BROKEN  ${path}: ${v.problem!.message} [${v.problem!.fault}]; ${v.records.length} records before it verify\n`);
      process.exitCode = v.ok ? 0 : 1;
    });
}
