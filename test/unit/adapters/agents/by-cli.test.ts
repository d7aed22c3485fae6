import { strict as assert } from 'node:assert';
import { AgentRunnerByCli } from '../../../../src/adapters/agents/by-cli';
import type { Station } from '../../../../src/contracts';
import type { AgentResult, AgentRunner, AgentTask } from '../../../../src/core/run/ports';

function runner(name: string, volume?: string): AgentRunner & { ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    ...(volume ? { prepare: async () => ({ volumes: [{ volume, containerPath: '/opt/x' }] }) } : {}),
    run: async (t: AgentTask): Promise<AgentResult> => {
      ran.push(t.station.id);
      return { outcome: 'done', exitCode: 0, durationMs: 0, output: '', truncated: false, agent: name };
    },
  };
}
const station = (id: string, agent?: 'claude' | 'codex'): Station => ({ id, role: 'implement', kind: 'agent', ...(agent ? { agent } : {}), gate: { when: 'none', allowSkip: false }, retries: 0 });

describe('AgentRunnerByCli', () => {
  it('sends a station naming a wired CLI to its runner, and every other one to the fallback', async () => {
    const claude = runner('claude', 'vol-claude');
    const fallback = runner('command');
    const by = new AgentRunnerByCli({ claude }, fallback);
    for (const s of [station('a', 'claude'), station('b', 'codex'), station('c')]) await by.run({ station: s } as AgentTask);
    assert.deepEqual([claude.ran, fallback.ran], [['a'], ['b', 'c']]);
    assert.deepEqual(await by.prepare(station('a', 'claude')), { volumes: [{ volume: 'vol-claude', containerPath: '/opt/x' }] });
    assert.deepEqual(await by.prepare(station('c')), { volumes: [] });
  });
});
