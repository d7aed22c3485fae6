import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { BlueprintRegistry, ensureBareRegistry } from '../../src/adapters/registry';
import { REGISTRY_LAYOUT, stableJson, median } from '../../src/core/registry';
import { syntheticOutcomes } from './records';

/**
 * bench/registry/sync: `registry.sync` of 1,000 run outcome records to a remote versus what
 * a user would do instead, a plain `git add` + `git commit` + `git push` of the same 1,000
 * files from an up-to-date clone. Each round has fresh bare remotes holding the same
 * 1,000 earlier records, the two sides alternate their order, medians of the rounds.
 * Shopfloor's side does all of its work: queue the records (one file each), fetch and reset
 * to the remote, write, commit, push, clear the queue. No assertions: figures only
 * (target: ≤ 1.5× the plain push).
 *
 *   npx tsx bench/registry/sync.ts [--rounds N] [--records N]
 */
const args = process.argv.slice(2);
const opt = (k: string, d: number) => (args.includes(k) ? Number(args[args.indexOf(k) + 1]) : d);
const rounds = opt('--rounds', 5);
const count = opt('--records', 1000);
const git = (cwd: string, ...a: string[]) => execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@example.com', ...a], { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

async function freshRemote(root: string, seedRecords: ReturnType<typeof syntheticOutcomes>): Promise<string> {
  const bare = join(root, `remote-${Math.random().toString(16).slice(2)}.git`);
  await ensureBareRegistry(bare);
  const seed = mkdtempSync(join(root, 'seed-'));
  git(seed, 'init', '-q', '-b', 'main');
  for (const r of seedRecords) write(seed, REGISTRY_LAYOUT.outcome(r.blueprint.name, r.blueprint.version, r.runId), stableJson(r));
  git(seed, 'add', '-A');
  git(seed, 'commit', '-qm', 'seed');
  git(seed, 'push', '-q', bare, 'HEAD:refs/heads/main');
  rmSync(seed, { recursive: true, force: true });
  return bare;
}

function write(dir: string, rel: string, text: string): void {
  const f = join(dir, rel);
  mkdirSync(dirname(f), { recursive: true });
  writeFileSync(f, text);
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'sf-bench-registry-'));
  const earlier = syntheticOutcomes(count, { prefix: 'earlier', seed: 1 });
  const records = syntheticOutcomes(count, { prefix: 'new', seed: 2 });
  const shop: number[] = [];
  const plain: number[] = [];
  const ratio: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    const a = await freshRemote(root, earlier);
    const b = await freshRemote(root, earlier);
    // Both sides start from an up-to-date clone, as a machine that synced before does.
    const reg = await BlueprintRegistry.open({ url: a, embedded: false, stateDir: join(root, `state-${round}`) });
    await reg.pull();
    const clone = mkdtempSync(join(root, 'plain-'));
    git(clone, 'clone', '-q', b, '.');
    const runShop = async () => {
      const t = performance.now();
      const r = await reg.sync(records);
      if (r.delivered !== count) throw new Error(`sync delivered ${r.delivered}`);
      return performance.now() - t;
    };
    const runPlain = () => {
      const t = performance.now();
      for (const r of records) write(clone, REGISTRY_LAYOUT.outcome(r.blueprint.name, r.blueprint.version, r.runId), stableJson(r));
      git(clone, 'add', '-A');
      git(clone, 'commit', '-qm', 'records');
      git(clone, 'push', '-q', 'origin', 'HEAD:main');
      return performance.now() - t;
    };
    let s: number;
    let p: number;
    if (round % 2) {
      s = await runShop();
      p = runPlain();
    } else {
      p = runPlain();
      s = await runShop();
    }
    if (round === 0) continue; // warm-up round: page cache, lazy module loads
    shop.push(s);
    plain.push(p);
    ratio.push(s / p);
  }
  rmSync(root, { recursive: true, force: true });
  const f = (x: number) => `${x.toFixed(0)} ms`;
  process.stdout.write(`bench/registry/sync: ${count} records onto a remote holding ${count}, ${rounds} rounds, load average ${loadavg()[0]!.toFixed(1)}\n\n`);
  process.stdout.write('| measure | median | min | max |\n| --- | --- | --- | --- |\n');
  process.stdout.write(`| plain git add + commit + push | ${f(median(plain))} | ${f(Math.min(...plain))} | ${f(Math.max(...plain))} |\n`);
  process.stdout.write(`| shopfloor registry sync | ${f(median(shop))} | ${f(Math.min(...shop))} | ${f(Math.max(...shop))} |\n`);
  process.stdout.write(`| ratio, per round (target ≤ 1.5×) | ${median(ratio).toFixed(2)}× | ${Math.min(...ratio).toFixed(2)}× | ${Math.max(...ratio).toFixed(2)}× |\n`);
}

void main();
