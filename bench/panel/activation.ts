// Activation cost of the packaged extension (issue 14 "Start-up cost"), side by side with
// what activation cost when it loaded every service up front. Each sample is a fresh Node
// process that loads a do-nothing `vscode` (bench/panel/stub-vscode.cjs), then times
// require() + activate() of:
//   lazy:  dist/extension.js, the shipped entry (services load on the first command);
//   eager: dist/extension.js plus dist/host.js's wireHost, i.e. all the host's modules,
//          the engine and zod's schemas evaluated and every command registered at once,
//          which is what activation did before.
// This is not VS Code's own figure (Running Extensions; the e2e panel test records that in
// test-results/activation.txt); it isolates the extension's share. Build first: npm run package.
// Usage: npx tsx bench/panel/activation.ts [--runs N]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 15;
if (!existsSync(join(root, 'dist', 'host.js'))) throw new Error('dist/host.js is missing: run npm run package (or node scripts/build.mjs --production) first');

const probe = (eager: boolean) => `
const { make } = require(${JSON.stringify(join(__dirname, 'stub-vscode.cjs'))});
const t0 = performance.now();
const ext = require(${JSON.stringify(join(root, 'dist', 'extension.js'))});
const ctx = { extension: { packageJSON: require(${JSON.stringify(join(root, 'package.json'))}), extensionUri: make() }, subscriptions: [], workspaceState: { get: (_k, d) => d, update: async () => {} }, globalState: { get: (_k, d) => d, update: async () => {} }, secrets: make() };
ext.activate(ctx);
${eager ? `const { wireHost } = require(${JSON.stringify(join(root, 'dist', 'host.js'))}); wireHost({ extension: ctx, log: make(), version: '0', activationMs: () => 0 }, make());` : ''}
process.stdout.write(String(performance.now() - t0));
`;

function sample(eager: boolean): number {
  const r = spawnSync(process.execPath, ['-e', probe(eager)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const lazy: number[] = [];
const eager: number[] = [];
for (let i = 0; i < runs; i++) {
  lazy.push(sample(false));
  eager.push(sample(true));
}
process.stdout.write(`| activation (require + activate, median of ${runs}) | lazy (shipped) | eager (every service at activation) | target |\n| --- | --- | --- | --- |\n`);
process.stdout.write(`| dist/extension.js in Node, do-nothing vscode | ${median(lazy).toFixed(1)} ms | ${median(eager).toFixed(1)} ms | ≤ 50 ms (as VS Code reports it) |\n`);
