import { strict as assert } from 'node:assert';
import { PACKAGE_CACHES, buildProblems, defaultEnvironment, packageCacheVolume, dockerfileBaseImages, featureHost, featureMetadataEffect, imageRegistry, type EnvironmentSpec } from '../../../../src/core/container';

describe('core/container image references, build capabilities and feature metadata', () => {
  it('finds the registry of an image reference as docker does', () => {
    assert.equal(imageRegistry('postgres:16'), 'registry-1.docker.io');
    assert.equal(imageRegistry('library/postgres'), 'registry-1.docker.io');
    assert.equal(imageRegistry('mcr.microsoft.com/devcontainers/base:bookworm'), 'mcr.microsoft.com');
    assert.equal(imageRegistry('localhost:5000/x'), 'localhost:5000');
    assert.equal(featureHost('ghcr.io/devcontainers/features/node:1'), 'ghcr.io');
    assert.equal(featureHost('https://example.com/f.tgz'), 'example.com');
  });

  it('lists a Dockerfile\'s external base images with ARG defaults and build args, without stage names or scratch', () => {
    const df = 'ARG VARIANT=bookworm\nARG TAG\nFROM --platform=linux/amd64 mcr.microsoft.com/devcontainers/base:${VARIANT} AS base\nFROM base AS dev\nCOPY --from=golang:1.22 /usr/local/go /usr/local/go\nCOPY --from=base /a /b\nFROM scratch\nFROM node:${TAG:-20}\n';
    assert.deepEqual(dockerfileBaseImages(df), ['mcr.microsoft.com/devcontainers/base:bookworm', 'golang:1.22', 'node:20']);
    assert.deepEqual(dockerfileBaseImages(df, { VARIANT: 'trixie', TAG: '22' }), ['mcr.microsoft.com/devcontainers/base:trixie', 'golang:1.22', 'node:22']);
  });

  it('says what a runtime cannot build: unreachable registry features, Compose services it does not start', () => {
    const spec: EnvironmentSpec = {
      ...defaultEnvironment({ image: 'x', workspaceBasename: 'r' }),
      features: [
        { id: './f', kind: 'local', path: '.devcontainer/f', options: {} },
        { id: 'ghcr.io/a/b/c:1', kind: 'oci', options: {} },
      ],
      compose: { files: ['c.yml'], service: 'app', services: [{ name: 'db', image: 'p', environment: {}, envFiles: [], volumes: [], dependsOn: [] }], envFiles: [], shareNetworkWith: 'db' },
    };
    assert.deepEqual(buildProblems(spec, { localFeatures: true, reachableFeatureHosts: ['ghcr.io'], composeServices: true }), []);
    assert.deepEqual(
      buildProblems(spec, { localFeatures: false, composeServices: false }).map((p) => p.property),
      ['features../f', 'features.ghcr.io/a/b/c:1', 'runServices', 'services.app.network_mode'],
    );
  });

  it('reads feature metadata: lifecycle in order, safe capabilities, privileged refused, mounts and entrypoint noted; entries without id skipped', () => {
    const e = featureMetadataEffect([
      { id: 'a', capAdd: ['SYS_PTRACE'], postCreateCommand: 'a-post', mounts: [{ source: 'x', target: '/y', type: 'volume' }], entrypoint: '/usr/local/share/docker-init.sh' },
      { id: 'b', privileged: true, capAdd: ['NET_ADMIN'], securityOpt: ['seccomp=unconfined'], postCreateCommand: ['b', 'post'] },
      { postCreateCommand: 'from the configuration, not a feature' },
    ]);
    assert.deepEqual(e.lifecycle.postCreate, [{ kind: 'shell', command: 'a-post' }, { kind: 'argv', argv: ['b', 'post'] }]);
    assert.deepEqual(e.capAdd, ['SYS_PTRACE']);
    assert.deepEqual(e.problems.map((p) => p.property), ['features.b.privileged', 'features.b.capAdd', 'features.b.securityOpt']);
    assert.equal(e.notes.length, 2);
  });

  it('names a package cache volume per ecosystem, station image and owner, never shared between owners', () => {
    const a = packageCacheVolume('npm', 'sha256:aa', 'ann@box');
    assert.match(a, /^shopfloor-cache-npm-[0-9a-f]{16}$/);
    assert.equal(packageCacheVolume('npm', 'sha256:aa', 'ann@box'), a);
    assert.notEqual(packageCacheVolume('npm', 'sha256:bb', 'ann@box'), a, 'another image starts its own cache');
    assert.notEqual(packageCacheVolume('npm', 'sha256:aa', 'bob@box'), a, 'another owner never shares it');
    assert.equal(PACKAGE_CACHES.npm.env.npm_config_cache, PACKAGE_CACHES.npm.target);
  });
});
