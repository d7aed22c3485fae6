import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerEnvironmentProvider } from '../../../../src/adapters/docker/container-environment';
import { hardenedCreateOptions, type CreateInputs } from '../../../../src/adapters/docker/create-options';
import { defaultEnvironment, environmentHash, type ContainerRuntime, type EnvironmentSpec, type StationContainer } from '../../../../src/core/container';

const VOLUME = { volume: 'shopfloor-agent-claude-code-2.1.332', containerPath: '/opt/shopfloor/agents/claude-code' };

function inputs(spec: EnvironmentSpec): CreateInputs {
  return { spec, imageId: 'sha256:abc', configHash: 'f'.repeat(64), runId: 'r', sessionId: 's', owner: 'o', user: 'node', homes: [], workspaceSource: '/real/ws', bindSources: new Map(), networkMode: 'none', proxyEnv: {}, storageQuota: false };
}

/** An agent station's environment: the CLI's volume read-only, and a read-only workspace for the reading roles. */
describe('adapters/docker: agent CLI volumes and read-only workspaces', () => {
  it('create options mount an agent volume read-only and the workspace read-only when asked', () => {
    const spec: EnvironmentSpec = { ...defaultEnvironment({ image: 'img', workspaceBasename: 'repo' }), workspaceReadOnly: true, mounts: [{ type: 'volume', name: VOLUME.volume, target: VOLUME.containerPath, readOnly: true }] };
    const m = hardenedCreateOptions(inputs(spec)).HostConfig!.Mounts!;
    assert.deepEqual(m, [
      { Type: 'bind', Source: '/real/ws', Target: '/workspaces/repo', ReadOnly: true },
      { Type: 'volume', Source: VOLUME.volume, Target: VOLUME.containerPath, ReadOnly: true },
    ]);
    const plain = hardenedCreateOptions(inputs(defaultEnvironment({ image: 'img', workspaceBasename: 'repo' }))).HostConfig!.Mounts!;
    assert.deepEqual(plain, [{ Type: 'bind', Source: '/real/ws', Target: '/workspaces/repo', ReadOnly: false }]);
  });

  it('the environment provider turns the request into a volume mount and a read-only workspace, with a configuration hash of its own', async () => {
    const specs: EnvironmentSpec[] = [];
    const station = { id: 'c', imageDigest: 'sha256:e', configHash: 'h', user: 'node', workspaceFolder: '/workspaces/repo', reused: false } as unknown as StationContainer;
    const runtime = { prepare: async (spec: EnvironmentSpec) => (specs.push(spec), station) } as unknown as ContainerRuntime;
    const p = new ContainerEnvironmentProvider({ runtime, sessionId: 's', defaultImage: 'img', repoName: 'repo', scratchDir: () => '/tmp/x' });
    const ws = mkdtempSync(join(tmpdir(), 'sf-agent-mounts-'));
    const req = { runId: 'r', workspaceDir: ws, network: { mode: 'none' as const }, env: {}, mounts: [] };
    await p.prepare({ ...req, stationId: 'implement' });
    await p.prepare({ ...req, stationId: 'plan', volumes: [VOLUME], readOnlyWorkspace: true });
    assert.equal(specs[0]!.workspaceReadOnly, undefined);
    assert.ok(!specs[0]!.mounts.some((m) => m.type === 'volume'));
    assert.equal(specs[1]!.workspaceReadOnly, true);
    assert.deepEqual(specs[1]!.mounts.filter((m) => m.type === 'volume'), [{ type: 'volume', name: VOLUME.volume, target: VOLUME.containerPath, readOnly: true }]);
    assert.notEqual(environmentHash(specs[0]!, 'img'), environmentHash(specs[1]!, 'img'), 'a read-only station never reattaches to the writable container');
  });
});
