import { strict as assert } from 'node:assert';
import Docker from 'dockerode';
import { AgentCliInstaller, LABEL_AGENT_CLI, LABEL_AGENT_VERSION, agentVolumeName } from '../../../src/adapters/agents/cli-install';
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
});
