import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GitRepoReader } from '../../src/adapters/git/repo-reader';
import type { RepositoryReader } from '../../src/core/profile/port';
import { draftPacket } from '../../src/core/packet/draft';
import { profileRepository, MANIFEST_NAMES } from '../../src/core/profile/profile';
import { synthesize } from './synth';

/**
 * bench/draft: drafting a task packet on a repository of >= 100,000 tracked files versus
 * the floor a user's own tooling pays for the same facts: `git ls-files` plus reading the
 * manifests found. Same machine, same process, interleaved runs, medians. No assertions:
 * figures only (target: draft <= 1.5x floor). Every figure is cold for Shopfloor: each run
 * gets a new reader (no listing, read or profile kept between runs); the OS page cache is
 * warm for both sides. Load average is printed with the figures: other work on the machine
 * slows both sides, not always equally.
 *
 *   npx tsx bench/draft/run.ts [--repo DIR] [--runs N]
 */
const args = process.argv.slice(2);
const opt = (k: string) => {
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Number(opt('--runs') ?? 5);
const repo = resolve(opt('--repo') ?? synthesize('/tmp/shopfloor-bench-101k'));

function lsFiles(dir: string): Promise<string[]> {
  return new Promise((res, rej) => {
    const c = spawn('git', ['ls-files', '-z'], { cwd: dir });
    const chunks: Buffer[] = [];
    c.stdout.on('data', (b: Buffer) => chunks.push(b));
    c.on('error', rej);
    c.on('close', () => res(Buffer.concat(chunks).toString('utf8').split('\0').filter(Boolean)));
  });
}

/** The floor: list tracked files, read every manifest among them. */
async function floor(dir: string): Promise<number> {
  const files = await lsFiles(dir);
  const manifests = files.filter((f) => MANIFEST_NAMES.has(f.slice(f.lastIndexOf('/') + 1)));
  const texts = await Promise.all(manifests.map((m) => readFile(join(dir, m), 'utf8')));
  return texts.length;
}

const SEEDS = {
  'failing-test (stack trace)': {
    kind: 'failing-test' as const,
    text: "FAIL packages/pkg-0421/test/m5.test.js\n  ● tokenizer › keeps escaped quotes\n\n    expect(received).toEqual(expected)\n      at parseQuotedSegment (/ci/repo/packages/pkg-0421/src/tokenizer.js:3:12)\n      at Object.<anonymous> (/ci/repo/packages/pkg-0421/test/m5.test.js:4:5)\n",
  },
  'issue (identifier only, full-text search)': {
    kind: 'issue' as const,
    text: 'parseQuotedSegment() drops escaped quotes: parseQuotedSegment("a\\"b") should keep the escaped quote.',
  },
};

async function time<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await f();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A reader that records when each port call started and ended (ms since `t0`), for the cost breakdown. */
function timed(r: RepositoryReader, t0: bigint, log: string[]): RepositoryReader {
  const at = () => (Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0);
  const wrap =
    <A extends unknown[], R>(name: string, f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      const from = at();
      const v = await f(...a);
      log.push(`${name} ${from}-${at()}`);
      return v;
    };
  return {
    listFiles: wrap('listFiles', () => r.listFiles()),
    readFiles: wrap('readFiles', (p: readonly string[], o: { maxBytes: number }) => r.readFiles(p, o)),
    grep: wrap('grep', (q: Parameters<RepositoryReader['grep']>[0]) => r.grep(q)),
    recentHistory: wrap('recentHistory', (o: Parameters<RepositoryReader['recentHistory']>[0]) => r.recentHistory(o)),
    headCommit: wrap('headCommit', () => r.headCommit()),
  };
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const tracked = (await lsFiles(repo)).length;
  const loadBefore = load();
  const cases: Record<string, () => Promise<unknown>> = {
    floor: () => floor(repo),
    profile: () => profileRepository(new GitRepoReader(repo)),
    ...Object.fromEntries(Object.entries(SEEDS).map(([k, seed]) => [`draft: ${k}`, () => draftPacket({ seed, reader: new GitRepoReader(repo) })])),
    ...Object.fromEntries(Object.entries(SEEDS).map(([k, seed]) => [`draft: ${k}, worktree grep`, () => draftPacket({ seed, reader: new GitRepoReader(repo, { grepIndex: false }) })])),
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const f of Object.values(cases)) await f(); // warm the page cache and git's index
  let rssPeak = 0;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 5);
  for (let r = 0; r < runs; r++) for (const [k, f] of Object.entries(cases)) times[k]!.push((await time(f)).ms);
  clearInterval(sampler);
  const first = (await draftPacket({ seed: SEEDS['failing-test (stack trace)'], reader: new GitRepoReader(repo) })).packet;
  const second = (await draftPacket({ seed: SEEDS['issue (identifier only, full-text search)'], reader: new GitRepoReader(repo) })).packet;

  const loadAfter = load();
  const floorMs = median(times['floor']!);
  console.log(`repository: ${repo} (${tracked} tracked files); ${runs} interleaved runs each, medians, all cold (new reader per run); node ${process.version}; ${cpus().length} CPUs`);
  console.log(`load average (1/5/15 min): before ${loadBefore}, after ${loadAfter}`);
  console.log(`${'case'.padEnd(58)} ${'median ms'.padStart(10)} ${'x floor'.padStart(8)}`);
  for (const [k, xs] of Object.entries(times)) console.log(`${k.padEnd(58)} ${median(xs).toFixed(1).padStart(10)} ${(median(xs) / floorMs).toFixed(2).padStart(8)}`);
  console.log(`peak RSS of this process (sampled every 5 ms): ${(rssPeak / 2 ** 20).toFixed(0)} MiB; heap used now ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
  console.log(`scope[0] for the stack-trace seed: ${first.scope.paths[0]?.path}; for the identifier seed: ${second.scope.paths[0]?.path}`);
  // Where a draft's time goes: port calls (git processes) on a timeline, ms from the start.
  for (const [k, seed] of Object.entries(SEEDS)) {
    const log: string[] = [];
    const t0 = process.hrtime.bigint();
    await draftPacket({ seed, reader: timed(new GitRepoReader(repo), t0, log) });
    console.log(`timeline, draft: ${k}: ${log.join(', ')}; done ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)}`);
  }

  // Max RSS of a whole CLI run (node + tsx), as a user would see it.
  const cli = join(__dirname, '..', '..', 'src', 'cli', 'main.ts');
  const seedFile = join(tmpdir(), 'shopfloor-bench-seed.txt');
  writeFileSync(seedFile, SEEDS['issue (identifier only, full-text search)'].text);
  for (const [label, argv] of [
    ['floor: git ls-files', ['git', '-C', repo, 'ls-files', '-z']],
    ['shopfloor profile (node + tsx)', [process.execPath, '--import', 'tsx', cli, 'profile', '--repo', repo, '--json']],
    ['shopfloor draft, identifier seed (node + tsx)', [process.execPath, '--import', 'tsx', cli, 'draft', '--repo', repo, '--seed-kind', 'issue', '--seed-file', seedFile, '--json']],
  ] as const) {
    const r = spawnSync('/usr/bin/time', ['-v', ...argv], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1];
    const wall = /Elapsed \(wall clock\) time.*: (.+)/.exec(r.stderr)?.[1];
    console.log(`/usr/bin/time -v ${label}: max RSS ${rss ? (Number(rss) / 1024).toFixed(0) : '?'} MiB, wall ${wall ?? '?'}`);
  }
}

void main();
