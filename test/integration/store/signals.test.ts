import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { readJournal } from '../../../src/adapters/store/file-journal';
import { LABEL_RUN } from '../../../src/adapters/docker/labels';
import { git, tempRepo } from '../git/temp-repo';
import { approved } from '../support/approved';
import { requireDocker } from '../support/docker';
import { runCli, signalWhen } from './cli';

/**
 * Signals (issue 8, "Done when"): `kill -TERM` (and SIGHUP) of `shopfloor run` during a
 * station in a Docker devcontainer stops it as cleanly as Ctrl-C: the station container is
 * removed, the journal closed with no terminal state, and `--resume` reaches the same
 * terminal state as an uninterrupted run (PR_READY here).
 */
function dockerFixture() {
  const t = tempRepo();
  // In the repository (the station sees only the workspace); slow enough to be stopped inside.
  fs.writeFileSync(join(t.repo, 'slow-fix.js'), "const fs = require('fs');\nsetTimeout(() => fs.writeFileSync('index.js', \"module.exports = 'fixed';\\n\"), 300);\n");
  git(t.repo, 'add', '-A');
  git(t.repo, 'commit', '-q', '-m', 'fix script');
  const head = git(t.repo, 'rev-parse', 'HEAD');
  const packet = {
    schemaVersion: 1, id: 'signals', intent: 'index.js exports fixed', source: { kind: 'issue', text: 'index.js is broken' },
    scope: { paths: [{ path: 'index.js' }], services: [] }, nonGoals: [],
    reproduction: [{ argv: ['node', '-e', 'setTimeout(() => require("./repro.js"), 4000)'] }],
    allowedTools: [], validation: [{ argv: ['node', 'test.js'] }], noOpRules: [{ when: 'reproduction-passes-before-change', then: 'NO_OP' }],
    evidenceRequired: [], outputFormat: 'pr', risk: 'one-reviewer',
  };
  const blueprint = {
    schemaVersion: 1, name: 'signal-line', version: '1.0.0', tier: 'team', pattern: 'unattended',
    stations: [
      { id: 'reproduce', role: 'reproduce', kind: 'command', from: 'packet.reproduction' },
      { id: 'implement', role: 'implement', kind: 'command', commands: [{ argv: ['node', 'slow-fix.js'] }] },
      { id: 'reproduce-after', role: 'reproduce', kind: 'command', from: 'packet.reproduction' },
      { id: 'validate', role: 'validate', kind: 'command', from: 'packet.validation' },
    ],
  };
  fs.writeFileSync(join(t.root, 'packet.json'), JSON.stringify(approved({ ...packet, baseCommit: head })));
  fs.writeFileSync(join(t.root, 'blueprint.json'), JSON.stringify(blueprint));
  const args = ['run', '--repo', t.repo, '--packet', join(t.root, 'packet.json'), '--blueprint', join(t.root, 'blueprint.json'), '--unattended', '--json', '--no-setup'];
  return { ...t, head, args };
}

describe('signals: SIGTERM and SIGHUP stop `shopfloor run` cleanly (real Docker, real git)', function () {
  this.timeout(300_000);

  for (const [signal, exit] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`${signal} during a station: exit ${exit}, no container left, the journal closed without a terminal state, and --resume reaches PR_READY`, async () => {
      const docker = await requireDocker();
      const f = dockerFixture();
      const { runId, code, stderr } = await signalWhen(f.repo, f.args, '"type":"station/started","stationId":"reproduce"', signal, 2500); // the container is up and the 4 s reproduction is running
      assert.equal(code, exit, stderr);
      assert.match(stderr, new RegExp(`${signal}: stopping run ${runId}`));
      const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runId}`] } });
      assert.deepEqual(left.map((c) => c.Names), [], 'the station container was removed');
      const v = readJournal(join(f.repo, '.shopfloor', 'runs', runId, 'journal.jsonl'));
      assert.equal(v.ok, true, v.problem?.message);
      assert.ok(!v.records.some((r) => r.event.type === 'run/terminal'), 'an interrupted run has no terminal state');
      const last = v.records.at(-1)!.event;
      assert.deepEqual(last.type === 'station/started' && last.stationId, 'reproduce', 'the interrupted attempt has no station/finished');
      assert.ok(!fs.existsSync(join(f.repo, '.shopfloor', 'runs', runId, 'journal.jsonl.lock')), 'the journal lock was released');

      const r = runCli(['run', '--repo', f.repo, '--resume', runId, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.terminalState, 'PR_READY', r.stderr);
      assert.equal(out.resumed, true);
      assert.equal(git(f.repo, 'diff', '--name-only', f.head, `shopfloor/${runId}`), 'index.js');
      const after = await docker.listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runId}`] } });
      assert.deepEqual(after.map((c) => c.Names), []);
    });
  }
});
