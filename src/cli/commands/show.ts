import * as fs from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { verifyRunFolder } from '../../adapters/store/run-verify';
import { escapeControl } from '../../core/terminal-text';
import { summarizeJournal } from '../../core/run/journal-summary';
import { RUN_LAYOUT } from '../../core/run/layout';
import { journalPathOf, ledgerEntryFor } from './verify';

/** `shopfloor show RUN [--repo DIR] [--json]`: the evidence Markdown of a finished run, or the progress of an open one. */
export function registerShow(program: Command): void {
  program
    .command('show')
    .description("show a run: its evidence (Markdown, or JSON with --json), or its progress when it has not ended")
    .argument('<run>', 'run id, run folder or journal.jsonl')
    .option('--repo <dir>', 'repository holding the run', '.')
    .option('--json', 'print evidence.json (or the journal summary) instead')
    .action(async (run: string, opts: { repo: string; json?: boolean }) => {
      const journal = journalPathOf(run, opts.repo);
      if (!fs.existsSync(journal)) throw new Error(`no run ${run} (looked for ${journal})`);
      const dir = dirname(journal);
      const v = verifyRunFolder(journal, await ledgerEntryFor(opts.repo, journal));
      const summary = summarizeJournal(v.records);
      const evidence = join(dir, opts.json ? RUN_LAYOUT.evidenceJson : RUN_LAYOUT.evidenceMd);
      // Repository and station text reaches the terminal escaped: no control sequence of a log can rewrite the screen.
      const out = (text: string) => process.stdout.write(opts.json ? text : escapeControl(text));
      if (summary.status === 'finished' && fs.existsSync(evidence)) out(fs.readFileSync(evidence, 'utf8'));
      else if (opts.json) out(`${JSON.stringify({ ...summary, verified: v.ok }, null, 2)}\n`);
      else {
        out(`run ${summary.runId ?? run}: ${summary.status === 'finished' ? summary.terminal?.state : 'not ended (resume with shopfloor run --resume)'}\n`);
        for (const s of summary.stations) out(`  station ${s.id} #${s.attempt}: ${s.outcome ?? 'started, not finished'}\n`);
        for (const g of summary.gates) out(`  gate ${g.gateId}: ${g.decision ? `${g.decision} by ${g.by}` : 'open'}\n`);
      }
      if (v.journal) process.stderr.write(`warning: the journal does not verify: ${escapeControl(v.journal.message)}\n`);
      for (const p of v.problems) process.stderr.write(`warning: ${escapeControl(p)}; the evidence shown is not trusted\n`);
    });
}
