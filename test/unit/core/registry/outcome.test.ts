import { strict as assert } from 'node:assert';
import { RunOutcomeRecordSchema, type EvidenceBundle } from '../../../../src/contracts';
import { BUGFIX } from '../../../../src/core/blueprints';
import { runLine } from '../../../../src/core/run/engine';
import { agentLabel, outcomeRecord, verdictRecord } from '../../../../src/core/registry';
import { personIdentity } from '../../../../src/adapters/registry';
import { ReviewVerdictRecordSchema, ReviewVerdictSchema } from '../../../../src/contracts';
import { aPacket } from '../../../support/builders';
import { fakePorts, MemoryJournal } from '../run/fakes';

const SOURCE = 'function chargeCard(card) { return stripe.charge(card.number); }';
const SECRET = 'sk-live-4f9a8b7c6d5e4f3a2b1c';
const PATH = '/home/alice/work/payments/src/charge.js';

async function finishedRun() {
  const packet = aPacket().withScope('index.js').with('reproduction', [{ argv: ['repro'] }]).with('validation', [{ argv: ['test'] }]).build();
  const f = fakePorts();
  f.ws.patch = `diff --git a/src/charge.js b/src/charge.js\n+${SOURCE}\n`;
  const o = await runLine({ runId: '20261203-101010-abcdef', repo: '/repo', packet, blueprint: BUGFIX, profile: { setup: [], dependencyCheck: [], registryHosts: [] } }, f.ports);
  return { evidence: o.evidence, journal: (f.ports.journal as MemoryJournal).records };
}

/** Every string anywhere in a value. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)]);
  return [];
}

describe('core/registry: run outcome and review verdict records carry no code and no secrets', () => {
  it('a finished run gives a valid outcome: terminal state, stations, first-attempt validation, cost', async () => {
    const { evidence, journal } = await finishedRun();
    const r = outcomeRecord({ evidence, journal, blueprint: BUGFIX, repository: '1'.repeat(64), workspace: '2'.repeat(64) });
    assert.ok(RunOutcomeRecordSchema.safeParse(r).success);
    assert.equal(r.terminal.state, 'PR_READY');
    assert.equal(r.firstAttemptValidation, 'passed');
    assert.equal(r.blueprint.name, 'bugfix');
    assert.equal(r.blueprint.hash, evidence.environment.blueprintHash);
    assert.ok(r.stations.some((s) => s.id === 'implement' && s.attempts === 1));
    assert.equal(r.verdict, 'pending');
  });

  it('no line of source, no path outside .shopfloor/ and no secret reaches the record, wherever the evidence holds them', async () => {
    const { evidence, journal } = await finishedRun();
    const dirty: EvidenceBundle = structuredClone(evidence);
    dirty.seed = { kind: 'issue', text: `${SOURCE}\nAPI_KEY=${SECRET}\n${PATH}` };
    dirty.terminal = { ...dirty.terminal, detail: `${SOURCE} ${SECRET}` } as EvidenceBundle['terminal'];
    dirty.plan = SOURCE;
    dirty.residualRisk = [SECRET];
    dirty.validation = dirty.validation.map((v) => ({ ...v, output: `${SOURCE}\n${SECRET}\n${PATH}` }));
    dirty.gates = dirty.gates.map((g) => ({ ...g, reason: SECRET }));
    dirty.agents = [{ stationId: 'implement', attempt: 1, agent: `command:node ${PATH} --token=${SECRET}`, outcome: 'done', toolCalls: [], usage: [{ model: `gpt ${SECRET}`, inputTokens: 1, outputTokens: 1 }, { model: 'claude-sonnet-4', inputTokens: 1, outputTokens: 1 }], wallMs: 5 }];
    dirty.environment = { ...dirty.environment, baseCommit: SECRET };
    const r = outcomeRecord({ evidence: dirty, journal, blueprint: BUGFIX, repository: '1'.repeat(64), workspace: '2'.repeat(64) });
    const text = JSON.stringify(r);
    for (const bad of [SOURCE, SECRET, PATH, 'charge', 'stripe', '/home/', 'node ']) assert.ok(!text.includes(bad), `the record holds ${bad}`);
    assert.deepEqual(r.agents, [{ agent: 'command', model: 'claude-sonnet-4' }]);
    // Every string is a code, id, label, hash or timestamp: none is free text (no spaces, at most 80 characters).
    for (const s of strings(r)) assert.ok(s.length <= 80 && !/\s/.test(s), `free text in the record: ${s}`);
  });

  it("a review verdict record carries the verdict, never the reviewer's comments, name or e-mail", () => {
    const by = 'Alice Reviewer <alice@payments.example>';
    for (const [panel, registry] of [['accept', 'accepted'], ['request-changes', 'changes-requested'], ['reject', 'rejected']] as const) {
      const v = ReviewVerdictSchema.parse({
        schemaVersion: 1, runId: '20261203-101010-abcdef', verdict: panel,
        comment: `Please change ${SOURCE}; the key ${SECRET} is in ${PATH}`,
        sectionComments: { diff: SOURCE, validation: `${PATH} ${SECRET}` },
        by, at: '2026-12-03T12:00:00.000Z', evidenceSha256: 'd'.repeat(64), trusted: true,
      });
      const r = verdictRecord(v, 'bugfix@1.0.0', personIdentity(by));
      assert.ok(ReviewVerdictRecordSchema.safeParse(r).success);
      assert.equal(r.verdict, registry);
      assert.deepEqual(r.blueprint, { name: 'bugfix', version: '1.0.0' });
      assert.equal(r.evidenceVerified, true);
      const text = JSON.stringify(r);
      for (const bad of [SOURCE, SECRET, PATH, 'charge', 'stripe', '/home/', 'Please', 'Alice', 'alice@', 'payments']) assert.ok(!text.includes(bad), `the verdict record holds ${bad}`);
      for (const s of strings(r)) assert.ok(s.length <= 80 && !/\s/.test(s), `free text in the verdict record: ${s}`);
    }
    assert.equal(ReviewVerdictRecordSchema.safeParse({ ...verdictRecord(ReviewVerdictSchema.parse({ schemaVersion: 1, runId: 'r-1', verdict: 'accept', comment: '', by, at: '2026-12-03T12:00:00.000Z', evidenceSha256: 'd'.repeat(64), trusted: false }), 'bugfix@1.0.0', personIdentity(by)), comment: 'x' }).success, false, 'a comment field is refused by the record schema');
  });

  it('agent labels keep only the CLI name', () => {
    assert.equal(agentLabel('claude'), 'claude');
    assert.equal(agentLabel('command:node fix.js'), 'command');
    assert.equal(agentLabel(':::'), 'unknown');
  });
});
