import { strict as assert } from 'node:assert';
import type { EffectOutcome, ProposedEffect, ToolDrift, ToolEvidence } from '../../../../src/contracts';
import { runLine } from '../../../../src/core/run/engine';
import { renderEvidenceMarkdown } from '../../../../src/core/run/markdown';
import type { ToolAccess, ToolAccessProvider, ToolStation } from '../../../../src/core/run/ports';
import type { EffectPlan } from '../../../../src/core/mcp/effects';
import { PolicyGatekeeper } from '../../../../src/core/run/gate-policy';
import { normalizeAnswer } from '../../../../src/core/run/gates';
import { MemoryJournal, ScriptedGatekeeper, fakePorts } from './fakes';
import { inputs } from './inputs';

const EFFECT: ProposedEffect = { id: 'effect-1', stationId: 'implement', attempt: 1, server: 'tracker', tool: 'create_ticket', arguments: { title: 'Fix quoting' }, argsSha256: 'e'.repeat(64), reason: 'its annotations do not say it is read-only', proposedAt: '2026-12-03T10:00:00.000Z' };

/** The gateway as the engine sees it: an implement station proposes one effect; `drifted` tools wait for a gate's repin. */
class FakeTools implements ToolAccessProvider {
  stations: ToolStation[] = [];
  released = 0;
  settled: EffectPlan[] = [];
  repinned: string[][] = [];
  effects: (ProposedEffect & { state: EffectOutcome['state'] | 'queued' })[] = [];
  constructor(private drifted: ToolDrift[] = [], private readonly proposes: boolean | number = true) {}
  async forStation(station: ToolStation): Promise<ToolAccess> {
    this.stations.push(station);
    const n = this.proposes === true ? 1 : this.proposes === false ? 0 : this.proposes;
    if (station.stationId === 'implement' && !this.effects.length) for (let i = 1; i <= n; i++) this.effects.push({ ...EFFECT, ...(i > 1 ? { id: `effect-${i}`, arguments: { title: `Ticket ${i}` } } : {}), state: 'queued' });
    return { server: { name: 'shopfloor', url: 'http://gw/mcp', headers: { Authorization: `Bearer t-${station.stationId}` } }, release: async () => void this.released++ };
  }
  async proposedEffects() {
    return this.effects.map(({ state: _s, ...e }) => e);
  }
  async settleEffects(plan: EffectPlan) {
    this.settled.push(plan);
    for (const e of this.effects) if (e.state === 'queued') e.state = plan.run.includes(e.id) ? 'executed' : 'discarded';
    return this.effects.map((e) => ({ id: e.id, server: e.server, tool: e.tool, argsSha256: e.argsSha256, state: e.state as EffectOutcome['state'], ...(e.state === 'discarded' ? { detail: plan.discard.find((d) => d.id === e.id)?.reason } : {}) }));
  }
  async drift() {
    return this.drifted;
  }
  async repin(tools: readonly string[]) {
    this.repinned.push([...tools]);
    this.drifted = this.drifted.filter((d) => !tools.includes(d.tool));
  }
  async evidence(): Promise<ToolEvidence> {
    return { audit: 'artifacts/tools/audit.jsonl', calls: [{ at: '2026-12-03T10:00:00.000Z', stationId: 'implement', server: 'tracker', tool: 'create_ticket', decision: 'queued', durationMs: 1, argsSha256: 'e'.repeat(64) }], effects: (await this.settleEffects({ run: [], discard: [] })).slice(), pins: [], drift: this.drifted, recorded: [], claims: [] };
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
    assert.deepEqual(tools.settled[0], { run: ['effect-1'], discard: [] }, 'settled as approved, after the output gate');
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
    assert.ok(tools.settled.every((p) => p.run.length === 0), JSON.stringify(tools.settled));
    assert.match(tools.settled[0]!.discard[0]!.reason, /did not approve the change/);
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

  it('a human approving the change may decline one held call: it is discarded, the other runs, and a resume settles the same way', async () => {
    const tools = new FakeTools([], 2);
    const gatekeeper = new ScriptedGatekeeper((g) => (g.stationId === 'decide' ? { decision: 'approve', by: { kind: 'human', name: 'alice' }, declinedEffects: ['effect-2'] } : undefined));
    const f = fakePorts({ tools, gatekeeper });
    const out = await runLine(inputs(), f.ports);
    assert.equal(out.terminal.state, 'PR_READY', JSON.stringify(out.terminal));
    assert.deepEqual(tools.settled[0], { run: ['effect-1'], discard: [{ id: 'effect-2', reason: 'declined at the output gate by alice' }] });
    assert.deepEqual(tools.effects.map((e) => e.state), ['executed', 'discarded']);
    const records = (f.ports.journal as MemoryJournal).records;
    const decided = records.find((r) => r.event.type === 'gate/decided' && r.event.decision.stationId === 'decide');
    assert.deepEqual(decided && decided.event.type === 'gate/decided' ? decided.event.decision.declinedEffects : undefined, ['effect-2'], 'the journal keeps what was declined');
    // A crash after the decision, before the calls were settled: the resume's replayed answer declines the same call.
    for (const e of tools.effects) e.state = 'queued';
    const cut = records.indexOf(decided!);
    const g = fakePorts({ tools, journal: new MemoryJournal(records.slice(0, cut + 1)), artifacts: f.artifacts });
    g.ws.patch = f.ws.patch;
    await runLine(inputs(), g.ports);
    assert.deepEqual(tools.effects.map((e) => e.state), ['executed', 'discarded']);
    assert.deepEqual(tools.settled.filter((p) => p.run.length).map((p) => p.run), [['effect-1'], ['effect-1']], 'the first run and the resume each settle by the answer: effect-2 never runs');
  });

  it('an unattended policy approves the change but never runs a held call; with a human at hand it asks the human', async () => {
    const tools = new FakeTools();
    const f = fakePorts({ tools, gatekeeper: new PolicyGatekeeper() });
    const out = await runLine(inputs(), f.ports);
    assert.equal(out.terminal.state, 'PR_READY', JSON.stringify(out.terminal));
    assert.equal(tools.effects[0]!.state, 'discarded');
    assert.match(tools.settled[0]!.discard[0]!.reason, /decided by unattended-policy: only a human approves held tool calls/);
    const human = new ScriptedGatekeeper();
    const withHuman = new FakeTools();
    await runLine(inputs(), fakePorts({ tools: withHuman, gatekeeper: new PolicyGatekeeper(human) }).ports);
    assert.deepEqual(human.asked.map((g) => g.stationId), ['decide'], 'only the gate holding the call went to the human');
    assert.equal(withHuman.effects[0]!.state, 'executed');
  });

  it('the gate rules refuse a declined call the gate does not hold, or declining with anything but approve', () => {
    const gate = { allowed: ['approve', 'reject'] as const, plan: undefined, content: { effects: [EFFECT] } };
    const by = { kind: 'human' as const, name: 'alice' };
    assert.deepEqual(normalizeAnswer({ ...gate, allowed: [...gate.allowed] }, { decision: 'approve', by, declinedEffects: ['effect-1', 'effect-1'] }), { answer: { decision: 'approve', by, declinedEffects: ['effect-1'] } });
    const unknown = normalizeAnswer({ ...gate, allowed: [...gate.allowed] }, { decision: 'approve', by, declinedEffects: ['effect-9'] });
    assert.ok('problem' in unknown && /holds no tool call effect-9/.test(unknown.problem), JSON.stringify(unknown));
    const rejecting = normalizeAnswer({ ...gate, allowed: [...gate.allowed] }, { decision: 'reject', by, declinedEffects: ['effect-1'] });
    assert.ok('problem' in rejecting && /only when approving/.test(rejecting.problem), JSON.stringify(rejecting));
  });
});
