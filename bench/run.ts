// Runs every benchmark in bench/, one after another, each printing its own table side by
// side with the tool a user would use instead. Usage: npm run bench [-- --quick]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const quick = process.argv.includes('--quick');
const benches = [
  ['draft', 'run.ts', []],
  ['devcontainer', 'run.ts', quick ? ['--quick'] : []],
  ['agent', 'proxy.ts', quick ? ['--calls', '300'] : []],
  ['agent', 'station.ts', quick ? ['--quick'] : []],
  ['panel', 'activation.ts', quick ? ['--runs', '5'] : []],
  ['mcp-gateway', 'run.ts', quick ? ['--calls', '300', '--appends', '300'] : []],
  ['registry', 'sync.ts', quick ? ['--rounds', '2'] : []],
  ['registry', 'analytics.ts', quick ? ['--runs', '2'] : []],
] as const;
let failed = 0;
for (const [name, file, args] of benches) {
  process.stdout.write(`\n## bench/${name}/${file}\n\n`);
  const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', join(__dirname, name, file), ...args], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
