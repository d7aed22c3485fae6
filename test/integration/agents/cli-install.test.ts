import { strict as assert } from 'node:assert';
import Docker from 'dockerode';
import { AgentCliInstaller, LABEL_AGENT_CLI, LABEL_AGENT_VERSION, agentVolumeName } from '../../../src/adapters/agents/cli-install';
import { DockerContainerRuntime, LABEL_OWNER } from '../../../src/adapters/docker';
import { IMAGE, requireEngine, testRuntime } from '../docker/support';
import { TEST_CLAUDE, testInstaller, volumeCreatedAt } from './support';

/**
 * The agent-CLI install cache on a real engine with the real npm registry (reached only
 * through the egress proxy): Claude Code at its pinned version lands in a labelled volume
 * once; a second installer (a new process, as far as it knows) reuses it without running npm.
 */
describe('agent CLI install cache (real Docker, real npm)', function () {
  this.timeout(600_000);

  it('installs Claude Code once into a labelled volume, and a second run reuses it without reinstalling', async () => {
    const { rt, cleanup } = testRuntime('cli-install');
    try {
      await requireEngine(rt);
      const first = await testInstaller(rt).ensure(TEST_CLAUDE);
      assert.equal(first.marker.version, TEST_CLAUDE.version);
      assert.match(first.marker.reportedVersion, new RegExp(TEST_CLAUDE.version.replace(/\./g, '\\.')));
      const vol = (await new Docker().getVolume(agentVolumeName(TEST_CLAUDE)).inspect()) as unknown as { Labels: Record<string, string> };
      assert.equal(vol.Labels[LABEL_AGENT_CLI], 'claude-code');
      assert.equal(vol.Labels[LABEL_AGENT_VERSION], TEST_CLAUDE.version);
      const created = await volumeCreatedAt();

      // A fresh installer holds no in-process memory of the first: only the volume's marker says "installed".
      const logs: string[] = [];
      const second = await new AgentCliInstaller({ access: () => rt.helperAccess(), image: IMAGE, logger: { trace: () => {}, debug: () => {}, info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(String(m)) } }).ensure(TEST_CLAUDE);
      assert.equal(second.reused, true);
      assert.equal(second.marker.installedAt, first.marker.installedAt, 'the install marker is unchanged: nothing was reinstalled');
      assert.equal(await volumeCreatedAt(), created);
      assert.ok(!logs.some((l) => l.includes('installing into')), logs.join('\n'));
      assert.equal(second.bin, `/opt/shopfloor/agents/claude-code/pkg/node_modules/@anthropic-ai/claude-code/bin/claude.exe`);
    } finally {
      await cleanup();
    }
  });

  it('the installer reaches only the allowlisted registry: another registry host is refused by the egress proxy', async () => {
    const refused: string[] = [];
    const owner = `it-cli-deny-${process.pid}`;
    const rt = new DockerContainerRuntime({ owner, onEgress: (e) => void (e.allowed ? undefined : refused.push(e.host)) });
    // The real package and version, into a volume of its own: only the proxy's refusal can make it fail.
    const pkg = { ...TEST_CLAUDE, cli: 'deny-probe' };
    try {
      await requireEngine(rt);
      const installer = new AgentCliInstaller({ access: () => rt.helperAccess(), image: IMAGE, registry: 'https://registry.yarnpkg.com/', registryHosts: ['registry.npmjs.org'], timeoutMs: 120_000 });
      await assert.rejects(installer.ensure(pkg), (e: Error) => e.name === 'RetryableCause' && /installing @anthropic-ai\/claude-code@2\.1\.332 failed/.test(e.message));
      assert.ok(refused.includes('registry.yarnpkg.com'), `refused: ${refused.join(', ')}`);
    } finally {
      await rt.dispose();
      const d = new Docker();
      for (const n of await d.listNetworks({ filters: { label: [`${LABEL_OWNER}=${owner}`] } })) await d.getNetwork(n.Id).remove().catch(() => undefined);
      await d.getVolume(agentVolumeName(pkg)).remove().catch(() => undefined);
    }
  });
});
