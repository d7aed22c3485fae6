import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitRepoReader } from '../../../src/adapters/git/repo-reader';
import { draftPacket } from '../../../src/core/packet/draft';
import { profileRepository } from '../../../src/core/profile/profile';
import { BROWNFIELD } from '../../support/brownfield';

/**
 * Acceptance on real brownfield input (../shared/brownfield): real npm packages at
 * vulnerable versions, materialized as git repositories. The drafter never sees
 * cases.json's answers: the test reads them only to check the draft.
 */
const cases = JSON.parse(readFileSync(join(BROWNFIELD, 'cases.json'), 'utf8')) as {
  cases: { id: string; package: string; vulnerable: string; fixed: string; seed: string; touches: string[] }[];
  vague_seeds: string[];
};

function materialize(pkg: string, version: string, dest: string): void {
  execFileSync('bash', [join(BROWNFIELD, 'materialize.sh'), pkg, version, dest], { stdio: 'pipe' });
}

function run(argv: string[], cwd: string): number {
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd, stdio: 'pipe', timeout: 60_000 });
  return r.status ?? -1;
}

describe('integration/packet: brownfield cases (real packages, real git)', function () {
  this.timeout(180_000);
  const root = mkdtempSync(join(tmpdir(), 'shopfloor-brownfield-'));
  const dirs = new Map<string, { vulnerable: string; fixed: string }>();

  before(function () {
    for (const c of cases.cases) {
      const d = { vulnerable: join(root, `${c.package}-${c.vulnerable}`), fixed: join(root, `${c.package}-${c.fixed}`) };
      materialize(c.package, c.vulnerable, d.vulnerable);
      materialize(c.package, c.fixed, d.fixed);
      dirs.set(c.id, d);
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const c of cases.cases) {
    it(`${c.id}: touched file ranked first or second; reproduction runnable, fails on ${c.vulnerable} and passes on ${c.fixed}`, async () => {
      const d = dirs.get(c.id)!;
      const { packet } = await draftPacket({ seed: { kind: 'advisory', text: c.seed }, reader: new GitRepoReader(d.vulnerable) });
      const rank = packet.scope.paths.findIndex((p) => c.touches.includes(p.path));
      assert.ok(rank === 0 || rank === 1, `touched file ranked ${rank + 1}: ${packet.scope.paths.map((p) => p.path).join(', ')}`);
      assert.ok(!packet.flags.includes('missing-context'));
      assert.ok(!packet.flags.includes('no-reproduction'));
      const repro = packet.reproduction[0]!;
      assert.equal(repro.origin?.source, 'seed');
      const cwd = (dir: string) => (repro.cwd ? join(dir, repro.cwd) : dir);
      assert.equal(run(repro.argv, cwd(d.vulnerable)), 1, 'the reproduction fails while the problem exists');
      assert.equal(run(repro.argv, cwd(d.fixed)), 0, 'and passes once it is fixed');
      assert.equal(packet.baseCommit, execFileSync('git', ['rev-parse', 'HEAD'], { cwd: d.vulnerable, encoding: 'utf8' }).trim());
    });
  }

  for (const [i, text] of cases.vague_seeds.entries()) {
    it(`vague seed "${text}" yields missing-context, not an invented task`, async () => {
      const c = cases.cases[i % cases.cases.length]!;
      const { packet } = await draftPacket({ seed: { kind: 'issue', text }, reader: new GitRepoReader(dirs.get(c.id)!.vulnerable) });
      assert.ok(packet.flags.includes('missing-context'));
      assert.deepEqual(packet.scope.paths, []);
      assert.deepEqual(packet.reproduction, []);
      assert.equal(packet.outputFormat, 'escalation');
    });
  }
});

describe('integration/packet: git repo-reader on a fixture copy', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'shopfloor-fixture-'));
  const outside = mkdtempSync(join(tmpdir(), 'shopfloor-outside-'));
  before(() => {
    cpSync(join(__dirname, '..', '..', 'fixtures', 'repos', 'npm'), dir, { recursive: true });
    writeFileSync(join(outside, 'secret.txt'), 'TOP-SECRET parseDate');
    // A tracked symlink pointing out of the repository: listed, never followed.
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'Makefile'));
    writeFileSync(join(dir, 'untracked.js'), 'exports.parseDate = 1;');
    const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('add', '.', ':!untracked.js');
    git('commit', '-qm', 'fixture');
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('profiles through git: same commands as the in-memory fake, symlink counted and not read', async () => {
    const p = await profileRepository(new GitRepoReader(dir));
    assert.deepEqual(p.testCommands.filter((c) => c.from === 'npm').map((c) => c.argv.join(' ')), ['npm test']);
    assert.deepEqual(p.setupCommands.map((c) => c.argv.join(' ')), ['npm ci']);
    assert.equal(p.files.symlinks, 1);
    assert.ok(!p.manifests.some((m) => m.path === 'Makefile'));
    assert.equal(p.readiness.pattern, 'unattended');
  });

  it('reads only tracked regular files within the size bound; grep never sees untracked or linked content', async () => {
    const r = new GitRepoReader(dir);
    const got = await r.readFiles(['package.json', 'Makefile', 'untracked.js', 'src/index.js'], { maxBytes: 200 });
    assert.deepEqual(got.get('Makefile'), { skipped: 'symlink' });
    assert.deepEqual(got.get('untracked.js'), { skipped: 'untracked' });
    assert.equal((got.get('package.json') as { skipped: string }).skipped, 'too-large');
    assert.match((got.get('src/index.js') as { text: string }).text, /parseDate/);
    const hits = await r.grep({ patterns: ['parseDate', 'TOP-SECRET'], maxPerFile: 5 });
    assert.ok(hits.every((h) => h.path !== 'untracked.js' && h.path !== 'Makefile'));
    assert.ok(hits.some((h) => h.path === 'src/index.js' && h.line === 1));
    const history = await r.recentHistory({ maxCommits: 5 });
    assert.equal(history.length, 1);
    assert.ok(history[0]!.paths.includes('src/index.js'));
  });

  it('shopfloor draft and profile CLI print a packet and a profile', () => {
    const cli = join(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts');
    const seedFile = join(outside, 'seed.txt');
    writeFileSync(seedFile, 'FAIL test/index.test.js\n  ● dates › parses empty string\n      at Object.parseDate (/ci/src/index.js:3:10)\n');
    const out = execFileSync(process.execPath, ['--import', 'tsx', cli, 'draft', '--repo', dir, '--seed-file', seedFile, '--seed-kind', 'failing-test', '--json'], { encoding: 'utf8' });
    const packet = JSON.parse(out) as { scope: { paths: { path: string }[] }; reproduction: { argv: string[] }[] };
    assert.equal(packet.scope.paths[0]!.path, 'src/index.js');
    assert.deepEqual(packet.reproduction[0]!.argv, ['npx', 'jest', 'test/index.test.js', '-t', 'parses empty string']);
    const prof = execFileSync(process.execPath, ['--import', 'tsx', cli, 'profile', '--repo', dir], { encoding: 'utf8' });
    assert.match(prof, /recommended pattern: unattended/);
  });
});
