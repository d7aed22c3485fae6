import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, tempRepo } from '../git/temp-repo';
import { approved } from '../support/approved';
import { runCli, signalWhen } from './cli';

/**
 * Hostile repository, item 5 (real git, the CLI as a process, local environment): a run
 * folder that arrives with a clone is never resumed and its stored command never runs; a
 * station result edited after an interrupted run recorded it is refused on resume and
 * reported by `shopfloor verify` (before: resumed, injected, and "intact").
 */
function fixture(canary: string) {
  const t = tempRepo();
  const packet = {
    schemaVersion: 1, id: 'planted', intent: 'index.js exports fixed', source: { kind: 'issue', text: 'x' },
    scope: { paths: [{ path: 'index.js' }], services: [] }, nonGoals: [],
    reproduction: [{ argv: ['node', '-e', 'setTimeout(() => require("./repro.js"), 1500)'] }],
    allowedTools: [], validation: [{ argv: ['node', 'test.js'] }], noOpRules: [{ when: 'reproduction-passes-before-change', then: 'NO_OP' }],
    evidenceRequired: [], outputFormat: 'pr', risk: 'one-reviewer',
  };
  const blueprint = {
    schemaVersion: 1, name: 'planted-line', version: '1.0.0', tier: 'team', pattern: 'unattended',
    stations: [
      { id: 'reproduce', role: 'reproduce', kind: 'command', from: 'packet.reproduction' },
      { id: 'implement', role: 'implement', kind: 'command', commands: [{ argv: ['node', t.fixScript] }] },
      { id: 'reproduce-after', role: 'reproduce', kind: 'command', from: 'packet.reproduction' },
      { id: 'validate', role: 'validate', kind: 'command', from: 'packet.validation' },
    ],
  };
  fs.writeFileSync(join(t.root, 'packet.json'), JSON.stringify(approved(packet)));
  fs.writeFileSync(join(t.root, 'blueprint.json'), JSON.stringify(blueprint));
  const args = ['run', '--repo', t.repo, '--packet', join(t.root, 'packet.json'), '--blueprint', join(t.root, 'blueprint.json'), '--unattended', '--json', '--no-setup', '--environment', 'local'];
  return { ...t, args, canary };
}

describe('hostile repository: planted and edited run folders (real git, local environment)', function () {
  this.timeout(180_000);

  it('a run folder that came with a clone is never resumed, and its stored command never runs', async () => {
    const canary = join(fs.mkdtempSync(join(tmpdir(), 'sf-canary-')), 'ran');
    const a = fixture(canary);
    const id = (await signalWhen(a.repo, a.args, '"type":"station/started","stationId":"reproduce"', 'SIGKILL')).runId;
    // The attacker's copy: the same run folder, committed with an implement command that writes the canary.
    const setupFile = join(a.repo, '.shopfloor', 'runs', id, 'artifacts', 'run-setup.json');
    const setup = JSON.parse(fs.readFileSync(setupFile, 'utf8'));
    setup.blueprint.stations[1].commands = [{ argv: ['node', '-e', `require('fs').writeFileSync(${JSON.stringify(canary)}, 'x')`] }];
    fs.writeFileSync(setupFile, JSON.stringify(setup));
    fs.rmSync(join(a.repo, '.shopfloor', 'runs', '.gitignore'));
    git(a.repo, 'add', '-f', '.shopfloor');
    git(a.repo, 'commit', '-qm', 'a run folder, committed');
    const clone = join(a.root, 'clone');
    git(a.root, 'clone', '-q', a.repo, clone);
    assert.ok(fs.existsSync(join(clone, '.shopfloor', 'runs', id, 'journal.jsonl')), 'the clone has the run folder');

    const r = runCli(['run', '--repo', clone, '--resume', id, '--json']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`run ${id} was not started by Shopfloor on this machine`));
    assert.ok(!fs.existsSync(canary), 'the stored command never ran');
    // And in the original repository, the edited set-up is refused too.
    const same = runCli(['run', '--repo', a.repo, '--resume', id, '--json']);
    assert.match(same.stderr, /set-up \(artifacts\/run-setup\.json\) changed after the run started/);
    assert.ok(!fs.existsSync(canary));
  });

  it('a station result edited after an interrupted run recorded it: resume refuses it and verify names it', async () => {
    const f = fixture('');
    const id = (await signalWhen(f.repo, f.args, '"type":"station/started","stationId":"implement"', 'SIGKILL')).runId;
    const result = join(f.repo, '.shopfloor', 'runs', id, 'artifacts', 'stations', 'reproduce-1.json');
    const r0 = JSON.parse(fs.readFileSync(result, 'utf8'));
    r0.commands[0].outputTail = 'planted text for the reviewer';
    fs.writeFileSync(result, JSON.stringify(r0, null, 2));
    const v = runCli(['verify', id, '--repo', f.repo]);
    assert.equal(v.code, 1, v.stdout);
    assert.match(v.stdout, /artifacts\/stations\/reproduce-1\.json was changed after the journal recorded it/);
    const r = runCli(['run', '--repo', f.repo, '--resume', id, '--json']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /run file artifacts\/stations\/reproduce-1\.json was changed after the journal recorded it/);
    assert.equal(git(f.repo, 'branch', '--list', 'shopfloor/*'), '', 'nothing shipped');
  });
});
