import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextDigest, listContext } from '../../../../src/adapters/docker/build-context';
import { hardenedCreateOptions } from '../../../../src/adapters/docker/create-options';
import { parsePasswd, pickStationUser, resolveStationUsers, stationHome } from '../../../../src/adapters/docker/users';
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
      homes: [{ path: '/home/node', uid: 1000, gid: 1000 }],
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
    assert.equal(h.ReadonlyRootfs, true, 'the root filesystem is read-only');
    assert.equal(h.Tmpfs!['/home/node'], `rw,nosuid,nodev,size=${spec.limits.tmpBytes},uid=1000,gid=1000,mode=0700`, 'HOME is a size-capped tmpfs owned by its user');
    assert.equal(o.User, 'node');
    assert.deepEqual(o.Labels, { 'shopfloor.run': 'Run 1', 'shopfloor.session': 's', 'shopfloor.owner': 'me@host', 'shopfloor.config': 'f'.repeat(64) });
    assert.equal(o.name, `shopfloor-run-1-ffffffff`);
    assert.ok(!JSON.stringify(o).includes('docker.sock'));
  });

  it('a station with no network answers npm from its package cache at once; one with egress may fetch', () => {
    const base = defaultEnvironment({ image: 'img', workspaceBasename: 'repo' });
    const env = (network: typeof base.network) => {
      const spec = { ...base, network, mounts: [...base.mounts, { type: 'package-cache' as const, ecosystem: 'npm' as const, readOnly: true }] };
      const o = hardenedCreateOptions({ spec, imageId: 'i', configHash: 'f'.repeat(64), runId: 'r', sessionId: 's', owner: 'o', user: 'node', homes: [], bindSources: new Map(), networkMode: 'none', proxyEnv: {}, cacheVolumes: new Map([['npm', 'shopfloor-cache-npm-x']]), storageQuota: false });
      return o.Env ?? [];
    };
    assert.ok(env('none').includes('npm_config_offline=true'));
    assert.ok(env('none').includes('npm_config_cache=/var/cache/shopfloor/npm'));
    assert.ok(!env({ egressAllow: ['registry.npmjs.org'] }).some((e) => e.startsWith('npm_config_offline')));
    assert.ok(env({ egressAllow: ['registry.npmjs.org'] }).includes('npm_config_cache=/var/cache/shopfloor/npm'));
  });

  it('mounts a tool home around a cache as a per-station tmpfs, and gives a read-only Gradle station the read-only dependency cache', () => {
    const base = defaultEnvironment({ image: 'img', workspaceBasename: 'repo' });
    const opts = (readOnly: boolean) => {
      const spec = { ...base, mounts: [...base.mounts, { type: 'package-cache' as const, ecosystem: 'gradle' as const, readOnly }] };
      return hardenedCreateOptions({ spec, imageId: 'i', configHash: 'f'.repeat(64), runId: 'r', sessionId: 's', owner: 'o', user: 'node', homes: [], bindSources: new Map(), networkMode: 'none', proxyEnv: {}, cacheVolumes: new Map([['gradle', 'shopfloor-cache-gradle-x']]), storageQuota: false });
    };
    const rw = opts(false);
    assert.ok(rw.HostConfig!.Tmpfs!['/var/cache/shopfloor/gradle'], 'GRADLE_USER_HOME is scratch');
    assert.ok(rw.HostConfig!.Mounts!.some((m) => m.Target === '/var/cache/shopfloor/gradle/caches' && m.Source === 'shopfloor-cache-gradle-x' && !m.ReadOnly));
    assert.ok(rw.Env!.includes('GRADLE_USER_HOME=/var/cache/shopfloor/gradle'));
    const ro = opts(true);
    assert.ok(ro.HostConfig!.Mounts!.some((m) => m.Target === '/var/cache/shopfloor/gradle/caches' && m.ReadOnly));
    assert.ok(ro.Env!.includes('GRADLE_RO_DEP_CACHE=/var/cache/shopfloor/gradle/caches'));
    assert.ok(!ro.Env!.some((e) => e.startsWith('GRADLE_USER_HOME=')));
  });

  it('keeps a writable root only when the workspace is copied in (the archive API needs it)', () => {
    const spec = defaultEnvironment({ image: 'img', workspaceBasename: 'repo' });
    const o = hardenedCreateOptions({ spec, imageId: 'i', configHash: 'f'.repeat(64), runId: 'r', sessionId: 's', owner: 'o', user: 'node', homes: [], bindSources: new Map(), networkMode: 'none', proxyEnv: {}, storageQuota: false });
    assert.equal(o.HostConfig!.ReadonlyRootfs, false);
  });

  it('picks the image USER, else the first regular account, else none', () => {
    const users = parsePasswd('root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\nnode:x:1000:1000::/home/node:/bin/bash\ntoor:x:0:0::/root:/bin/sh\n');
    assert.equal(pickStationUser('', users), 'node');
    assert.equal(pickStationUser('vscode', users), 'vscode');
    assert.equal(pickStationUser('root', users), 'node');
    assert.equal(pickStationUser('0:0', users), 'node');
    assert.equal(pickStationUser('toor', users), 'node', 'a uid-0 alias is root');
    assert.equal(pickStationUser('', users.slice(0, 2)), undefined);
  });

  it('never runs a station as root: root in the configuration is mapped to the image user, or refused with the reason', () => {
    const users = parsePasswd('root:x:0:0:root:/root:/bin/bash\nnode:x:1000:1000::/home/node:/bin/bash\ntoor:x:0:0::/root:/bin/sh\n');
    const img = { user: '', name: 'img' };
    assert.deepEqual(resolveStationUsers(img, users, {}), { containerUser: 'node', remoteUser: 'node', notes: [] });
    assert.deepEqual(resolveStationUsers(img, users, { containerUser: 'node', remoteUser: '1000' }), { containerUser: 'node', remoteUser: '1000', notes: [] });
    const mapped = resolveStationUsers(img, users, { containerUser: 'root', remoteUser: 'toor' });
    assert.ok('containerUser' in mapped);
    assert.deepEqual([mapped.containerUser, mapped.remoteUser], ['node', 'node']);
    assert.deepEqual(mapped.notes, [
      'containerUser "root" is not honoured: stations never run as root; running as node',
      'remoteUser "toor" is not honoured: stations never run as root; running as node',
    ]);
    assert.deepEqual(resolveStationUsers(img, users, { remoteUser: '0:0' }), { containerUser: 'node', remoteUser: 'node', notes: ['remoteUser "0:0" is not honoured: stations never run as root; running as node'] });
    const rootOnly = users.slice(0, 1);
    const r = resolveStationUsers(img, rootOnly, { remoteUser: 'root' });
    assert.ok('refused' in r);
    assert.equal(r.refused.property, 'remoteUser');
    assert.match(r.refused.message, /stations never run as root, and img has no non-root user to run as instead of "root"; add one in the Dockerfile/);
    const none = resolveStationUsers(img, rootOnly, {});
    assert.ok('refused' in none && none.refused.property === 'image');
    assert.ok('refused' in resolveStationUsers({ user: 'root', name: 'img' }, rootOnly, {}), 'an image USER root is not taken');
  });

  it('gives each station user a HOME: its passwd home, else /home/<name>', () => {
    const users = parsePasswd('node:x:1000:1000::/home/node:/bin/bash\nsvc:x:1001:1001::/nonexistent:/bin/sh\n');
    assert.deepEqual(stationHome('node', users), { path: '/home/node', uid: 1000, gid: 1000, fromPasswd: true });
    assert.deepEqual(stationHome('1000', users), { path: '/home/node', uid: 1000, gid: 1000, fromPasswd: true });
    assert.deepEqual(stationHome('svc', users), { path: '/home/svc', uid: 1001, gid: 1001, fromPasswd: false });
    assert.deepEqual(stationHome('1234:50', users), { path: '/home/1234', uid: 1234, gid: 50, fromPasswd: false });
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
