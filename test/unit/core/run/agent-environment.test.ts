import { strict as assert } from 'node:assert';
import { BUGFIX, INVESTIGATION } from '../../../../src/core/blueprints';
import { runLine } from '../../../../src/core/run/engine';
import { RetryableCause } from '../../../../src/core/run/errors';
import type { AgentPreparation, AgentRunner } from '../../../../src/core/run/ports';
import type { Station } from '../../../../src/contracts';
import { fakePorts } from './fakes';
import { inputs } from './inputs';

const CLI_VOLUME = { volume: 'shopfloor-agent-claude-code-2.1.332', containerPath: '/opt/shopfloor/agents/claude-code' };

/** The runtime plumbing an agent station needs: its runner's volumes, and a read-only workspace for plan and investigate. */
describe('core/run/station-exec: agent station environments', () => {
  it('an agent runner with prepare gets its volumes mounted in agent stations only; plan is read-only, implement is not', async () => {
    const f = fakePorts();
    const prepared: Station[] = [];
    (f.agents as AgentRunner).prepare = async (st: Station): Promise<AgentPreparation> => {
      prepared.push(st);
      return { volumes: [CLI_VOLUME] };
    };
    const out = await runLine(inputs(), f.ports);
    assert.equal(out.terminal.state, 'PR_READY');
    const byStation = new Map(f.environments.requests.map((r) => [r.stationId, r]));
    // The reproduce station is an agent's, but with a reproduction in the packet it only runs that: no agent, no volumes.
    const agentIds = BUGFIX.stations.filter((s) => s.kind === 'agent' && s.role !== 'reproduce').map((s) => s.id);
    assert.deepEqual(prepared.map((s) => s.id), agentIds, 'prepare is called before each agent station that runs its agent, with the station');
    for (const r of f.environments.requests) {
      const isAgent = agentIds.includes(r.stationId);
      assert.deepEqual(r.volumes ?? [], isAgent ? [CLI_VOLUME] : [], r.stationId);
      const role = BUGFIX.stations.find((s) => s.id === r.stationId)?.role;
      assert.equal(r.readOnlyWorkspace === true, isAgent && role === 'plan', `${r.stationId} (${role})`);
    }
    assert.equal(byStation.get('implement')?.readOnlyWorkspace, undefined);
    // The agent is told too (Claude Code then is not offered its write tools).
    assert.deepEqual(f.agents.calls.map((t) => [t.role, t.readOnly === true]), [['plan', true], ['implement', false]]);
  });

  it('an investigate agent station gets a read-only workspace, also when the runner prepares nothing', async () => {
    const f = fakePorts();
    await runLine(inputs({ blueprint: INVESTIGATION }), f.ports);
    const inv = INVESTIGATION.stations.find((s) => s.role === 'investigate' && s.kind === 'agent')!;
    const r = f.environments.requests.find((q) => q.stationId === inv.id)!;
    assert.equal(r.readOnlyWorkspace, true);
    assert.equal(r.volumes, undefined);
  });

  it('a prepare that fails with a RetryableCause (registry unreachable) is a retryable station failure, not a crash', async () => {
    const f = fakePorts();
    (f.agents as AgentRunner).prepare = async () => {
      throw new RetryableCause('engine-unavailable', 'installing @anthropic-ai/claude-code@2.1.332 failed: registry unreachable');
    };
    const out = await runLine(inputs(), f.ports);
    assert.equal(out.terminal.state, 'RETRYABLE_FAILURE');
    assert.equal(out.terminal.reason, 'engine-unavailable');
    assert.ok(!f.environments.requests.some((r) => BUGFIX.stations.find((s) => s.id === r.stationId && s.role !== 'reproduce')?.kind === 'agent'), 'no agent environment was prepared');
  });
});
