import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { readJournal } from '../../../src/adapters/store/file-journal';
import { git, tempRepo } from '../git/temp-repo';
import { approved } from '../support/approved';
import { runCli, signalWhen } from './cli';

/**
 * Fault test (issue 5, "Done when"): the CLI killed with SIGKILL during each station
 * resumes to the same terminal state as an uninterrupted run. Local environment, a command
 * implement station, a temp git repository; every station is slow enough to be killed in.
 */
const SLOW = 'setTimeout(() => require("./repro.js"), 700)';

function fixture() {
  const t = tempRepo();
  const slowFix = join(t.root, 'slow-fix.js');
  // Leaves half-done work (junk.txt) before the real change, so a kill mid-station leaves a dirty workspace.
  fs.writeFileSync(slowFix, "const fs = require('fs');\nfs.writeFileSync('junk.txt', 'half done');\nsetTimeout(() => { fs.rmSync('junk.txt'); fs.writeFileSync('index.js', \"module.exports = 'fixed';\\n\"); }, 900);\n");
  const packet = {
    schemaVersion: 1,
    id: 'fault',
    intent: 'index.js exports fixed',
    source: { kind: 'issue', text: 'broken export' },
    scope: { paths: [{ path: 'index.js' }], services: [] },
    nonGoals: [],
    reproduction: [{ argv: ['node', '-e', SLOW] }],
    allowedTools: [],
    validation: [{ argv: ['node', '-e', 'setTimeout(() => require("./test.js"), 700)'] }],
    noOpRules: [{ when: 'reproduction-passes-before-change', then: 'NO_OP' }],
    evidenceRequired: [],
    outputFormat: 'pr',
    risk: 'one-reviewer',
  };
  const blueprint = {
    schemaVersion: 1,
    name: 'fault-line',
    version: '1.0.0',
    tier: 'team',
    pattern: 'unattended',
    stations: [
      { id: 'reproduce', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate: { when: 'after' } },
      { id: 'implement', role: 'implement', kind: 'command', commands: [{ argv: ['node', slowFix] }], gate: { when: 'after' } },
      { id: 'reproduce-after', role: 'reproduce', kind: 'command', from: 'packet.reproduction' },
      { id: 'validate', role: 'validate', kind: 'command', from: 'packet.validation' },
    ],
  };
  fs.writeFileSync(join(t.root, 'packet.json'), JSON.stringify(approved(packet)));
  fs.writeFileSync(join(t.root, 'blueprint.json'), JSON.stringify(blueprint));
  const args = ['run', '--repo', t.repo, '--packet', join(t.root, 'packet.json'), '--blueprint', join(t.root, 'blueprint.json'), '--unattended', '--json', '--no-setup', '--environment', 'local'];
  return { ...t, args };
}

/** SIGKILL well inside station `stationId` (250 ms after it started): a real crash. */
async function killDuring(repo: string, args: string[], stationId: string): Promise<string> {
  return (await signalWhen(repo, args, `"type":"station/started","stationId":"${stationId}"`, 'SIGKILL', 250)).runId;
}

function checkJournal(repo: string, runId: string) {
  const v = readJournal(join(repo, '.shopfloor', 'runs', runId, 'journal.jsonl'));
  assert.equal(v.ok, true, v.problem?.message);
  const decided = v.records.flatMap((r) => (r.event.type === 'gate/decided' ? [r.event.decision.gateId] : []));
  assert.equal(new Set(decided).size, decided.length, `a gate was decided twice: ${decided.join(', ')}`);
  return v.records;
}

describe('fault: kill -9 during each station, then resume (local environment, real git)', function () {
  this.timeout(180_000);
  let baseline: string;

  before(() => {
    const f = fixture();
    const r = runCli(f.args);
    assert.equal(r.code, 0, r.stderr);
    baseline = JSON.parse(r.stdout).terminalState;
    assert.equal(baseline, 'PR_READY');
  });

  for (const station of ['reproduce', 'implement', 'reproduce-after', 'validate']) {
    it(`killed during ${station}: resumes to the same terminal state, no gate decided twice, clean output`, async () => {
      const f = fixture();
      const runId = await killDuring(f.repo, f.args, station);
      const before = checkJournal(f.repo, runId);
      assert.ok(!before.some((r) => r.event.type === 'run/terminal'), 'killed before the end');
      const shown = runCli(['show', runId, '--repo', f.repo]);
      assert.match(shown.stdout, /not ended/);

      const r = runCli(['run', '--repo', f.repo, '--resume', runId, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.terminalState, baseline);
      assert.equal(out.resumed, true);
      const records = checkJournal(f.repo, runId);
      assert.ok(records.some((x) => x.event.type === 'note' && x.event.message.startsWith('resumed after record')));
      const interrupted = records.filter((x) => x.event.type === 'note' && x.event.message.includes(`station ${station} attempt`) && x.event.message.includes('interrupted'));
      assert.equal(interrupted.length, 1, `the interrupted ${station} station is named once`);
      // The output: one commit on the base, only the real change (no half-done junk).
      const branch = `shopfloor/${runId}`;
      assert.equal(git(f.repo, 'rev-parse', `${branch}^`), f.head);
      assert.equal(git(f.repo, 'diff', '--name-only', f.head, branch), 'index.js');
      assert.equal(git(f.repo, 'status', '--porcelain'), '');
      assert.equal(runCli(['verify', runId, '--repo', f.repo]).code, 0);
    });
  }

  it('resuming a finished run repeats nothing', () => {
    const f = fixture();
    const r = runCli(f.args);
    const id = JSON.parse(r.stdout).runId as string;
    const n = checkJournal(f.repo, id).length;
    const again = runCli(['run', '--repo', f.repo, '--resume', id, '--json']);
    assert.equal(JSON.parse(again.stdout).terminalState, 'PR_READY');
    assert.equal(checkJournal(f.repo, id).length, n);
  });
});
