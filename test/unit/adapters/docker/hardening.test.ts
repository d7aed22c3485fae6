import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextDigest, listContext } from '../../../../src/adapters/docker/build-context';
import { hardenedCreateOptions } from '../../../../src/adapters/docker/create-options';
import { parsePasswd, pickStationUser } from '../../../../src/adapters/docker/users';
import { defaultEnvironment } from '../../../../src/core/container';

describe('adapters/docker hardening profile and helpers', () => {
  it('create options drop every capability, forbid new privileges, set limits, labels, network none and only the workspace bind', () => {
    const spec = { ...defaultEnvironment({ image: 'img', workspaceBasename: 'repo' }), capAdd: ['SYS_PTRACE'] };
    const o = hardenedCreateOptions({
      spec,
      imageId: 'sha256:abc',
      configHash: 'f'.repeat(64),
      runId: 'Run 1',
      sessionId: 's',
      owner: 'me@host',
      user: 'node',
      workspaceSource: '/real/ws',
      bindSources: new Map(),
      networkMode: 'none',
      proxyEnv: {},
      storageQuota: false,
    });
    const h = o.HostConfig!;
    assert.deepEqual(h.CapDrop, ['ALL']);
    assert.deepEqual(h.CapAdd, ['SYS_PTRACE']);
    assert.deepEqual(h.SecurityOpt, ['no-new-privileges:true']);
    assert.equal(h.Privileged, false);
    assert.equal(h.NetworkMode, 'none');
    assert.equal(h.PidsLimit, spec.limits.pids);
    assert.equal(h.Memory, spec.limits.memoryBytes);
    assert.equal(h.MemorySwap, spec.limits.memoryBytes, 'no swap beyond the memory limit');
    assert.equal(h.NanoCpus, spec.limits.cpus * 1e9);
    assert.deepEqual(h.Mounts, [{ Type: 'bind', Source: '/real/ws', Target: '/workspaces/repo', ReadOnly: false }]);
    assert.equal(h.Binds, undefined);
    assert.match(h.Tmpfs!['/tmp']!, /size=\d+/);
    assert.equal(o.User, 'node');
    assert.deepEqual(o.Labels, { 'shopfloor.run': 'Run 1', 'shopfloor.session': 's', 'shopfloor.owner': 'me@host', 'shopfloor.config': 'f'.repeat(64) });
    assert.equal(o.name, `shopfloor-run-1-ffffffff`);
    assert.ok(!JSON.stringify(o).includes('docker.sock'));
  });

  it('picks the image USER, else the first regular account, else root', () => {
    const users = parsePasswd('root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\nnode:x:1000:1000::/home/node:/bin/bash\n');
    assert.equal(pickStationUser('', users), 'node');
    assert.equal(pickStationUser('vscode', users), 'vscode');
    assert.equal(pickStationUser('root', users), 'node');
    assert.equal(pickStationUser('', users.slice(0, 2)), undefined);
  });

  it('lists a build context with .dockerignore, keeps symlinks as links, digests content', async () => {
    const d = mkdtempSync(join(tmpdir(), 'sf-ctx-'));
    writeFileSync(join(d, 'Dockerfile'), 'FROM x\n');
    writeFileSync(join(d, '.dockerignore'), 'node_modules\n*.log\n!keep.log\n');
    mkdirSync(join(d, 'node_modules'));
    writeFileSync(join(d, 'node_modules', 'big.js'), 'x');
    writeFileSync(join(d, 'a.log'), 'x');
    writeFileSync(join(d, 'keep.log'), 'x');
    symlinkSync('/etc/passwd', join(d, 'link'));
    const e = await listContext(d);
    assert.deepEqual(e.map((x) => `${x.kind}:${x.path}`).sort(), ['file:.dockerignore', 'file:Dockerfile', 'file:keep.log', 'symlink:link']);
    const d1 = await contextDigest(d, e);
    writeFileSync(join(d, 'Dockerfile'), 'FROM y\n');
    assert.notEqual(await contextDigest(d, e), d1);
  });
});
