import type { Command } from 'commander';
import { listRuns } from '../../adapters/store/run-list';

export { listRuns };

/** `shopfloor runs --repo DIR [--json]`: the runs in a repository and how each ended. */
export function registerRuns(program: Command): void {
  program
    .command('runs')
    .description('list the runs of a repository')
    .option('--repo <dir>', 'the repository', '.')
    .option('--json', 'print JSON')
    .action((opts: { repo: string; json?: boolean }) => {
      const runs = listRuns(opts.repo);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
        return;
      }
      if (!runs.length) process.stdout.write('no runs\n');
      for (const r of runs) {
        const state = r.terminal ? `${r.terminal.state} (${r.terminal.reason})` : r.status === 'open' ? 'OPEN (running or interrupted: --resume)' : 'empty';
        process.stdout.write(`${r.id}  ${r.blueprint ?? '?'}  ${state}${r.verified ? '' : '  [journal does not verify]'}${r.output?.branch ? `  ${r.output.branch}` : ''}\n`);
      }
    });
}
