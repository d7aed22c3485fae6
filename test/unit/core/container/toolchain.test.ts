import { strict as assert } from 'node:assert';
import { npmForNode, toolchainRequest, versionSatisfies } from '../../../../src/core/container';

describe('core/container toolchainRequest: the Node.js and package manager a repository asks for', () => {
  it('takes node from .nvmrc, then .node-version, .tool-versions, engines.node', () => {
    const pkg = JSON.stringify({ engines: { node: '>=16 <21' } });
    assert.deepEqual(toolchainRequest({ nvmrc: '# pinned\nv20.11.1\n', toolVersions: 'nodejs 18.0.0', packageJson: pkg }).request.node, { range: '20.11.1', source: '.nvmrc' });
    assert.deepEqual(toolchainRequest({ nodeVersion: '22', packageJson: pkg }).request.node, { range: '22', source: '.node-version' });
    assert.deepEqual(toolchainRequest({ toolVersions: 'python 3.12.1\nnodejs 18.19.0\n', packageJson: pkg }).request.node, { range: '18.19.0', source: '.tool-versions' });
    assert.deepEqual(toolchainRequest({ packageJson: pkg }).request.node, { range: '>=16 <21', source: 'package.json engines.node' });
    assert.deepEqual(toolchainRequest({ nvmrc: 'node' }).request.node, { range: '*', source: '.nvmrc' });
  });

  it('notes what it cannot resolve offline or read, and falls through to the next source', () => {
    const r = toolchainRequest({ nvmrc: 'lts/iron', packageJson: JSON.stringify({ engines: { node: '^18' }, packageManager: 'bun@1' }) });
    assert.deepEqual(r.request.node, { range: '^18', source: 'package.json engines.node' });
    assert.ok(r.notes.some((n) => /\.nvmrc: "lts\/iron" is not a version/.test(n)));
    assert.ok(r.notes.some((n) => /packageManager "bun@1"/.test(n)));
    assert.ok(toolchainRequest({ packageJson: '{' }).notes.some((n) => /package\.json is not JSON/.test(n)));
    assert.deepEqual(toolchainRequest({ nvmrc: '$(rm -rf /)' }).request, {}, 'anything but a version range is never passed on');
  });

  it('takes the package manager from packageManager, engines, then the lockfile format', () => {
    assert.deepEqual(toolchainRequest({ packageJson: JSON.stringify({ packageManager: 'pnpm@9.15.0+sha512.abc' }) }).request.packageManager, { name: 'pnpm', range: '9.15.0', source: 'package.json packageManager' });
    assert.deepEqual(toolchainRequest({ packageJson: JSON.stringify({ engines: { npm: '>=10' } }) }).request.packageManager, { name: 'npm', range: '>=10', source: 'package.json engines.npm' });
    assert.deepEqual(toolchainRequest({ pnpmLock: "lockfileVersion: '6.0'\n" }).request.packageManager, { name: 'pnpm', range: '8', source: 'pnpm-lock.yaml lockfileVersion 6.0' });
    assert.deepEqual(toolchainRequest({ yarnLock: '__metadata:\n  version: 8\n' }).request.packageManager, { name: 'yarn', range: '>=2', source: 'yarn.lock (Berry format)' });
    assert.deepEqual(toolchainRequest({ yarnLock: '# yarn lockfile v1\n' }).request, {});
  });

  it('npm lines per Node.js line, and version checks', () => {
    assert.deepEqual(['v22.1.0', '20', '16.20.2', '14'].map(npmForNode), ['10', '10', '8', '6']);
    assert.equal(versionSatisfies('v18.20.4', '>=18'), true);
    assert.equal(versionSatisfies('v18.20.4', '20'), false);
    assert.equal(versionSatisfies('', '20'), false, 'an absent tool satisfies nothing');
  });
});
