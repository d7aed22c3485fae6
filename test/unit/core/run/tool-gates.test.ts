import { strict as assert } from 'node:assert';
import type { EffectOutcome, ProposedEffect, ToolDrift, ToolEvidence } from '../../../../src/contracts';
import { runLine } from '../../../../src/core/run/engine';
import { renderEvidenceMarkdown } from '../../../../src/core/run/markdown';
import type { ToolAccess, ToolAccessProvider, ToolStation } from '../../../../src/core/run/ports';
import { MemoryJournal, ScriptedGatekeeper, fakePorts } from './fakes';
import { inputs } from './inputs';

const EFFECT: ProposedEffect = { id: 'effect-1', stationId: 'implement', attempt: 1, server: 'tracker', tool: 'create_ticket', arguments: { title: 'Fix quoting' }, argsSha256: 'e'.repeat(64), reason: 'its annotations do not say it is read-only', proposedAt: '2026-12-03T10:00:00.000Z' };

/** The gateway as the engine sees it: an implement station proposes one effect; `drifted` tools wait for a gate's repin. */
class FakeTools implements ToolAccessProvider {
  stations: ToolStation[] = [];
  released = 0;
  settled: boolean[] = [];
  repinned: string[][] = [];
  effects: (ProposedEffect & { state: EffectOutcome['state'] | 'queued' })[] = [];
  constructor(private drifted: ToolDrift[] = [], private readonly proposes = true) {}
  async forStation(station: ToolStation): Promise<ToolAccess> {
    this.stations.push(station);
    if (this.proposes && station.stationId === 'implement' && !this.effects.length) this.effects.push({ ...EFFECT, state: 'queued' });
    return { server: { name: 'shopfloor', url: 'http://gw/mcp', headers: { Authorization: `Bearer t-${station.stationId}` } }, release: async () => void this.released++ };
  }
  async proposedEffects() {
    return this.effects.map(({ state: _s, ...e }) => e);
  }
  async settleEffects(approved: boolean) {
    this.settled.push(approved);
    for (const e of this.effects) if (e.state === 'queued') e.state = approved ? 'executed' : 'discarded';
    return this.effects.map((e) => ({ id: e.id, server: e.server, tool: e.tool, argsSha256: e.argsSha256, state: e.state as EffectOutcome['state'] }));
  }
  async drift() {
    return this.drifted;
  }
  async repin(tools: readonly string[]) {
    this.repinned.push([...tools]);
    this.drifted = this.drifted.filter((d) => !tools.includes(d.tool));
  }
  async evidence(): Promise<ToolEvidence> {
    return { audit: 'artifacts/tools/audit.jsonl', calls: [{ at: '2026-12-03T10:00:00.000Z', stationId: 'implement', server: 'tracker', tool: 'create_ticket', decision: 'queued', durationMs: 1, argsSha256: 'e'.repeat(64) }], effects: (await this.settleEffects(false)).slice(), pins: [], drift: this.drifted, recorded: [], claims: [] };
  }
}

describe('core/run: the MCP gateway at the gates (issue 12)', () => {
  it('every agent station gets its own tool access, released after it; the output gate lists the held effect and approving it runs it', async () => {
    const tools = new FakeTools();
    const f = fakePorts({ tools });
    const out = await runLine(inputs(), f.ports);
    assert.equal(out.terminal.state, 'PR_READY', JSON.stringify(out.terminal));
    const impl = tools.stations.find((s) => s.stationId === 'implement')!;
    assert.ok(impl, JSON.stringify(tools.stations.map((s) => s.stationId)));
    assert.deepEqual(impl.packet.allowedTools, inputs().packet.allowedTools);
    assert.ok(impl.agent.length > 0);
    assert.equal(tools.released, tools.stations.length, 'every token ended with its station');
    assert.ok(f.agents.calls.every((c) => c.toolAccess?.server.url === 'http://gw/mcp'), 'the agent was handed the gateway');
    const output = f.gatekeeper.asked.find((g) => g.stationId === 'decide')!;
    assert.deepEqual((output.content as { effects: ProposedEffect[] }).effects, [EFFECT]);
    assert.match(output.summary, /Approving also runs 1 held tool call\(s\): tracker__create_ticket \(effect-1\)/);
    assert.equal(tools.settled[0], true, 'settled as approved, after the output gate');
    assert.equal(tools.effects[0]!.state, 'executed');
    assert.deepEqual(out.evidence.tools?.effects.map((e) => e.state), ['executed']);
    assert.deepEqual(out.evidence.toolCalls.map((c) => [c.tool, c.allowed]), [['tracker__create_ticket', false]]);
    assert.ok((f.ports.journal as MemoryJournal).records.some((r) => r.event.type === 'note' && /tool effect effect-1 \(tracker__create_ticket\): executed/.test(r.event.message)));
    assert.match(renderEvidenceMarkdown(out.evidence), /## Tool calls \(MCP gateway\)[\s\S]*\| implement \| tracker__create_ticket \| queued \|[\s\S]*effect-1 tracker__create_ticket: \*\*executed\*\*/);
  });

  it('a rejected output gate discards the held effect: it never runs', async () => {
    const tools = new FakeTools();
    const gatekeeper = new ScriptedGatekeeper((g) => (g.stationId === 'decide' ? { decision: 'reject', by: { kind: 'human', name: 'alice' }, reason: 'no', terminal: { state: 'ESCALATE', reason: 'rejected-at-gate' } } : undefined));
    const f = fakePorts({ tools, gatekeeper });
    const out = await runLine(inputs(), f.ports);
    assert.equal(out.terminal.state, 'ESCALATE');
    assert.ok(!tools.settled.includes(true), JSON.stringify(tools.settled));
    assert.equal(tools.effects[0]!.state, 'discarded');
  });

  it('a tool definition that drifted is shown at the next gate, and approving the gate re-approves it', async () => {
    const drift: ToolDrift = { tool: 'docs__search', pinned: 'a'.repeat(64), current: 'b'.repeat(64), changes: [{ field: 'description', before: '"Search."', after: '"Search and post."' }] };
    const tools = new FakeTools([drift], false);
    const f = fakePorts({ tools });
    await runLine(inputs(), f.ports);
    const first = f.gatekeeper.asked[0]!;
    assert.deepEqual(first.toolDrift, [drift]);
    assert.match(first.summary, /re-approves 1 MCP tool definition\(s\) that changed during the run: docs__search \(description\)/);
    assert.deepEqual(tools.repinned, [['docs__search']]);
    assert.equal(f.gatekeeper.asked[1]?.toolDrift, undefined, 'shown once: re-approved');
    assert.ok((f.ports.journal as MemoryJournal).records.some((r) => r.event.type === 'note' && /re-approved changed MCP tool definitions: docs__search sha256 bbbbbbbbbbbb/.test(r.event.message)));
  });

  it('a run resumed after its output gate was decided sees the same gate content and runs the effect once', async () => {
    const tools = new FakeTools();
    const first = fakePorts({ tools });
    const out = await runLine(inputs(), first.ports);
    assert.equal(out.terminal.state, 'PR_READY');
    const records = [...(first.ports.journal as MemoryJournal).records];
    // Cut the journal right after the output gate's decision: a crash before the terminal record.
    const cut = records.findIndex((r) => r.event.type === 'gate/decided' && r.event.decision.stationId === 'decide');
    const again = fakePorts({ tools, journal: new MemoryJournal(records.slice(0, cut + 1)), artifacts: first.artifacts });
    again.ws.patch = first.ws.patch;
    const resumed = await runLine(inputs(), again.ports);
    assert.equal(resumed.terminal.state, 'PR_READY');
    assert.equal(tools.effects.filter((e) => e.state === 'executed').length, 1);
  });
});
