import { strict as assert } from 'node:assert';
import { isInsideRoot, parseMount, parseSize, substitute, substituteContainerEnv, workspaceRelativeSource } from '../../../../src/core/container';

describe('core/container mounts, sizes and variables', () => {
  it('parses the --mount string form with aliases', () => {
    assert.deepEqual(parseMount('src=/a,dst=/b,type=bind,ro'), { type: 'bind', source: '/a', target: '/b', readOnly: true });
    assert.deepEqual(parseMount('type=tmpfs,target=/t,tmpfs-size=1m'), { type: 'tmpfs', target: '/t', readOnly: false, tmpfsSize: 1048576 });
    assert.ok('problem' in parseMount('type=bind,src=/a,target=/b,volume-driver=x'));
  });

  it('workspace-relative sources stay inside the workspace, lexically', () => {
    assert.deepEqual(workspaceRelativeSource('/w/repo/sub/../x', '/w/repo'), { path: 'x' });
    assert.deepEqual(workspaceRelativeSource('/w/repo', '/w/repo'), { path: '' });
    assert.ok('refused' in workspaceRelativeSource('/w/repo-evil', '/w/repo'), 'a sibling sharing the prefix is outside');
    assert.ok('refused' in workspaceRelativeSource('/w/repo/../../etc', '/w/repo'));
    assert.ok('refused' in workspaceRelativeSource('relative/path', '/w/repo'));
    assert.ok('refused' in workspaceRelativeSource('/w/repo/.docker/run/docker.sock', '/w/repo'));
  });

  it('isInsideRoot compares real paths', () => {
    assert.equal(isInsideRoot('/a/b', '/a/b/c'), true);
    assert.equal(isInsideRoot('/a/b', '/a/bc'), false);
    assert.equal(isInsideRoot('/a/b', '/a'), false);
  });

  it('parses Docker sizes', () => {
    assert.equal(parseSize('512m'), 512 * 1024 * 1024);
    assert.equal(parseSize('1.5g'), 1.5 * 1024 ** 3);
    assert.equal(parseSize('2GB'), 2 * 1024 ** 3);
    assert.equal(parseSize('100'), 100);
    assert.equal(parseSize('lots'), undefined);
  });

  it('substitutes variables; containerEnv waits for exec time', () => {
    const notes: string[] = [];
    const ctx = { localWorkspaceFolder: '/w/repo', containerWorkspaceFolder: '/workspaces/repo', devcontainerId: 'id' };
    assert.equal(substitute('${localWorkspaceFolder}:${containerWorkspaceFolderBasename}:${containerEnv:HOME}:${unknown}', ctx, notes, 'x'), '/w/repo:repo:${containerEnv:HOME}:${unknown}');
    assert.equal(substituteContainerEnv('${containerEnv:PATH}:/bin2:${containerEnv:NONE:d}', { PATH: '/bin' }), '/bin:/bin2:d');
    assert.deepEqual(notes, []);
  });
});
