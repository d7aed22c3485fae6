import { strict as assert } from 'node:assert';
import { EvidenceBundleSchema } from '../../../../src/contracts';
import { BUGFIX } from '../../../../src/core/blueprints';
import { runLine } from '../../../../src/core/run/engine';
import { renderEvidenceMarkdown } from '../../../../src/core/run/markdown';
import { summarizeJournal } from '../../../../src/core/run/journal-summary';
import { needsHuman, PolicyGatekeeper } from '../../../../src/core/run/gate-policy';
import { newRunId } from '../../../../src/core/run/run-id';
import type { Gate } from '../../../../src/core/run/ports';
import { aPacket } from '../../../support/builders';
import { fakePorts, MemoryJournal } from './fakes';

const packet = aPacket().withScope('index.js').with('reproduction', [{ argv: ['repro'] }]).with('validation', [{ argv: ['test'] }]).build();
const run = (f = fakePorts()) =>
  runLine({ runId: 'r1', repo: '/repo', packet, blueprint: BUGFIX, profile: { setup: [], dependencyCheck: [], registryHosts: [] } }, f.ports).then((o) => ({ o, f }));

describe('core/run: evidence Markdown, journal summary, policy, run ids', () => {
  it('Markdown: repository text cannot break out of its fence', async () => {
    const { o } = await run();
    const evil = { ...o.evidence, seed: { kind: 'issue' as const, text: 'x\n```\n# Injected heading\n```' } };
    assert.ok(EvidenceBundleSchema.safeParse(evil).success);
    const md = renderEvidenceMarkdown(evil);
    const i = md.indexOf('# Injected heading');
    const before = md.slice(0, i);
    assert.ok(before.lastIndexOf('````') > before.lastIndexOf('## Task'), 'a longer fence opens before the seed text');
    for (const h of ['## Reproduction', '## Diff', '## Validation', '## Gate decisions', '## Cost and time', '## Environment']) assert.ok(md.includes(h), h);
  });

  it('journal summary: stations, gates and the terminal state', async () => {
    const { f } = await run();
    const s = summarizeJournal((f.ports.journal as MemoryJournal).records);
    assert.equal(s.status, 'finished');
    assert.equal(s.terminal?.state, 'PR_READY');
    assert.equal(s.blueprint, 'bugfix@1.0.0');
    assert.deepEqual(s.stations.map((x) => `${x.id}:${x.outcome}`), ['setup:passed', 'reproduce:failed', 'plan:passed', 'validate@baseline:passed', 'implement:passed', 'reproduce-after:passed', 'validate:passed']);
    assert.ok(s.gates.every((g) => g.decision === 'approve' && g.by === 'human:alice'));
    assert.equal(s.output?.branch, 'shopfloor/r1');
    assert.equal(summarizeJournal([]).status, 'empty');
  });

  it('a plan station that changes files is reverted', async () => {
    const f = fakePorts();
    const origRun = f.agents.run.bind(f.agents);
    f.agents.run = async (task) => {
      if (task.role === 'plan') f.ws.patch = 'diff --git a/x b/x\n';
      return origRun(task);
    };
    const { o } = await run(f);
    assert.equal(o.terminal.state, 'PR_READY');
    assert.ok((f.ports.journal as MemoryJournal).records.some((r) => r.event.type === 'note' && r.event.message.includes('station plan changed files; reverted')));
  });

  it('policy: approves plain gates, hands risky ones to a human, rejects them without one', async () => {
    const gate = (risk: Partial<Gate['risk']>): Gate => ({
      runId: 'r1', gateId: 'g', stationId: 's', position: 'after', contentHash: '0'.repeat(64), summary: '', content: null, allowed: ['approve', 'reject'],
      risk: { packetRisk: 'one-reviewer', touchedRiskPaths: [], diffFlags: [], ...risk },
    });
    assert.equal(needsHuman(gate({})), undefined);
    assert.equal((await new PolicyGatekeeper().decide(gate({}))).decision, 'approve');
    const r = await new PolicyGatekeeper().decide(gate({ packetRisk: 'hard-stop' }));
    assert.deepEqual([r.decision, r.by.kind, r.terminal?.reason], ['reject', 'policy', 'hard-stop-risk']);
    assert.equal((await new PolicyGatekeeper().decide(gate({ diffFlags: ['deleted-tests'] }))).terminal?.reason, 'out-of-scope-change');
    const pre = await new PolicyGatekeeper().decide(gate({ preexistingFailures: ['npm test (exit 1)'] }));
    assert.deepEqual([pre.decision, pre.terminal?.state, pre.terminal?.reason], ['reject', 'ESCALATE', 'pre-existing-failure']);
    assert.match(pre.reason!, /validation fails on the base commit too \(npm test \(exit 1\)\)/);
    assert.equal((await new PolicyGatekeeper().decide(gate({ preexistingFailures: [] }))).decision, 'approve');
    const human = { decide: async () => ({ decision: 'approve' as const, by: { kind: 'human' as const, name: 'h' } }) };
    assert.equal((await new PolicyGatekeeper(human).decide(gate({ touchedRiskPaths: ['a'] }))).by.name, 'h');
  });

  it('run ids sort by time and are valid branch names', () => {
    const id = newRunId(Date.UTC(2026, 10, 21, 20, 0, 5), () => 'abc123');
    assert.equal(id, '20261121-200005-abc123');
    assert.match(`shopfloor/${newRunId(Date.now())}`, /^shopfloor\/\d{8}-\d{6}-[0-9a-f]{6}$/);
  });
});
