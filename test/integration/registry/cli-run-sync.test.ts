import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { BUGFIX } from '../../../src/core/blueprints';
import { tempRepo } from '../git/temp-repo';
import { approved } from '../support/approved';
import { runCli } from '../store/cli';
import { bareRegistry, scopedShopfloorHome, scratch } from './support';

/**
 * The registry end to end through the CLI: publish, adopt, a real run (local environment)
 * of the adopted blueprint records its registry version and hash in its evidence, and its
 * outcome reaches `registry stats` through the run's own sync. A run whose registry is
 * unreachable still succeeds, its outcome queued.
 */
describe('registry CLI: a run from an adopted blueprint syncs its outcome', function () {
  this.timeout(240_000);
  const home = scopedShopfloorHome();

  it('publish, adopt, run, stats', async () => {
    const root = scratch();
    const bare = await bareRegistry(root);
    const t = tempRepo();
    const bpFile = join(root, 'team-bugfix.json');
    fs.writeFileSync(bpFile, JSON.stringify({ ...BUGFIX, name: 'team-bugfix', tier: 'team' }));
    const pub = runCli(['registry', 'publish', bpFile, '--registry', bare, '--repo', t.repo, '--json']);
    assert.equal(pub.code, 0, pub.stderr);
    const record = JSON.parse(pub.stdout).record;
    const ad = runCli(['registry', 'adopt', 'team-bugfix@1.0.0', '--registry', bare, '--repo', t.repo]);
    assert.equal(ad.code, 0, ad.stderr);
    assert.ok(fs.existsSync(join(t.repo, '.shopfloor', 'blueprints', 'team-bugfix.json')));

    const packet = {
      schemaVersion: 1, id: 'v', intent: 'index.js exports fixed', source: { kind: 'issue', text: 'x' },
      scope: { paths: [{ path: 'index.js' }], services: [] }, nonGoals: [], reproduction: [{ argv: ['node', 'repro.js'] }],
      allowedTools: [], validation: [{ argv: ['node', 'test.js'] }], noOpRules: [{ when: 'reproduction-passes-before-change', then: 'NO_OP' }],
      evidenceRequired: [], outputFormat: 'pr', risk: 'one-reviewer',
    };
    fs.writeFileSync(join(t.root, 'packet.json'), JSON.stringify(approved(packet)));
    const args = ['run', '--repo', t.repo, '--packet', join(t.root, 'packet.json'), '--blueprint', 'team-bugfix', '--unattended', '--json', '--no-setup', '--environment', 'local', '--agent-command', `node ${t.fixScript}`, '--registry', bare];
    // An unattended run uses only production versions: this copy's version is a candidate.
    const refused = runCli(args);
    assert.equal(refused.code, 2, refused.stdout);
    assert.match(refused.stderr, /team-bugfix@1\.0\.0, which was candidate when adopted; an unattended run uses only production versions .*--allow-candidate/);
    const run = runCli([...args, '--allow-candidate']);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    const evidence = JSON.parse(fs.readFileSync(out.evidence, 'utf8'));
    assert.equal(evidence.environment.blueprint, 'team-bugfix@1.0.0');
    assert.equal(evidence.environment.blueprintHash, record.hash, "the run's evidence holds the registry version's hash");
    assert.deepEqual(evidence.environment.blueprintSource.registry, { source: 'team-bugfix@1.0.0', sourceHash: record.hash, fork: false, channel: 'candidate' });

    const stats = runCli(['registry', 'stats', '--registry', bare, '--json']);
    assert.equal(stats.code, 0, stats.stderr);
    const s = JSON.parse(stats.stdout);
    const v = s.versions.find((x: { name: string }) => x.name === 'team-bugfix');
    assert.equal(v.runs, 1);
    assert.equal(v.terminal.PR_READY, 1);
    assert.equal(v.firstAttemptValidation.k, 1);
    // The outcome in the registry carries no code: nothing of the repository's files.
    const files = fs.readdirSync(join(home, 'registry-state'));
    const clone = join(home, 'registry-state', files[0]!, 'clone');
    const outcomeFile = join(clone, 'outcomes', 'team-bugfix', '1.0.0', `${out.runId}.json`);
    const text = fs.readFileSync(outcomeFile, 'utf8');
    for (const src of fs.readFileSync(join(t.repo, 'index.js'), 'utf8').split('\n').filter((l) => l.trim())) assert.ok(!text.includes(src.trim()), `source line in the outcome: ${src}`);
    assert.ok(!text.includes(t.repo) && !text.includes(t.fixScript), 'no path in the outcome');

    // A second sync of the same runs delivers nothing new.
    const again = runCli(['registry', 'sync', '--registry', bare, '--repo', t.repo, '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual([JSON.parse(again.stdout).delivered, JSON.parse(again.stdout).alreadyThere], [0, 1]);
  });

  it('an unreachable registry never fails the run: the outcome is queued', () => {
    const t = tempRepo();
    const packet = {
      schemaVersion: 1, id: 'v', intent: 'index.js exports fixed', source: { kind: 'issue', text: 'x' },
      scope: { paths: [{ path: 'index.js' }], services: [] }, nonGoals: [], reproduction: [{ argv: ['node', 'repro.js'] }],
      allowedTools: [], validation: [{ argv: ['node', 'test.js'] }], noOpRules: [{ when: 'reproduction-passes-before-change', then: 'NO_OP' }],
      evidenceRequired: [], outputFormat: 'pr', risk: 'one-reviewer',
    };
    fs.writeFileSync(join(t.root, 'packet.json'), JSON.stringify(approved(packet)));
    const gone = join(t.root, 'no-such-registry.git');
    const run = runCli(['run', '--repo', t.repo, '--packet', join(t.root, 'packet.json'), '--unattended', '--json', '--no-setup', '--environment', 'local', '--agent-command', `node ${t.fixScript}`, '--registry', gone]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /registry: outcome of run \S+ queued \(1 waiting\)/);
    const off = runCli(['run', '--repo', t.repo, '--packet', join(t.root, 'packet.json'), '--unattended', '--json', '--no-setup', '--environment', 'local', '--agent-command', `node ${t.fixScript}`, '--registry', gone, '--no-registry-sync']);
    assert.equal(off.code, 0, off.stderr);
    assert.doesNotMatch(off.stderr, /registry:/);
  });
});
