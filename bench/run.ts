// Runs every benchmark in bench/, one after another, each printing its own table side by
// side with the tool a user would use instead. Usage: npm run bench [-- --quick]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const quick = process.argv.includes('--quick');
const benches = [
  ['draft', []],
  ['devcontainer', quick ? ['--quick'] : []],
] as const;
let failed = 0;
for (const [name, args] of benches) {
  process.stdout.write(`\n## bench/${name}\n\n`);
  const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', join(__dirname, name, 'run.ts'), ...args], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
