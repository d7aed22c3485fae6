import { strict as assert } from 'node:assert';
import {
  ConfigRefusedError,
  DEFAULT_LIMITS,
  MAX_SHM_BYTES,
  defaultEnvironment,
  environmentHash,
  imageHash,
  parseDevcontainerJson,
  resolveDevcontainer,
  type EnvironmentSpec,
} from '../../../../src/core/container';

const ws = '/home/u/runs/r1/repo';
const resolve = (config: Record<string, unknown>, configPath = '.devcontainer/devcontainer.json'): EnvironmentSpec =>
  resolveDevcontainer({ config, configPath, workspaceDir: ws, limits: DEFAULT_LIMITS, network: 'none' });
const refusal = (config: Record<string, unknown>): string[] => {
  try {
    resolve(config);
  } catch (e) {
    assert.ok(e instanceof ConfigRefusedError, String(e));
    return e.problems.map((p) => `${p.property}: ${p.message}`);
  }
  assert.fail('expected ConfigRefusedError');
};

describe('core/container resolveDevcontainer', () => {
  it('parses JSON with comments and trailing commas, and names the line of a syntax error', () => {
    const c = parseDevcontainerJson('{\n // comment\n "image": "x", /* y */\n}', 'd.json');
    assert.equal(c.image, 'x');
    assert.throws(() => parseDevcontainerJson('{\n "image": \n}', 'd.json'), /line 3:1/);
  });

  it('resolves an image config with env, users, default workspace folder and hardening defaults', () => {
    const s = resolve({ image: 'shopfloor/node:bookworm', containerEnv: { A: '1' }, remoteEnv: { PATH: '${containerEnv:PATH}:/x' }, remoteUser: 'node', containerUser: 'node' });
    assert.equal(s.image, 'shopfloor/node:bookworm');
    assert.equal(s.workspaceFolder, '/workspaces/repo');
    assert.equal(s.workspaceMountTarget, '/workspaces/repo');
    assert.deepEqual(s.containerEnv, { A: '1' });
    assert.equal(s.remoteEnv.PATH, '${containerEnv:PATH}:/x', 'containerEnv references wait for exec time');
    assert.equal(s.remoteUser, 'node');
    assert.deepEqual(s.capAdd, []);
    assert.equal(s.network, 'none');
    assert.deepEqual(s.limits, DEFAULT_LIMITS);
  });

  it('resolves build paths relative to the devcontainer.json folder, with args and target', () => {
    const s = resolve({ build: { dockerfile: 'Dockerfile', context: '..', args: { V: '${localWorkspaceFolderBasename}' }, target: 'dev' } });
    assert.deepEqual(s.build, { dockerfile: '.devcontainer/Dockerfile', context: '', args: { V: 'repo' }, target: 'dev' });
    assert.equal(s.image, undefined);
    const legacy = resolve({ dockerFile: 'Dockerfile' }, '.devcontainer.json');
    assert.deepEqual(legacy.build, { dockerfile: 'Dockerfile', context: '', args: {}, target: undefined });
  });

  it('refuses a build context or Dockerfile outside the repository', () => {
    const p = refusal({ build: { dockerfile: '../../Dockerfile', context: '../..' } });
    assert.ok(p.some((x) => x.startsWith('build.dockerfile')));
    assert.ok(p.some((x) => x.startsWith('build.context')));
  });

  it('reads lifecycle commands in string, array and object forms', () => {
    const s = resolve({
      image: 'x',
      onCreateCommand: 'npm ci',
      updateContentCommand: ['npm', 'run', 'build'],
      postCreateCommand: { a: 'echo a', b: ['echo', 'b'] },
      postStartCommand: '',
    });
    assert.deepEqual(s.lifecycle.onCreate, { kind: 'shell', command: 'npm ci' });
    assert.deepEqual(s.lifecycle.updateContent, { kind: 'argv', argv: ['npm', 'run', 'build'] });
    assert.deepEqual(s.lifecycle.postCreate, { kind: 'parallel', commands: { a: { kind: 'shell', command: 'echo a' }, b: { kind: 'argv', argv: ['echo', 'b'] } } });
    assert.equal(s.lifecycle.postStart, undefined);
  });

  it('never runs initializeCommand and says so; localEnv is not read from the host', () => {
    const s = resolve({ image: 'x', initializeCommand: 'rm -rf ~', containerEnv: { T: '${localEnv:GITHUB_TOKEN}', D: '${localEnv:NOPE:fallback}' } });
    assert.ok(s.notes.some((n) => /initializeCommand is never run/.test(n)));
    assert.equal(s.containerEnv.T, '');
    assert.equal(s.containerEnv.D, 'fallback');
    assert.ok(s.notes.some((n) => /credentials never enter a container/.test(n)));
  });

  it('reads features (local, OCI, tarball) and refuses bad references and privileged by property name', () => {
    const s = resolve({ image: 'x', features: { 'ghcr.io/devcontainers/features/node:1': { version: '20' }, './local/f': {}, 'https://example.com/f.tgz': '2', 'ghcr.io/x/y/off:1': false } });
    assert.deepEqual(s.features, [
      { id: 'ghcr.io/devcontainers/features/node:1', kind: 'oci', options: { version: '20' } },
      { id: './local/f', kind: 'local', path: '.devcontainer/local/f', options: {} },
      { id: 'https://example.com/f.tgz', kind: 'tarball', options: { version: '2' } },
    ]);
    const p = refusal({ image: 'x', features: { '../outside': {}, node: {}, 'http://example.com/f.tgz': {}, 'ghcr.io/a/b/c:1': { n: [1] } }, privileged: true, service: 'app' });
    assert.deepEqual(p.map((x) => x.split(':')[0]), ['features.../outside', 'features.node', 'features.http', 'features.ghcr.io/a/b/c', 'service', 'privileged'].map((x) => x.split(':')[0]));
    assert.match(p[0]!, /local feature must be a folder inside \.devcontainer/);
  });

  it('resolves a Compose devcontainer from the files it names, and refuses what breaks the walls', () => {
    const compose = [
      'services:',
      '  app: { build: { context: ., dockerfile: Dockerfile, args: { V: "1" } }, environment: [A=1, FROM_HOST], user: node, volumes: ["..:/workspaces/repo", "./data:/data:ro", "/etc:/host-etc"] }',
      '  db: { image: postgres:16, depends_on: [cache], volumes: [pg:/var/lib/postgresql] }',
      '  cache: { image: redis }',
      '  other: { image: nope }',
      'volumes: { pg: {} }',
    ].join('\n');
    const s = resolveDevcontainer({
      config: { dockerComposeFile: 'compose.yml', service: 'app', runServices: ['db'] },
      configPath: '.devcontainer/devcontainer.json',
      workspaceDir: ws,
      limits: DEFAULT_LIMITS,
      network: 'none',
      composeTexts: { '.devcontainer/compose.yml': compose },
    });
    assert.deepEqual(s.build, { dockerfile: '.devcontainer/Dockerfile', context: '.devcontainer', args: { V: '1' }, target: undefined });
    assert.deepEqual(s.containerEnv, { A: '1' }, 'a bare name would copy the host value: left out');
    assert.equal(s.containerUser, 'node');
    assert.deepEqual(s.mounts, [{ type: 'bind', workspacePath: '.devcontainer/data', target: '/data', readOnly: true }]);
    assert.ok(s.notes.some((n) => /\/etc is not mounted/.test(n)));
    assert.deepEqual(s.compose?.services.map((x) => x.name), ['cache', 'db'], 'dependencies first; services not asked for stay off');
    const refusedCompose = (text: string, extra: Record<string, unknown> = {}) => {
      try {
        resolveDevcontainer({ config: { dockerComposeFile: ['c.yml'], service: 'app', ...extra }, configPath: '.devcontainer/devcontainer.json', workspaceDir: ws, limits: DEFAULT_LIMITS, network: 'none', composeTexts: { '.devcontainer/c.yml': text } });
      } catch (e) {
        return (e as ConfigRefusedError).problems.map((p) => `${p.property}: ${p.message}`);
      }
      return [];
    };
    assert.match(refusedCompose('services: { app: { image: x, privileged: true } }')[0]!, /^services\.app\.privileged/);
    assert.match(refusedCompose('services: { app: { image: x, network_mode: host } }')[0]!, /^services\.app\.network_mode: host/);
    assert.match(refusedCompose('services: { app: { image: x, cap_add: [SYS_ADMIN] } }')[0]!, /^services\.app\.cap_add: SYS_ADMIN/);
    assert.match(refusedCompose('services: { db: { image: x } }')[0]!, /^service: no service "app"/);
    assert.match(refusedCompose('services: { app: { image: x } }', { runServices: ['nope'] })[0]!, /^runServices: no service "nope"/);
    assert.match(refusedCompose('services: { app: { build: ../.. } }')[0]!, /^services\.app\.build\.context: .* outside the repository/);
    assert.match(refusedCompose(': : :')[0]!, /^dockerComposeFile: \.devcontainer\/c\.yml is not YAML/);
    assert.deepEqual(refusal({ dockerComposeFile: 'missing.yml', service: 'app' }), ['dockerComposeFile: .devcontainer/missing.yml does not exist in the repository', 'image: needs "image" or "build.dockerfile"']);
  });

  it('accepts mounts inside the workspace and tmpfs; refuses the Docker socket, ~, .. and volumes', () => {
    const s = resolve({ image: 'x', mounts: ['source=${localWorkspaceFolder}/cache,target=/cache,type=bind,readonly', { type: 'tmpfs', target: '/scratch' }] });
    assert.deepEqual(s.mounts, [
      { type: 'bind', workspacePath: 'cache', target: '/cache', readOnly: true },
      { type: 'tmpfs', target: '/scratch', sizeBytes: undefined },
    ]);
    const p = refusal({
      image: 'x',
      mounts: [
        'source=/var/run/docker.sock,target=/var/run/docker.sock,type=bind',
        'source=~/.ssh,target=/root/.ssh,type=bind',
        'source=${localWorkspaceFolder}/../secrets,target=/s,type=bind',
        'source=cache,target=/cache,type=volume',
        'source=${localWorkspaceFolder},target=/proc/x,type=bind',
      ],
    });
    assert.equal(p.length, 5, p.join('\n'));
    assert.match(p[0]!, /Docker socket/);
    assert.match(p[1]!, /home-directory/);
    assert.match(p[2]!, /outside the run workspace/);
    assert.match(p[3]!, /named volumes/);
    assert.match(p[4]!, /reserved/);
  });

  it('takes workspaceMount only for the workspace root', () => {
    const s = resolve({ image: 'x', workspaceMount: 'source=${localWorkspaceFolder},target=/workspace,type=bind', workspaceFolder: '/workspace/pkg' });
    assert.equal(s.workspaceMountTarget, '/workspace');
    assert.equal(s.workspaceFolder, '/workspace/pkg');
    const p = refusal({ image: 'x', workspaceMount: 'source=${localWorkspaceFolder}/..,target=/workspace,type=bind', workspaceFolder: '/workspace' });
    assert.match(p[0]!, /^workspaceMount: .*outside/);
  });

  it('refuses a workspaceFolder or workspaceMount target over the image folders, naming the field', () => {
    for (const folder of ['/', '/etc', '/usr/local/bin', '/root', '/home/node', '/workspaces', '/workspaces/../etc', '/workspacesX/a']) {
      const p = refusal({ image: 'x', workspaceFolder: folder });
      assert.equal(p.length, 1, `${folder}: ${p.join('\n')}`);
      assert.match(p[0]!, /^workspaceFolder: \/\S* is outside \/workspaces\/ and \/workspace\//, folder);
    }
    const p = refusal({ image: 'x', workspaceMount: 'source=${localWorkspaceFolder},target=/usr,type=bind', workspaceFolder: '/workspaces/repo' });
    assert.deepEqual(p, ['workspaceMount: target /usr is outside /workspaces/ and /workspace/: the workspace may not cover the image\'s own folders']);
    for (const ok of ['/workspaces/repo', '/workspaces/repo/pkg', '/workspace', '/workspace/x']) assert.equal(resolve({ image: 'x', workspaceFolder: ok }).workspaceFolder, ok);
  });

  it('clamps runArgs --shm-size to the station maximum and the memory wall, with a note', () => {
    const s = resolve({ image: 'x', runArgs: ['--shm-size=64g'] });
    assert.equal(s.shmSizeBytes, MAX_SHM_BYTES);
    assert.ok(s.notes.some((n) => /runArgs --shm-size 64g is above the station maximum; keeping 1073741824 bytes/.test(n)), s.notes.join('\n'));
    const low = resolveDevcontainer({ config: { image: 'x', runArgs: ['--shm-size', '900m'] }, configPath: 'd.json', workspaceDir: ws, limits: { ...DEFAULT_LIMITS, memoryBytes: 256 * 1024 ** 2 }, network: 'none' });
    assert.equal(low.shmSizeBytes, 256 * 1024 ** 2, 'never above the memory wall');
    assert.equal(resolve({ image: 'x', runArgs: ['--shm-size', '256m'] }).shmSizeBytes, 256 * 1024 ** 2);
  });

  it('applies the reviewed runArgs subset and refuses the rest with a reason', () => {
    const s = resolve({ image: 'x', runArgs: ['--cap-add=SYS_PTRACE', '--init', '--shm-size', '1g', '-e', 'A=b', '--memory=512m', '--pids-limit', '99999', '--tmpfs', '/cache:size=64m'] });
    assert.deepEqual(s.capAdd, ['SYS_PTRACE']);
    assert.equal(s.shmSizeBytes, 1024 ** 3);
    assert.equal(s.containerEnv.A, 'b');
    assert.equal(s.limits.memoryBytes, 512 * 1024 ** 2);
    assert.equal(s.limits.pids, DEFAULT_LIMITS.pids, 'a higher limit is not taken');
    assert.ok(s.notes.some((n) => /pids-limit 99999 is above/.test(n)));
    assert.deepEqual(s.mounts, [{ type: 'tmpfs', target: '/cache', sizeBytes: 64 * 1024 ** 2 }]);
    const p = refusal({ image: 'x', runArgs: ['--privileged', '--network=host', '-v', '/:/host', '--cap-add', 'SYS_ADMIN', '--security-opt', 'seccomp=unconfined', '--pid=host'] });
    assert.equal(p.length, 6, p.join('\n'));
    assert.ok(p.every((x) => x.startsWith('runArgs:')));
    assert.match(p.join('\n'), /--privileged: gives the container every capability/);
  });

  it('a repository without devcontainer gets the default environment', () => {
    const s = defaultEnvironment({ image: 'shopfloor/node:bookworm', workspaceBasename: 'repo' });
    assert.equal(s.origin.kind, 'default');
    assert.equal(s.workspaceFolder, '/workspaces/repo');
    assert.equal(s.init, true);
  });

  it('hashes: equal configurations hash equal, notes do not count, the image does', () => {
    const a = resolve({ image: 'x', initializeCommand: 'a' });
    const b = resolve({ image: 'x' });
    assert.equal(environmentHash(a, 'sha256:1'), environmentHash(b, 'sha256:1'));
    assert.notEqual(environmentHash(a, 'sha256:1'), environmentHash(a, 'sha256:2'));
    assert.notEqual(imageHash(resolve({ build: { dockerfile: 'D' } }), 'c1'), imageHash(resolve({ build: { dockerfile: 'D' } }), 'c2'));
  });
});
