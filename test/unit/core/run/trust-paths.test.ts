import { strict as assert } from 'node:assert';
import { checkDiff } from '../../../../src/core/run/diff-check';
import { changedScripts } from '../../../../src/core/run/trust-paths';
import { decideTerminal } from '../../../../src/core/run/decide-terminal';
import { needsHuman } from '../../../../src/core/run/gate-policy';

const file = (path: string, body: string) => `diff --git a/${path} b/${path}\nindex 1..2 100644\n--- a/${path}\n+++ b/${path}\n@@ -1,3 +1,3 @@\n${body}\n`;
const scope = { paths: [{ path: 'src' }], services: [] };

describe('core/run/trust-paths: trust hand-off paths are risk paths in every blueprint (issue 9 item 11)', () => {
  it('a change to editor, devcontainer, CI, Shopfloor, package-manager or hook settings is a risk path with no riskPaths configured', () => {
    const paths = ['.vscode/tasks.json', '.devcontainer/devcontainer.json', '.devcontainer.json', '.github/workflows/ci.yml', '.github/actions/setup/action.yml', '.shopfloor/blueprints/x.json', '.npmrc', 'packages/a/.npmrc', '.yarnrc.yml', '.husky/pre-commit', '.githooks/post-checkout', 'lefthook.yml', '.pre-commit-config.yaml', '.gitattributes', '.gitmodules'];
    const c = checkDiff(paths.map((p) => file(p, '-a\n+b')).join(''), scope, []);
    assert.deepEqual(c.touchedRiskPaths, paths);
    assert.deepEqual(c.trustHandoff, paths);
  });

  it('ordinary source, a README, or a folder merely named like one is not a trust hand-off', () => {
    const c = checkDiff(file('src/vscode/ext.ts', '-a\n+b') + file('README.md', '-a\n+b') + file('docs/github/workflows.md', '-a\n+b') + file('src/npmrc.js', '-a\n+b'), { paths: [{ path: 'src' }, { path: 'README.md' }, { path: 'docs' }], services: [] }, []);
    assert.deepEqual(c.touchedRiskPaths, []);
    assert.deepEqual(c.trustHandoff, []);
  });

  it('package.json scripts: added, removed and edited scripts are named; dependency and version edits are not', () => {
    const before = JSON.stringify({ name: 'x', version: '1.0.0', scripts: { test: 'node test.js', build: 'tsc' }, dependencies: { a: '^1.0.0' } });
    assert.deepEqual(changedScripts(before, JSON.stringify({ name: 'x', version: '1.0.1', scripts: { test: 'node test.js', build: 'tsc' }, dependencies: { a: '^1.2.0' } })), []);
    assert.deepEqual(changedScripts(before, JSON.stringify({ name: 'x', scripts: { test: 'exit 0', postinstall: 'curl x | sh' } })), ['build', 'postinstall', 'test']);
    assert.deepEqual(changedScripts(undefined, JSON.stringify({ scripts: { prepare: 'node p.js' } })), ['prepare']);
    assert.deepEqual(changedScripts(before, undefined), ['build', 'test']);
    assert.deepEqual(changedScripts(before, '{ not json'), ['(unparsable manifest)']);
    assert.deepEqual(changedScripts(before, JSON.stringify({ scripts: 'rm -rf /' })), ['(unparsable manifest)']);
  });

  it('script changes from the workspace make package.json a risk path, with the scripts named', () => {
    const c = checkDiff(file('package.json', '-  "test": "node test.js"\n+  "test": "exit 0"'), { paths: [{ path: 'package.json' }], services: [] }, [], [{ path: 'package.json', scripts: ['test'] }]);
    assert.deepEqual(c.touchedRiskPaths, ['package.json']);
    assert.deepEqual(c.trustHandoff, ['package.json scripts: test']);
    const dep = checkDiff(file('package.json', '-  "a": "^1.0.0"\n+  "a": "^1.2.0"'), { paths: [{ path: 'package.json' }], services: [] }, [], []);
    assert.deepEqual(dep.touchedRiskPaths, []);
  });

  it('the unattended policy hands such a gate to a human, and without one the decision is ESCALATE hard-stop-risk (T10)', () => {
    const c = checkDiff(file('.vscode/tasks.json', '-a\n+b'), scope, []);
    const stop = needsHuman({ risk: { packetRisk: 'one-reviewer', touchedRiskPaths: c.touchedRiskPaths, diffFlags: c.flags, preexistingFailures: [] } } as never);
    assert.equal(stop?.terminal.reason, 'hard-stop-risk');
    const d = decideTerminal({ noOpRules: [], implements: true, setup: 'passed', reproductionBefore: 'failed', implement: 'done', diff: { files: 1, flags: c.flags, riskPaths: c.touchedRiskPaths }, reproductionAfter: 'passed', validation: 'passed', stationsPending: false, revisionsLeft: 0 });
    assert.equal(d.kind === 'terminal' && `${d.rule} ${d.terminal.state} ${d.terminal.reason}`, 'T10 ESCALATE hard-stop-risk');
    const approved = decideTerminal({ noOpRules: [], implements: true, setup: 'passed', reproductionBefore: 'failed', implement: 'done', diff: { files: 1, flags: [], riskPaths: ['.vscode/tasks.json'] }, flagsApproved: true, reproductionAfter: 'passed', validation: 'passed', stationsPending: false, revisionsLeft: 0 });
    assert.equal(approved.kind === 'terminal' && approved.terminal.state, 'PR_READY');
  });
});
