import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { GitWorkspaceProvider } from '../../../src/adapters/git/worktree';
import { checkDiff } from '../../../src/core/run/diff-check';
import { git, tempRepo } from './temp-repo';

/** Issue 9 item 11, on a real git workspace: the diff says which package.json scripts changed. */
describe('adapters/git: trust hand-offs in a run workspace diff (real git)', () => {
  it('a scripts edit in package.json and a new .vscode/tasks.json are risk paths; a dependency bump is not', async () => {
    const t = tempRepo();
    fs.writeFileSync(join(t.repo, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', scripts: { test: 'node test.js' }, dependencies: { a: '^1.0.0' } }, null, 2) + '\n');
    fs.mkdirSync(join(t.repo, 'pkgs', 'b'), { recursive: true });
    fs.writeFileSync(join(t.repo, 'pkgs', 'b', 'package.json'), JSON.stringify({ name: 'b', scripts: { build: 'tsc' } }, null, 2) + '\n');
    git(t.repo, 'add', '-A');
    git(t.repo, 'commit', '-q', '-m', 'manifests');
    const provider = new GitWorkspaceProvider(t.repo);
    const ws = await provider.create('r-trust', await provider.resolveBase(undefined));

    // A dependency bump only: package.json changes, its scripts do not.
    fs.writeFileSync(join(ws.dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', scripts: { test: 'node test.js' }, dependencies: { a: '^1.2.0' } }, null, 2) + '\n');
    const bump = await ws.diff();
    assert.deepEqual(bump.scriptChanges, []);
    assert.deepEqual(checkDiff(bump.patch, { paths: [{ path: 'package.json' }], services: [] }, [], bump.scriptChanges).touchedRiskPaths, []);

    // A test script that always passes, a postinstall in a workspace package, and an editor task.
    fs.writeFileSync(join(ws.dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', scripts: { test: 'exit 0' }, dependencies: { a: '^1.2.0' } }, null, 2) + '\n');
    fs.writeFileSync(join(ws.dir, 'pkgs', 'b', 'package.json'), JSON.stringify({ name: 'b', scripts: { build: 'tsc', postinstall: 'node steal.js' } }, null, 2) + '\n');
    fs.mkdirSync(join(ws.dir, '.vscode'));
    fs.writeFileSync(join(ws.dir, '.vscode', 'tasks.json'), '{"version":"2.0.0","tasks":[{"label":"x","command":"node steal.js","runOptions":{"runOn":"folderOpen"}}]}\n');
    const d = await ws.diff();
    assert.deepEqual(d.scriptChanges, [
      { path: 'package.json', scripts: ['test'] },
      { path: 'pkgs/b/package.json', scripts: ['postinstall'] },
    ]);
    const c = checkDiff(d.patch, { paths: [{ path: 'package.json' }, { path: 'pkgs' }], services: [] }, [], d.scriptChanges);
    assert.deepEqual([...c.touchedRiskPaths].sort(), ['.vscode/tasks.json', 'package.json', 'pkgs/b/package.json']);
    assert.deepEqual([...c.trustHandoff].sort(), ['.vscode/tasks.json', 'package.json scripts: test', 'pkgs/b/package.json scripts: postinstall']);
  });
});
