import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { contentHash, sha256Hex } from '../../../src/core/hash';
import { RUN_LAYOUT } from '../../../src/core/run/layout';
import { git, tempRepo } from '../git/temp-repo';
import { approved } from '../support/approved';
import { requireDocker } from '../support/docker';
import { runCli } from '../store/cli';

/**
 * What ships is what was approved (issue 9, item 3), on real Docker and real git: the
 * implement station (a command agent) makes the approved change and also starts a detached
 * background writer that creates another file a few seconds later, while later stations run.
 * The run reaches PR_READY, and the output branch holds exactly the patch the output gate
 * approved: the background change is in neither the branch nor the workspace.
 */
describe('output: the approved patch ships, not what a station changed after the diff (real Docker, real git)', function () {
  this.timeout(300_000);

  it('a detached background writer started by the implement station changes nothing that ships', async () => {
    await requireDocker();
    const t = tempRepo();
    const packet = {
      schemaVersion: 1,
      id: 'background-writer',
      intent: 'index.js exports fixed',
      source: { kind: 'issue', text: 'broken export' },
      scope: { paths: [{ path: 'index.js' }], services: [] },
      nonGoals: [],
      reproduction: [{ argv: ['node', 'repro.js'] }],
      allowedTools: [],
      // Slow enough that the background writer (3 s after implement) would fire before the output is made.
      validation: [{ argv: ['node', '-e', 'setTimeout(() => require("./test.js"), 6000)'] }],
      noOpRules: [{ when: 'reproduction-passes-before-change', then: 'NO_OP' }],
      evidenceRequired: [],
      outputFormat: 'pr',
      risk: 'one-reviewer',
    };
    const blueprint = {
      schemaVersion: 1,
      name: 'background-line',
      version: '1.0.0',
      tier: 'team',
      pattern: 'unattended',
      stations: [
        { id: 'reproduce', role: 'reproduce', kind: 'command', from: 'packet.reproduction' },
        { id: 'implement', role: 'implement', kind: 'agent', gate: { when: 'after' } },
        { id: 'reproduce-after', role: 'reproduce', kind: 'command', from: 'packet.reproduction' },
        { id: 'validate', role: 'validate', kind: 'command', from: 'packet.validation' },
      ],
    };
    fs.writeFileSync(join(t.root, 'packet.json'), JSON.stringify(approved(packet)));
    fs.writeFileSync(join(t.root, 'blueprint.json'), JSON.stringify(blueprint));
    const agent = [
      'sh',
      '-c',
      `printf "module.exports = 'fixed';\\n" > index.js && (setsid nohup sh -c 'sleep 3; echo pwned > pwned.txt; echo pwned >> repro.js' >/dev/null 2>&1 &) && echo started`,
    ];
    const r = runCli(['run', '--repo', t.repo, '--packet', join(t.root, 'packet.json'), '--blueprint', join(t.root, 'blueprint.json'), '--unattended', '--json', '--no-setup', '--environment', 'docker', '--agent-command', JSON.stringify(agent)]);
    assert.ok(r.stdout.trim().startsWith('{'), `no summary (exit ${r.code}):\n${r.stderr.slice(-3000)}`);
    const s = JSON.parse(r.stdout) as { runId: string; terminalState: string; reason: string; evidence: string; output: { branch?: string; commit?: string } };
    assert.equal(s.terminalState, 'PR_READY', `${s.reason}: ${r.stderr.slice(-2000)}`);
    const branch = s.output.branch!;
    assert.equal(git(t.repo, 'rev-parse', `${branch}^`), t.head, 'one commit on the base');
    assert.deepEqual(git(t.repo, 'diff', '--name-only', t.head, branch).split('\n'), ['index.js'], 'only the approved change shipped');

    const runDir = join(t.repo, '.shopfloor', 'runs', s.runId);
    const patch = fs.readFileSync(join(runDir, RUN_LAYOUT.approvedPatch), 'utf8');
    assert.equal(git(t.repo, 'diff', '--binary', '--no-color', t.head, branch), patch.trimEnd(), 'the branch holds exactly the approved patch');
    const ev = JSON.parse(fs.readFileSync(s.evidence, 'utf8'));
    assert.equal(ev.diff.patch, patch);
    assert.equal(ev.diff.patchSha256, sha256Hex(patch), 'the evidence names the patch that shipped');
    const last = ev.gates.at(-1);
    assert.equal(last.stationId, 'decide');
    assert.equal(last.contentHash, contentHash({ terminal: ev.terminal, patch }), 'the last gate approved exactly that patch');

    // The background writer was stopped with its container, before the diff: it never wrote.
    await new Promise((res) => setTimeout(res, 4000));
    const ws = join(t.repo, '.git', 'shopfloor', 'workspaces', s.runId);
    assert.ok(fs.existsSync(ws), `the run workspace ${ws} is kept`);
    assert.equal(fs.existsSync(join(ws, 'pwned.txt')), false, 'the background writer did not outlive the implement station');
    assert.doesNotMatch(fs.readFileSync(join(ws, 'repro.js'), 'utf8'), /pwned/);
  });
});
