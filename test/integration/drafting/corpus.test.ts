import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitRepoReader } from '../../../src/adapters/git/repo-reader';
import { draftPacket } from '../../../src/core/packet/draft';

/**
 * Drafting that generalises: real npm advisories (test/data/advisory-corpus/cases.json) on
 * real packages at their vulnerable versions, materialized as git repositories. The drafter
 * never sees `touches`: the test reads it only to score the draft. Run alone with
 *   npx mocha -r tsx/cjs --extension ts --timeout 600000 --exit test/integration/drafting/corpus.test.ts
 * Tarballs and repositories are cached under os.tmpdir()/shopfloor-advisory-corpus
 * (SHOPFLOOR_CORPUS_CACHE to move it), so a second run does not touch the registry.
 */
interface Case {
  id: string;
  package: string;
  vulnerable: string;
  fixed: string;
  advisory_id: string;
  seed: string;
  touches: string[];
  source: string;
}
const CORPUS = join(__dirname, '..', '..', 'data', 'advisory-corpus');
const cases = (JSON.parse(readFileSync(join(CORPUS, 'cases.json'), 'utf8')) as { cases: Case[] }).cases;
const CACHE = process.env.SHOPFLOOR_CORPUS_CACHE ?? join(tmpdir(), 'shopfloor-advisory-corpus');
/** Share of cases whose first touched file must rank first or second. */
const TARGET = 0.9;
const run = promisify(execFile);

/** A git repository of PKG@VERSION (one commit), cached; built in a side folder and renamed into place. */
async function materialize(pkg: string, version: string): Promise<string> {
  const safe = `${pkg.replace(/\//g, '+')}@${version}`;
  const dest = join(CACHE, 'repos', safe);
  if (existsSync(join(dest, '.git'))) return dest;
  const tgzDir = join(CACHE, 'tgz');
  mkdirSync(tgzDir, { recursive: true });
  const prefix = `${pkg.replace(/^@/, '').replace(/\//g, '-')}-${version}.tgz`;
  let tgz = readdirSync(tgzDir).find((f) => f === prefix);
  if (!tgz) tgz = (await run('npm', ['pack', '--silent', `${pkg}@${version}`], { cwd: tgzDir })).stdout.trim().split('\n').pop()!;
  const part = `${dest}.part-${process.pid}`;
  rmSync(part, { recursive: true, force: true });
  mkdirSync(part, { recursive: true });
  await run('tar', ['-xzf', join(tgzDir, tgz), '-C', part, '--strip-components=1']);
  const git = (...a: string[]) => run('git', ['-c', 'user.name=import', '-c', 'user.email=import@localhost', '-c', 'commit.gpgsign=false', ...a], { cwd: part });
  await git('init', '-q');
  await git('add', '-A');
  await git('commit', '-qm', `import ${pkg}@${version}`);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(join(CACHE, 'repos'), { recursive: true });
  renameSync(part, dest);
  return dest;
}

/** A call the seed quotes with an argument (`f('x')`), or an argument list literal: what a proof-of-concept could be built from. */
const QUOTES_CALL = /[A-Za-z_$][\w$.]*\(\s*[^)\s]|\[\s*['"]/;

interface Row {
  id: string;
  pkg: string;
  fix: string;
  rank: number;
  top: string[];
}

describe('integration/drafting: advisory corpus (real packages, real git)', function () {
  this.timeout(600_000);
  const repos = new Map<string, string>();
  const rows: Row[] = [];
  const drafts = new Map<string, Awaited<ReturnType<typeof draftPacket>>>();

  before(async function () {
    // A few at a time: npm pack is network-bound, tar and git are quick.
    const queue = [...new Map(cases.map((c) => [`${c.package}@${c.vulnerable}`, c])).values()];
    const workers = Array.from({ length: 6 }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) repos.set(`${c.package}@${c.vulnerable}`, await materialize(c.package, c.vulnerable));
    });
    await Promise.all(workers);
    for (const c of cases) {
      const d = await draftPacket({ seed: { kind: 'advisory', text: c.seed }, reader: new GitRepoReader(repos.get(`${c.package}@${c.vulnerable}`)!) });
      drafts.set(c.id, d);
      const paths = d.packet.scope.paths.map((p) => p.path);
      const rank = paths.findIndex((p) => c.touches.includes(p));
      rows.push({ id: c.id, pkg: c.package, fix: rank >= 0 ? paths[rank]! : c.touches[0]!, rank: rank + 1, top: paths.slice(0, 3) });
    }
    const w = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s.padEnd(n));
    const lines = rows.map((r) => `${w(r.id, 32)} ${w(r.pkg, 20)} ${w(r.fix, 30)} ${String(r.rank || '-').padStart(4)}  ${r.top.join(', ')}`);
    const ok = rows.filter((r) => r.rank === 1 || r.rank === 2).length;
    const summary = `rank 1 or 2: ${ok}/${rows.length} (${Math.round((100 * ok) / rows.length)}%)`;
    console.log(['', `${w('case', 32)} ${w('package', 20)} ${w('fix file', 30)} rank  top-3 scope`, ...lines, summary, ''].join('\n'));
    if (process.env.SHOPFLOOR_CORPUS_OUT) writeFileSync(process.env.SHOPFLOOR_CORPUS_OUT, JSON.stringify({ rows, ok, total: rows.length }, null, 2));
  });

  it(`the first touched file ranks first or second in at least ${TARGET * 100}% of cases`, () => {
    const ok = rows.filter((r) => r.rank === 1 || r.rank === 2).length;
    assert.ok(ok / rows.length >= TARGET, `${ok}/${rows.length}; misses: ${rows.filter((r) => r.rank !== 1 && r.rank !== 2).map((r) => `${r.id} (${r.rank || 'absent'})`).join(', ')}`);
  });

  it('an advisory that quotes no call gets no reproduction: the drafter never invents one from words', () => {
    const invented: string[] = [];
    for (const c of cases) {
      if (QUOTES_CALL.test(c.seed)) continue;
      const { packet } = drafts.get(c.id)!;
      if (packet.reproduction.length || !packet.flags.includes('no-reproduction')) invented.push(`${c.id}: ${packet.reproduction.map((r) => r.argv.join(' ')).join(' | ')}`);
    }
    assert.deepEqual(invented, []);
  });

  it('every case drafts an actionable packet (no missing-context) whose scope paths are tracked files', () => {
    for (const c of cases) {
      const { packet } = drafts.get(c.id)!;
      assert.ok(!packet.flags.includes('missing-context'), c.id);
      const repo = repos.get(`${c.package}@${c.vulnerable}`)!;
      for (const p of packet.scope.paths) assert.ok(existsSync(join(repo, p.path)), `${c.id}: ${p.path}`);
    }
  });
});
