import { strict as assert } from 'node:assert';
import { EvidenceBundleSchema, type AgentClaim, type Blueprint, type Budget } from '../../../../src/contracts';
import { BUGFIX } from '../../../../src/core/blueprints';
import { buildStationPrompt } from '../../../../src/core/agent/prompt';
import { runLine } from '../../../../src/core/run/engine';
import { RunInterruptedError } from '../../../../src/core/run/errors';
import { PolicyGatekeeper } from '../../../../src/core/run/gate-policy';
import { normalizeAnswer } from '../../../../src/core/run/gates';
import type { ModelAccess, ModelAccessProvider } from '../../../../src/core/run/ports';
import { fakePorts, FIX_PATCH, MemoryJournal, ScriptedGatekeeper } from './fakes';
import { inputs } from './inputs';

const human = { kind: 'human' as const, name: 'alice' };
const claim = (terminal: AgentClaim['terminal'], reasoning?: string): AgentClaim => ({ terminal, summary: `claims ${terminal}`, filesChanged: [], validationRun: [], residualUncertainty: '', ...(reasoning ? { reasoning } : {}) });

/** A model-access double: records every station attempt it opened and whether it was released. */
class FakeModelAccess implements ModelAccessProvider {
  opened: { stationId: string; attempt: number; budget: Budget | undefined; released: boolean }[] = [];
  async forStation(stationId: string, attempt: number, budget: Budget | undefined): Promise<ModelAccess & { release(): Promise<void> }> {
    const rec = { stationId, attempt, budget, released: false };
    this.opened.push(rec);
    return {
      env: { ANTHROPIC_BASE_URL: `http://proxy/${stationId}` },
      budgetExceeded: () => (budget?.tokens ? `station tokens ${budget.tokens + 1} of ${budget.tokens}` : undefined),
      usage: () => [{ model: 'model-a', inputTokens: 5, outputTokens: 1 }],
      release: async () => void (rec.released = true),
    };
  }
}

/** BUGFIX with a budget on its implement station. */
const withImplementBudget = (budget: Budget): Blueprint => ({ ...BUGFIX, stations: BUGFIX.stations.map((s) => (s.id === 'implement' && s.kind === 'agent' ? { ...s, budget } : s)) });

describe('core/run: agent stations (issue 10)', () => {
  it('the task carries the station prompt, read-only for plan, model access under the station budget (released after), and a revise round continues the session', async () => {
    const access = new FakeModelAccess();
    const f = fakePorts({ modelAccess: access });
    f.environments.failTests = 1;
    f.agents.respond = (task, _r, n) => (task.role === 'implement' ? { sessionId: `sess-${n}` } : undefined);
    const bp = withImplementBudget({ tokens: 1000 });
    const out = await runLine(inputs({ blueprint: bp }), f.ports);
    assert.equal(out.terminal.state, 'PR_READY');
    const plan = f.agents.calls.find((c) => c.role === 'plan')!;
    const impl = f.agents.calls.filter((c) => c.role === 'implement');
    assert.equal(impl.length, 2, 'one revise round');
    assert.equal(plan.readOnly, true);
    assert.equal(impl[0]!.readOnly, false);
    assert.deepEqual(plan.prompt, buildStationPrompt({ packet: plan.packet, station: plan.station, blueprint: bp }));
    assert.match(impl[0]!.prompt!.text, /## The approved plan\n\nPlan: change index.js/);
    assert.equal(impl[0]!.session, undefined, 'the first round starts a session');
    assert.equal(impl[1]!.session, 'sess-1', "the revise round continues the first round's session");
    assert.match(impl[1]!.prompt!.text, /## Why the previous attempt failed\n\n[\s\S]*test/, 'the feedback names the failing command');
    assert.equal(impl[1]!.feedback, impl[1]!.prompt!.text.match(/## Why the previous attempt failed\n\n([\s\S]*?)\n\nFix that/)![1]);
    assert.equal(impl[0]!.modelAccess?.env.ANTHROPIC_BASE_URL, 'http://proxy/implement');
    assert.deepEqual(
      access.opened.map((o) => [o.stationId, o.attempt, o.budget?.tokens]),
      [
        ['plan', 1, undefined],
        ['implement', 1, 1000],
        ['implement', 2, 1000],
      ],
    );
    assert.ok(access.opened.every((o) => o.released), 'every station attempt released its model access');
  });

  it('without a model-access port the task has none (a command agent)', async () => {
    const f = fakePorts();
    await runLine(inputs(), f.ports);
    assert.ok(f.agents.calls.every((c) => c.modelAccess === undefined && c.prompt !== undefined));
  });

  it('an implement agent claiming NO_OP leaves no diff; the gate shows the claim; a human accepting it ends NO_OP by T8c', async () => {
    const f = fakePorts();
    f.agents.respond = (task) => (task.role === 'implement' ? { claim: claim('NO_OP', 'The parser already rejects that input: documented in README.') } : undefined);
    const out = await runLine(inputs(), f.ports);
    assert.deepEqual([out.terminal.state, out.terminal.reason, out.rule], ['NO_OP', 'needs-product-decision', 'T8c']);
    assert.match(out.terminal.detail!, /alice accepted the claim[\s\S]*documented in README/);
    assert.equal(f.ws.patch, '', 'the workspace is back at the round start');
    const gate = f.gatekeeper.asked.find((g) => g.stationId === 'implement')!;
    assert.equal(gate.risk.claim, 'NO_OP');
    assert.equal((gate.content as { claim: AgentClaim }).claim.terminal, 'NO_OP');
    assert.match(gate.summary, /claims NO_OP/);
    assert.equal(out.evidence.diff, undefined);
    assert.equal(out.evidence.agents.find((a) => a.stationId === 'implement')!.claim!.terminal, 'NO_OP');
    assert.ok(!f.environments.requests.some((r) => r.stationId === 'reproduce-after'), 'nothing is validated after a claim that changed nothing');
    assert.deepEqual(out.evidence.decision!.facts.claim, { terminal: 'NO_OP', reasoning: 'The parser already rejects that input: documented in README.', acceptedBy: 'alice' });
  });

  it('a NO_OP claim with no human to accept it ends ESCALATE with the reasoning; an ESCALATE claim ends ESCALATE even when a human approves', async () => {
    const a = fakePorts({ gatekeeper: new PolicyGatekeeper() });
    a.agents.respond = (task) => (task.role === 'implement' ? { claim: claim('NO_OP', 'nothing to do') } : undefined);
    const unattended = await runLine(inputs(), a.ports);
    assert.deepEqual([unattended.terminal.state, unattended.terminal.reason], ['ESCALATE', 'needs-product-decision']);
    assert.match(unattended.terminal.detail!, /NO_OP/);

    const b = fakePorts();
    b.agents.respond = (task) => (task.role === 'implement' ? { claim: claim('ESCALATE', 'the issue asks for two incompatible behaviours') } : undefined);
    const escalated = await runLine(inputs(), b.ports);
    assert.deepEqual([escalated.terminal.state, escalated.terminal.reason, escalated.rule], ['ESCALATE', 'needs-product-decision', 'T8c']);
    assert.match(escalated.terminal.detail!, /two incompatible behaviours/);
  });

  it('a PR_READY claim changes nothing: the line still reproduces, validates and decides (and the gate shows the claim beside the diff)', async () => {
    const f = fakePorts();
    f.environments.failTests = 5;
    f.agents.respond = (task) => (task.role === 'implement' ? { claim: claim('PR_READY') } : undefined);
    const out = await runLine(inputs({ blueprint: { ...BUGFIX, maxRevisions: 0 } }), f.ports);
    assert.deepEqual([out.terminal.state, out.terminal.reason, out.rule], ['ESCALATE', 'validation-failed', 'T12']);
    const gate = f.gatekeeper.asked.find((g) => g.stationId === 'implement')!;
    assert.equal((gate.content as { patch: string; claim: AgentClaim }).patch, FIX_PATCH);
    assert.equal((gate.content as { claim: AgentClaim }).claim.terminal, 'PR_READY');
  });

  it('budget-exceeded: the after gate offers raise-and-retry; the raised budget is journaled and used; the run goes on', async () => {
    const access = new FakeModelAccess();
    const gatekeeper = new ScriptedGatekeeper((g) => (g.risk.budgetExceeded ? { decision: 'retry', by: human, raisedBudget: { tokens: 5000 } } : undefined));
    const f = fakePorts({ modelAccess: access, gatekeeper });
    f.agents.respond = (task, _r, n) => (task.role === 'implement' && n === 1 ? { outcome: 'budget-exceeded' } : undefined);
    const out = await runLine(inputs({ blueprint: withImplementBudget({ tokens: 1000 }) }), f.ports);
    assert.equal(out.terminal.state, 'PR_READY');
    const gate = gatekeeper.asked.find((g) => g.risk.budgetExceeded)!;
    assert.deepEqual(gate.allowed, ['retry', 'reject']);
    assert.equal(gate.risk.budgetExceeded, 'station tokens 1001 of 1000');
    const decided = (f.ports.journal as MemoryJournal).records.flatMap((r) => (r.event.type === 'gate/decided' && r.event.decision.gateId === gate.gateId ? [r.event.decision] : []));
    assert.deepEqual(decided[0]!.budget, { tokens: 5000 });
    assert.deepEqual(access.opened.filter((o) => o.stationId === 'implement').map((o) => o.budget?.tokens), [1000, 5000]);
    const implAttempts = out.evidence.agents.filter((a) => a.stationId === 'implement');
    assert.deepEqual(implAttempts.map((a) => [a.attempt, a.outcome, a.budget?.tokens]), [[1, 'budget-exceeded', 1000], [2, 'done', 5000]], 'both attempts are in the evidence: each was paid for');
    // What the model proxy metered (5 input tokens per attempt here) wins over what the agent says it used (100).
    assert.equal(out.evidence.agentTotals!.inputTokens, 15, 'plan + two implement attempts, as the proxy metered them');
    assert.equal(out.evidence.cost.inputTokens, 15);
  });

  it('budget-exceeded rejected, or with no human (unattended): ESCALATE budget-exceeded with the figures', async () => {
    for (const gatekeeper of [new ScriptedGatekeeper((g) => (g.risk.budgetExceeded ? { decision: 'reject', by: human } : undefined)), new PolicyGatekeeper()]) {
      const f = fakePorts({ modelAccess: new FakeModelAccess(), gatekeeper });
      f.agents.respond = (task) => (task.role === 'implement' ? { outcome: 'budget-exceeded' } : undefined);
      const out = await runLine(inputs({ blueprint: withImplementBudget({ tokens: 1000 }) }), f.ports);
      assert.deepEqual([out.terminal.state, out.terminal.reason], ['ESCALATE', 'budget-exceeded']);
      assert.match(out.terminal.detail!, /station tokens 1001 of 1000/);
      assert.equal(out.evidence.agents.find((a) => a.stationId === 'implement')!.budgetExceeded, 'station tokens 1001 of 1000');
      if (!(gatekeeper instanceof PolicyGatekeeper)) assert.equal(out.rule, 'T2b');
      else assert.equal(out.rule, 'T1', 'the policy hands the gate to a human; with none it rejects with ESCALATE budget-exceeded');
    }
  });

  it('a raised budget is a human decision at a budget gate only', () => {
    const g = { allowed: ['retry' as const, 'reject' as const], plan: undefined, risk: { budgetExceeded: 'tokens 11 of 10' } };
    assert.deepEqual(normalizeAnswer(g, { decision: 'retry', by: human, raisedBudget: { tokens: 20 } }), { answer: { decision: 'retry', by: human, raisedBudget: { tokens: 20 } } });
    assert.match((normalizeAnswer(g, { decision: 'retry', by: { kind: 'policy', name: 'p' }, raisedBudget: { tokens: 20 } }) as { problem: string }).problem, /only a human/);
    assert.match((normalizeAnswer({ ...g, risk: {} }, { decision: 'retry', by: human, raisedBudget: { tokens: 20 } }) as { problem: string }).problem, /no budget to raise/);
    assert.match((normalizeAnswer(g, { decision: 'retry', by: human, raisedBudget: { tokens: -1 } }) as { problem: string }).problem, /not a valid budget/);
  });

  it('evidence: per agent station the CLI and version, prompt template and SHA-256, tool calls, usage by model, cost, time, claim and session; totals; a Markdown table', async () => {
    const f = fakePorts();
    f.agents.respond = (task) =>
      task.role === 'implement'
        ? {
            version: 'fake-cli@1.2.3',
            sessionId: 'sess-9',
            claim: claim('PR_READY'),
            usage: [
              { model: 'model-a', inputTokens: 70, outputTokens: 10, usd: 0.007 },
              { model: 'model-b', inputTokens: 30, outputTokens: 10, usd: 0.003 },
            ],
            toolCalls: [
              { name: 'Edit', durationMs: 5, outcome: 'ok' },
              { name: 'Bash', durationMs: 20, outcome: 'error' },
              { name: 'Edit', durationMs: 7, outcome: 'ok' },
            ],
          }
        : undefined;
    const out = await runLine(inputs(), f.ports);
    assert.ok(EvidenceBundleSchema.safeParse(out.evidence).success);
    const impl = out.evidence.agents.find((a) => a.stationId === 'implement')!;
    assert.equal(impl.version, 'fake-cli@1.2.3');
    assert.equal(impl.sessionId, 'sess-9');
    assert.equal(impl.prompt!.sha256, f.agents.calls.find((c) => c.role === 'implement')!.prompt!.sha256);
    assert.match(impl.prompt!.template, /^bugfix@.*\/station-prompt@2$/);
    assert.deepEqual(impl.toolCalls, [
      { name: 'Edit', calls: 2, errors: 0, durationMs: 12 },
      { name: 'Bash', calls: 1, errors: 1, durationMs: 20 },
    ]);
    assert.equal(impl.usage.length, 2);
    assert.equal(impl.claim!.terminal, 'PR_READY');
    assert.deepEqual(out.evidence.agentTotals, { stations: 2, inputTokens: 200, outputTokens: 40, usd: 0.02, wallMs: 200 });
    const md = f.artifacts.files.get('evidence.md')!;
    assert.match(md, /## Agents\n\n\| Station \| Agent \|/);
    assert.match(md, /\| implement \(attempt 1\) \| fake-agent fake-cli@1\.2\.3 \| done \| 100\/20 \| \$0\.0100 \| 0\.1 s \| Edit×2, Bash×1 \(1 failed\) \|/);
    assert.match(md, /Usage of implement by model: model-a 70\/10/);
    assert.match(md, /Claim of implement \(the agent's word, not the line's finding\): \*\*PR_READY\*\*/);
    assert.match(md, /Agents in all: 2 station\(s\), 200 tokens in, 40 out, \$0\.0200/);
  });

  it('resume after a kill during implement: the finished plan agent is not paid twice; the killed implement re-runs from its start and its partial spend is kept', async () => {
    const ac = new AbortController();
    const f = fakePorts({ signal: ac.signal });
    f.agents.respond = (task) => {
      if (task.role !== 'implement') return undefined;
      ac.abort();
      return { outcome: 'error', cost: { inputTokens: 42, outputTokens: 7 } };
    };
    await assert.rejects(runLine(inputs(), f.ports), RunInterruptedError);
    assert.deepEqual(f.agents.calls.map((c) => c.role), ['plan', 'implement']);
    assert.ok(f.artifacts.files.has('artifacts/stations/implement-1.interrupted.json'));
    const journal = f.ports.journal as MemoryJournal;
    assert.ok(journal.records.some((r) => r.event.type === 'note' && /implement attempt 1 was interrupted; its agent had spent 42 tokens in, 7 out/.test(r.event.message)));

    const again = fakePorts({ journal: new MemoryJournal(journal.records), artifacts: f.artifacts });
    again.ws.patch = f.ws.patch;
    const out = await runLine(inputs(), again.ports);
    assert.equal(out.terminal.state, 'PR_READY');
    assert.deepEqual(again.agents.calls.map((c) => c.role), ['implement'], 'only the killed station runs again; the plan is read back');
    const attempts = (again.ports.journal as MemoryJournal).records.flatMap((r) => (r.event.type === 'station/started' && r.event.stationId === 'implement' ? [r.event.attempt] : []));
    assert.deepEqual(attempts, [1, 2]);
    assert.deepEqual(again.ws.restores[0], '', 'the workspace is put back to the round start before the re-run');
    assert.deepEqual(out.evidence.agents.map((a) => [a.stationId, a.attempt, a.interrupted ?? false]), [['plan', 1, false], ['implement', 1, true], ['implement', 2, false]]);
    assert.equal(out.evidence.agentTotals!.inputTokens, 100 + 42 + 100, "the interrupted attempt's spend counts");
  });
});
