import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { DockerContainerRuntime } from '../../../src/adapters/docker';
import { ContainerEnvironmentProvider } from '../../../src/adapters/docker/container-environment';
import { packageCacheVolume } from '../../../src/core/container';
import type { EnvironmentRequest } from '../../../src/core/run/ports';
import { IMAGE, requireEngine, testRuntime, workspace } from './support';

function provider(rt: DockerContainerRuntime, logs: string[]): ContainerEnvironmentProvider {
  return new ContainerEnvironmentProvider({ runtime: rt, sessionId: 'sess', defaultImage: IMAGE, repoName: 'repo', scratchDir: () => '/nonexistent', logger: { info: (m: string) => logs.push(m) } as never });
}

function npmRepo(): string {
  const ws = workspace();
  writeFileSync(join(ws, 'package.json'), JSON.stringify({ name: 'cached', version: '1.0.0', dependencies: { minimist: '1.2.8' } }));
  return ws;
}

const req = (ws: string, runId: string, o: Partial<EnvironmentRequest>): EnvironmentRequest => ({ runId, stationId: 'setup', workspaceDir: ws, network: { mode: 'none' }, env: {}, mounts: [], ...o });
const EGRESS = { mode: 'egress' as const, allow: ['registry.npmjs.org'] };
const TARGET = '/var/cache/shopfloor/npm';

describe('docker: package caches shared across runs (npm)', function () {
  this.timeout(300_000);
  const { rt, owner, cleanup } = testRuntime('cache');
  let volume = '';
  before(() => requireEngine(rt));
  after(async () => {
    await cleanup();
    if (volume) await new Docker().getVolume(volume).remove().catch(() => undefined);
  });

  it('set-up fills the cache; a set-up of another repository with no network installs from it; other stations read it only', async () => {
    const logs: string[] = [];
    const first = await provider(rt, logs).prepare(req(npmRepo(), 'cache-1', { network: EGRESS, packageCache: 'read-write' }));
    volume = packageCacheVolume('npm', first.imageDigest!, owner);
    const r1 = await first.exec(['npm', 'install', '--no-audit', '--no-fund']);
    assert.equal(r1.exitCode, 0, r1.output);

    // Another repository, another run, no network at all: only the shared cache can supply minimist.
    const offline = await provider(rt, []).prepare(req(npmRepo(), 'cache-2', { packageCache: 'read-write' }));
    const r2 = await offline.exec(['sh', '-c', 'npm install --offline --no-audit --no-fund && ls node_modules/minimist/package.json']);
    assert.equal(r2.exitCode, 0, r2.output);

    const reader = await provider(rt, []).prepare(req(npmRepo(), 'cache-3', { stationId: 'validate', packageCache: 'read-only' }));
    const r3 = await reader.exec(['sh', '-c', `ls ${TARGET}/_cacache >/dev/null && touch ${TARGET}/planted`]);
    assert.notEqual(r3.exitCode, 0);
    assert.match(r3.output, /Read-only file system/);
  });

  it('a truncated cache entry is never used: with the stamp set, npm refuses it on read and fetches it again', async () => {
    assert.ok(volume, 'the first test created the cache');
    const d = new Docker();
    // Truncate every content file of the cache, as a damaged disk leaves it.
    const helper = await d.createContainer({ Image: IMAGE, User: 'root', Entrypoint: ['sh', '-c', `for f in $(find ${TARGET}/_cacache/content-v2 -type f); do chmod u+w "$f"; head -c 100 "$f" > /tmp/x; cat /tmp/x > "$f"; done; find ${TARGET}/_cacache/content-v2 -type f | wc -l`], HostConfig: { Mounts: [{ Type: 'volume', Source: volume, Target: TARGET }] } });
    await helper.start();
    await helper.wait();
    await helper.remove({ force: true });

    const logs: string[] = [];
    const env = await provider(rt, logs).prepare(req(npmRepo(), 'cache-4', { network: EGRESS, packageCache: 'read-write' }));
    assert.ok(logs.some((l) => /verified by an earlier set-up/.test(l)), `the earlier check's stamp spares the full check: ${logs.join('\n')}`);
    let seen = '';
    const r = await env.exec(['sh', '-c', 'npm install --no-audit --no-fund && node -e "require(\'minimist\')"'], { onOutput: (t) => (seen += t) });
    assert.equal(r.exitCode, 0, seen);
    // npm checks each entry's integrity as it reads it: the truncated tarball is refused and fetched again, never extracted.
    assert.match(seen, /seems to be corrupted\. Refreshing cache/, seen);
    const installed = await env.exec(['node', '-p', 'require("minimist/package.json").version']);
    assert.equal(installed.output.trim(), '1.2.8');
    const v = await env.exec(['npm', 'cache', 'verify']);
    assert.match(v.output, /Content verified: [1-9]/, 'the refreshed tarball is whole');
  });

  it('a failed set-up command sends the next set-up to a full check', async () => {
    const env = await provider(rt, []).prepare(req(npmRepo(), 'cache-5', { network: EGRESS, packageCache: 'read-write' }));
    const failed = await env.exec(['sh', '-c', 'exit 3']);
    assert.equal(failed.exitCode, 3);
    const logs: string[] = [];
    await provider(rt, logs).prepare(req(npmRepo(), 'cache-6', { network: EGRESS, packageCache: 'read-write' }));
    assert.ok(logs.some((l) => /\[cache\] Cache verified/.test(l)), logs.join('\n'));
  });
});

function pnpmRepo(): string {
  const ws = workspace();
  writeFileSync(join(ws, 'package.json'), JSON.stringify({ name: 'cached-pnpm', version: '1.0.0', dependencies: { minimist: '1.2.8' } }));
  // The lockfile is the marker (cacheEcosystemsFor): a minimal one pnpm 9 accepts with --frozen-lockfile.
  writeFileSync(
    join(ws, 'pnpm-lock.yaml'),
    [
      "lockfileVersion: '9.0'",
      '',
      'settings:',
      '  autoInstallPeers: true',
      '  excludeLinksFromLockfile: false',
      '',
      'importers:',
      '',
      '  .:',
      '    dependencies:',
      '      minimist:',
      '        specifier: 1.2.8',
      '        version: 1.2.8',
      '',
      'packages:',
      '',
      '  minimist@1.2.8:',
      '    resolution: {integrity: sha512-2yyAR8qBkN3YuheJanUpWC5U3bb5osDywNB8RzDVlDwDHbocAJveqqj1u8+SVD7jkWT4yvsHCpWqqWqAxb0zCA==}',
      '',
      'snapshots:',
      '',
      '  minimist@1.2.8: {}',
      '',
    ].join('\n'),
  );
  return ws;
}

describe('docker: package caches shared across runs (pnpm)', function () {
  this.timeout(300_000);
  const { rt, owner, cleanup } = testRuntime('cache-pnpm');
  let volume = '';
  before(() => requireEngine(rt));
  after(async () => {
    await cleanup();
    if (volume) await new Docker().getVolume(volume).remove().catch(() => undefined);
  });

  // The image has no pnpm (Debian's Node.js ships without corepack): npx fetches it into the
  // station's own npm cache in its home (a pnpm repository does not mount npm's cache).
  const PNPM = 'npx -y pnpm@9.15.9';
  const STORE = '/var/cache/shopfloor/pnpm';

  it('a second set-up installs from the pnpm store in the volume without fetching; a read-only station installs from the store and cannot write it', async () => {
    const logs: string[] = [];
    const first = await provider(rt, logs).prepare(req(pnpmRepo(), 'pnpm-1', { network: EGRESS, packageCache: 'read-write' }));
    volume = packageCacheVolume('pnpm', first.imageDigest!, owner);
    const where = await first.exec(['sh', '-c', `${PNPM} store path`]);
    assert.equal(where.exitCode, 0, where.output);
    assert.match(where.output.trim(), new RegExp(`^${STORE}/v\\d+$`, 'm'), `pnpm uses the mounted store: ${where.output}`);
    const r1 = await first.exec(['sh', '-c', `${PNPM} install --frozen-lockfile --reporter=append-only`]);
    assert.equal(r1.exitCode, 0, r1.output);

    // Another repository and run: --offline makes pnpm take minimist from the store or fail.
    const second = await provider(rt, []).prepare(req(pnpmRepo(), 'pnpm-2', { network: EGRESS, packageCache: 'read-write' }));
    const r2 = await second.exec(['sh', '-c', `${PNPM} install --offline --frozen-lockfile --reporter=append-only && node -p "require('minimist/package.json').version"`]);
    assert.equal(r2.exitCode, 0, r2.output);
    assert.match(r2.output, /^1\.2\.8$/m);

    const reader = await provider(rt, []).prepare(req(pnpmRepo(), 'pnpm-3', { stationId: 'validate', packageCache: 'read-only' }));
    const seen = await reader.exec(['sh', '-c', `find ${STORE} -mindepth 2 -path '*/files/*' -type f | head -1`]);
    assert.match(seen.output, /\/files\//, `the read-only mount shows the store: ${seen.output}`);
    // pnpm 9 installs from a read-only store it finds complete (egress only for npx to fetch pnpm).
    const ro = await provider(rt, []).prepare(req(pnpmRepo(), 'pnpm-4', { stationId: 'validate', network: EGRESS, packageCache: 'read-only' }));
    const r4 = await ro.exec(['sh', '-c', `${PNPM} install --offline --frozen-lockfile --reporter=append-only && ls node_modules/minimist/package.json`]);
    assert.equal(r4.exitCode, 0, r4.output);
    assert.match(r4.output, /reused 1, downloaded 0/);
    const r3 = await reader.exec(['sh', '-c', `touch ${STORE}/planted`]);
    assert.notEqual(r3.exitCode, 0);
    assert.match(r3.output, /Read-only file system/);
  });
});


describe('docker: a tool home around a cache (Gradle) is per station; a check by an absent tool (Go) is skipped', function () {
  this.timeout(300_000);
  const { rt, owner, cleanup } = testRuntime('cache-home');
  const volumes: string[] = [];
  before(() => requireEngine(rt));
  after(async () => {
    await cleanup();
    for (const v of volumes) await new Docker().getVolume(v).remove().catch(() => undefined);
  });

  function jvmGoRepo(): string {
    const ws = workspace();
    writeFileSync(join(ws, 'build.gradle'), "plugins { id 'java' }\n");
    writeFileSync(join(ws, 'go.mod'), 'module example.com/cached\n\ngo 1.21\n');
    return ws;
  }

  it('gradle.properties written in a set-up stays in that station; caches/ is shared, read-only elsewhere; the image has no go, and set-up goes on', async () => {
    const logs: string[] = [];
    const first = await provider(rt, logs).prepare(req(jvmGoRepo(), 'home-1', { packageCache: 'read-write' }));
    volumes.push(packageCacheVolume('gradle', first.imageDigest!, owner), packageCacheVolume('go', first.imageDigest!, owner));
    assert.ok(logs.some((l) => /\[cache\] go is not in the image/.test(l)), logs.join('\n'));
    const w = await first.exec(['sh', '-c', 'echo "home=$GRADLE_USER_HOME mod=$GOMODCACHE" && echo token=secret > "$GRADLE_USER_HOME/gradle.properties" && mkdir -p "$GRADLE_USER_HOME/caches/modules-2" && touch "$GRADLE_USER_HOME/caches/modules-2/seen"']);
    assert.equal(w.exitCode, 0, w.output);
    assert.match(w.output, /home=\/var\/cache\/shopfloor\/gradle mod=\/var\/cache\/shopfloor\/go/);

    const second = await provider(rt, []).prepare(req(jvmGoRepo(), 'home-2', { packageCache: 'read-write' }));
    const r2 = await second.exec(['sh', '-c', 'ls "$GRADLE_USER_HOME/caches/modules-2/seen" && ! test -e "$GRADLE_USER_HOME/gradle.properties"']);
    assert.equal(r2.exitCode, 0, `caches/ came through the volume, gradle.properties did not: ${r2.output}`);

    const reader = await provider(rt, []).prepare(req(jvmGoRepo(), 'home-3', { stationId: 'validate', packageCache: 'read-only' }));
    const r3 = await reader.exec(['sh', '-c', 'echo "ro=$GRADLE_RO_DEP_CACHE home=${GRADLE_USER_HOME:-unset}"; ls "$GRADLE_RO_DEP_CACHE/modules-2/seen" && touch "$GRADLE_RO_DEP_CACHE/planted"']);
    assert.match(r3.output, /ro=\/var\/cache\/shopfloor\/gradle\/caches home=unset/);
    assert.match(r3.output, /modules-2\/seen/);
    assert.notEqual(r3.exitCode, 0);
    assert.match(r3.output, /Read-only file system/);
  });
});

describe('docker: package caches shared across runs (Yarn classic and berry)', function () {
  this.timeout(300_000);
  const { rt, owner, cleanup } = testRuntime('cache-yarn');
  const volumes: string[] = [];
  before(() => requireEngine(rt));
  after(async () => {
    await cleanup();
    for (const v of volumes) await new Docker().getVolume(v).remove().catch(() => undefined);
  });

  function yarnRepo(berry: boolean): string {
    const ws = workspace();
    writeFileSync(join(ws, 'package.json'), JSON.stringify({ name: 'cached-yarn', version: '1.0.0', dependencies: { minimist: '1.2.8' } }));
    if (berry) writeFileSync(join(ws, '.yarnrc.yml'), 'nodeLinker: node-modules\n');
    else writeFileSync(join(ws, 'yarn.lock'), '');
    return ws;
  }
  // Neither Yarn is in the image. npm installs it under /tmp (the station's npm cache is in its
  // home), and node runs its script: /tmp and the home are noexec tmpfs, so npx could not exec its bin.
  // Both point at registry.npmjs.org, the one registry the egress allows (Yarn's default is
  // registry.yarnpkg.com); berry reads its proxy from its own settings, not from HTTPS_PROXY.
  const CLASSIC = 'npm i -s --prefix /tmp/y yarn@1.22.22 && node /tmp/y/node_modules/yarn/bin/yarn.js --registry https://registry.npmjs.org';
  const BERRY = 'npm i -s --prefix /tmp/y @yarnpkg/cli-dist@4.5.3 && YARN_NPM_REGISTRY_SERVER=https://registry.npmjs.org YARN_HTTPS_PROXY="$HTTPS_PROXY" YARN_HTTP_PROXY="$HTTP_PROXY" node /tmp/y/node_modules/@yarnpkg/cli-dist/bin/yarn.js';

  it('Yarn classic: a second set-up installs --offline from YARN_CACHE_FOLDER; a read-only station cannot write it', async () => {
    const first = await provider(rt, []).prepare(req(yarnRepo(false), 'yarn-1', { network: EGRESS, packageCache: 'read-write' }));
    volumes.push(packageCacheVolume('yarn', first.imageDigest!, owner));
    const r1 = await first.exec(['sh', '-c', `${CLASSIC} install --non-interactive && node /tmp/y/node_modules/yarn/bin/yarn.js cache dir`]);
    assert.equal(r1.exitCode, 0, r1.output);
    assert.match(r1.output, /^\/var\/cache\/shopfloor\/yarn\/v\d+$/m, r1.output);
    const second = await provider(rt, []).prepare(req(yarnRepo(false), 'yarn-2', { network: EGRESS, packageCache: 'read-write' }));
    const r2 = await second.exec(['sh', '-c', `${CLASSIC} install --offline --non-interactive && node -p "require('minimist/package.json').version"`]);
    assert.equal(r2.exitCode, 0, r2.output);
    assert.match(r2.output, /^1\.2\.8$/m);
    const reader = await provider(rt, []).prepare(req(yarnRepo(false), 'yarn-3', { stationId: 'validate', packageCache: 'read-only' }));
    const r3 = await reader.exec(['sh', '-c', 'ls /var/cache/shopfloor/yarn/v*/ | grep -q minimist && touch /var/cache/shopfloor/yarn/planted']);
    assert.notEqual(r3.exitCode, 0);
    assert.match(r3.output, /Read-only file system/);
  });

  it('Yarn berry: the archives land in the volume (not the global cache), and a second set-up installs from it with the network off', async () => {
    const first = await provider(rt, []).prepare(req(yarnRepo(true), 'berry-1', { network: EGRESS, packageCache: 'read-write' }));
    volumes.push(packageCacheVolume('yarn-berry', first.imageDigest!, owner));
    const r1 = await first.exec(['sh', '-c', `${BERRY} install && ls /var/cache/shopfloor/yarn-berry`]);
    assert.equal(r1.exitCode, 0, r1.output);
    assert.match(r1.output, /minimist-npm-1\.2\.8-[0-9a-f]+-[0-9a-f]+\.zip/, r1.output);
    // npx still needs the registry to fetch Yarn itself: YARN_ENABLE_NETWORK=false keeps Yarn off it.
    const second = await provider(rt, []).prepare(req(yarnRepo(true), 'berry-2', { network: EGRESS, packageCache: 'read-write' }));
    const r2 = await second.exec(['sh', '-c', `YARN_ENABLE_NETWORK=false ${BERRY} install && node -p "require('minimist/package.json').version"`]);
    assert.equal(r2.exitCode, 0, r2.output);
    assert.match(r2.output, /^1\.2\.8$/m);
  });
});
