import * as fs from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { GitWorkspaceProvider } from '../../adapters/git/worktree';
import { readLedgerEntry, type RunLedgerEntry } from '../../adapters/store/run-ledger';
import { verifyRunFolder } from '../../adapters/store/run-verify';
import { runFolder } from '../../adapters/store/run-folder';
import { RUN_LAYOUT } from '../../core/run/layout';

/** A run given as a journal file, a run folder, or a run id in `repo`. */
export function journalPathOf(run: string, repo: string): string {
  const p = resolve(run);
  if (fs.existsSync(p) && fs.statSync(p).isFile()) return p;
  if (fs.existsSync(p) && fs.statSync(p).isDirectory() && fs.existsSync(resolve(p, RUN_LAYOUT.journal))) return resolve(p, RUN_LAYOUT.journal);
  return runFolder(resolve(repo), run).journal;
}

/**
 * `shopfloor verify RUN [--repo DIR] [--json]`: exit 0 when the run folder is intact (the
 * journal's hash chain and seal, every file bound to it by SHA-256, and this machine's
 * ledger when it has the run), 1 naming the first bad record and every changed file.
 */
export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description("check a run: the journal's hash chain and seal, the files it binds by SHA-256, and this machine's ledger; names what is wrong")
    .argument('<run>', 'run id, run folder or journal.jsonl')
    .option('--repo <dir>', 'repository holding the run', '.')
    .option('--json', 'print the result as JSON')
    .action(async (run: string, opts: { repo: string; json?: boolean }) => {
      const path = journalPathOf(run, opts.repo);
      if (!fs.existsSync(path)) throw new Error(`no journal at ${path}`);
      const v = verifyRunFolder(path, await ledgerEntryFor(opts.repo, path));
      if (opts.json) process.stdout.write(`${JSON.stringify({ journal: path, ok: v.ok, records: v.records.length, problem: v.journal ?? null, files: v.problems, filesChecked: v.filesChecked }, null, 2)}\n`);
      else if (v.ok) process.stdout.write(`ok      ${path}: ${v.records.length} records, hash chain intact${v.filesChecked ? ', run files match' : ' (run files not checked: the journal is not in its run folder)'}\n`);
      else {
        if (v.journal) process.stdout.write(`BROKEN  ${path}: ${v.journal.message} [${v.journal.fault}]; ${v.records.length} records before it verify\n`);
        for (const p of v.problems) process.stdout.write(`BROKEN  ${path}: ${p}\n`);
      }
      process.exitCode = v.ok ? 0 : 1;
    });
}

/** This machine's ledger entry for the run whose journal is `journalPath`, when `repo` is a git repository that has one. */
export async function ledgerEntryFor(repo: string, journalPath: string): Promise<RunLedgerEntry | undefined> {
  try {
    const stateDir = await new GitWorkspaceProvider(resolve(repo)).stateDir();
    return readLedgerEntry(stateDir, basename(dirname(journalPath)));
  } catch {
    return undefined; // not a git repository (a journal copied elsewhere): nothing to compare with
  }
}
