import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeRun } from '../../../src/app/compose';
import { runFolder } from '../../../src/adapters/store/run-folder';
import type { Blueprint, TaskPacket } from '../../../src/contracts';
import { runLine } from '../../../src/core/run/engine';
import { PolicyGatekeeper } from '../../../src/core/run/gate-policy';
import { RUN_LAYOUT } from '../../../src/core/run/layout';
import { aBlueprint, aPacket } from '../../support/builders';
import { requireDocker } from '../support/docker';

/**
 * Holdout scenarios come only from the user's holdout root (issue 9, design.md "Isolation
 * and security defaults"), on real Docker through the whole line: a blueprint whose
 * verifier names a host folder outside the holdout root (an absolute path, a `..` escape,
 * a symlink in the root pointing out) ends with the verifier failed naming the reason in
 * its station result (artifacts/stations/<id>-<attempt>.json, bound to the journal), and
 * the canary token in that folder never reaches the run folder (station logs, results,
 * the verifier's scratch copy, journal, evidence). The control: scenarios named by a
 * relative path under the root are copied in and seen by the verifier, so the same search
 * does find a token that was let in.
 */
describe('docker: verifier scenarios only from under the holdout root', function () {
  this.timeout(300_000);
  let base: string;
  let repo: string;
  let holdout: string;
  const canary = `canary-${randomBytes(12).toString('hex')}`;
  const allowed = `allowed-${randomBytes(12).toString('hex')}`;

  /** What a station looking for the holdout scenarios runs: the mount point, any file of that name anywhere, the token in the places a station can write. */
  const search = (token: string) => `echo "== search"; ls /scenarios 2>&1; find / \\( -path /proc -o -path /sys \\) -prune -o -name allowed.txt -print 2>/dev/null; grep -rls ${token} /workspaces /workspace /tmp "$HOME" 2>/dev/null; echo "== end"`;
  const blueprint = (scenarios: string, implementLooks = false): Blueprint =>
    aBlueprint()
      .with('maxRevisions', 0)
      .with('defaults', { timeoutSec: 120, retries: 0 })
      .with('stations', [
        { id: 'reproduce', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate: { when: 'none', allowSkip: false }, retries: 0 },
        { id: 'implement', role: 'implement', kind: 'agent', command: { argv: ['sh', '-c', `${implementLooks ? `${search(allowed)}; ` : ''}printf "module.exports = 'fixed';\\n" > index.js`] }, gate: { when: 'none', allowSkip: false }, retries: 0 },
        { id: 'holdout', role: 'verify', kind: 'verifier', scenarios, commands: [{ argv: ['sh', '-c', `cat /scenarios/*.txt; ls -la /scenarios${implementLooks ? `; ${search(allowed)}` : ''}`] }], gate: { when: 'none', allowSkip: false }, retries: 0 },
      ])
      .build();
  const packet = (): TaskPacket =>
    aPacket()
      .withScope('index.js')
      .with('reproduction', [{ argv: ['node', '-e', "process.exit(require('./index.js') === 'fixed' ? 0 : 1)"] }])
      .build();

  async function run(scenarios: string, implementLooks = false): Promise<{ runId: string; note?: string; outcome: string }> {
    const runId = `20261202-120000-${randomBytes(3).toString('hex')}`;
    const c = await composeRun({
      folder: runFolder(repo, runId),
      setup: { packet: packet(), blueprint: blueprint(scenarios, implementLooks), profile: { setup: [], dependencyCheck: [], registryHosts: [] }, unattended: true, environment: 'docker', holdout },
      gatekeeper: new PolicyGatekeeper(),
      humans: { perform: async () => ({ done: false, by: 'nobody' }) },
      engineVersion: 'holdout-test',
    });
    try {
      await runLine(c.inputs, c.ports);
    } finally {
      await c.close();
    }
    const result = JSON.parse(readFileSync(runFolder(repo, runId).path(RUN_LAYOUT.stationResult('holdout', 1)), 'utf8')) as { outcome: string; note?: string };
    return { runId, note: result.note, outcome: result.outcome };
  }

  /** Every file under `dir` (symlinks not followed) whose content contains `token`. */
  function filesContaining(dir: string, token: string): string[] {
    const hits: string[] = [];
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        const st = statSync(p, { throwIfNoEntry: false });
        if (!st) continue;
        if (st.isDirectory()) walk(p);
        else if (st.isFile() && readFileSync(p).includes(token)) hits.push(p);
      }
    };
    if (existsSync(dir)) walk(dir);
    return hits;
  }

  before(async () => {
    await requireDocker();
    base = mkdtempSync(join(tmpdir(), 'shopfloor-holdout-line-'));
    repo = join(base, 'repo');
    holdout = join(base, 'holdout');
    mkdirSync(join(base, 'secret'));
    writeFileSync(join(base, 'secret', 'canary.txt'), `${canary}\n`);
    mkdirSync(join(holdout, 'parser'), { recursive: true });
    writeFileSync(join(holdout, 'parser', 'allowed.txt'), `${allowed}\n`);
    symlinkSync(join(base, 'secret'), join(holdout, 'escape'));
    mkdirSync(repo);
    writeFileSync(join(repo, 'index.js'), "module.exports = 'broken';\n");
    execFileSync('git', ['init', '-q'], { cwd: repo });
    execFileSync('git', ['add', '-A'], { cwd: repo });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init'], { cwd: repo });
  });

  const escapes: Array<[string, () => string, RegExp]> = [
    ['an absolute host path', () => join(base, 'secret'), /refused: an absolute path is not allowed/],
    ['a ../ escape', () => '../secret', /refused: "\.\." is not allowed/],
    ['a symlink in the holdout root pointing out', () => 'escape', /refused: resolves outside the holdout root .* \(through a symlink\)/],
  ];
  for (const [what, scenarios, reason] of escapes) {
    it(`${what}: the verifier fails naming the reason, and the canary never reaches the run folder`, async () => {
      const r = await run(scenarios());
      console.log(`      ${what}: verifier ${r.outcome}: ${r.note}`);
      assert.equal(r.outcome, 'failed');
      assert.match(r.note ?? '', reason);
      const folder = runFolder(repo, r.runId).dir;
      assert.deepEqual(filesContaining(folder, canary), [], 'the canary token is nowhere in the run folder');
      assert.equal(existsSync(join(folder, RUN_LAYOUT.scratch, 'holdout')), false, 'no private verifier workspace was made');
      assert.ok(existsSync(join(folder, RUN_LAYOUT.evidenceJson)), 'the run ended with its evidence');
    });
  }

  it('control: scenarios named relative to the holdout root are copied in read-only and seen by the verifier', async () => {
    const r = await run('parser');
    assert.equal(r.outcome, 'passed', r.note);
    const folder = runFolder(repo, r.runId).dir;
    assert.ok(filesContaining(join(folder, 'artifacts', 'logs'), allowed).length > 0, 'the search finds a token that was let in');
    assert.deepEqual(filesContaining(folder, canary), []);
    assert.equal(existsSync(join(folder, RUN_LAYOUT.scratch)), false, "the verifier's copy of the scenarios does not outlive the run");
  });

  it('the implement station cannot read the scenarios: inside its container there is no /scenarios, no copy of the file and no trace of its token; the verifier after it finds all three', async () => {
    const r = await run('parser', true);
    assert.equal(r.outcome, 'passed', r.note);
    const folder = runFolder(repo, r.runId).dir;
    const between = (log: string) => log.slice(log.indexOf('== search'), log.indexOf('== end'));
    const impl = between(readFileSync(join(folder, RUN_LAYOUT.commandLog('implement', 1, 'agent')), 'utf8'));
    assert.match(impl, /^== search/, 'the search ran in the implement station');
    assert.match(impl, /ls: cannot access '\/scenarios': No such file or directory/);
    assert.doesNotMatch(impl, /allowed\.txt|\/scenarios\n|\.holdout/, impl);
    assert.equal(impl.trim().split('\n').length, 2, `only the search header and the ls error: ${impl}`);
    // The same search in the verifier: its scenarios are there (the search can find them).
    const verifier = between(readFileSync(join(folder, RUN_LAYOUT.commandLog('holdout', 1, 1)), 'utf8'));
    assert.match(verifier, /allowed\.txt/, verifier);
  });
});
