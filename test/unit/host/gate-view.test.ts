import { strict as assert } from 'node:assert';
import { installVscodeStub } from '../../support/vscode-stub';
import { Methods, PanelSnapshotSchema, parseMessage, PROTOCOL_VERSION } from '../../../src/contracts';
import type { Gate, GateAnswer } from '../../../src/core/run/ports';
import { openGateView } from '../../../src/host/run/gate-view';
import { LOG_LINES, RunViewModel } from '../../../src/host/run/run-view';
import { aBlueprint } from '../../support/builders';

installVscodeStub();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PanelGatekeeper } = require('../../../src/host/run/panel-gatekeeper') as typeof import('../../../src/host/run/panel-gatekeeper');

const claim = { terminal: 'PR_READY', summary: 'Fixed the export.', filesChanged: ['index.js'], validationRun: ['npm test'], residualUncertainty: 'None.', reasoning: 'Simple.' };
const gate = (over: Partial<Gate> = {}): Gate => ({
  runId: 'r1',
  gateId: 'implement.after.2',
  stationId: 'implement',
  position: 'after',
  contentHash: 'h',
  summary: 's',
  content: { patch: 'diff --git a/index.js b/index.js', files: [{ path: 'index.js', status: 'modified' }, { path: 'test.js', status: 'deleted' }], flags: ['deleted-tests'], touchedRiskPaths: [], claim },
  allowed: ['approve', 'reject', 'edit', 'retry'],
  risk: { packetRisk: 'one-reviewer', touchedRiskPaths: ['src/auth/x.ts'], diffFlags: ['deleted-tests'], preexistingFailures: [] },
  ...over,
});

describe('host/run/gate-view: the claim beside the line\'s own facts, and the budget gate', () => {
  it('an after gate with an agent claim shows it as a record, with the diff\'s own files, flags and risk paths beside it', () => {
    const v = openGateView(gate());
    assert.deepEqual(v.claim, { ...claim, claimEnded: null });
    assert.deepEqual(v.facts, { packetRisk: 'one-reviewer', filesChanged: ['index.js', 'test.js'], diffFlags: ['deleted-tests'], touchedRiskPaths: ['src/auth/x.ts'], preexistingFailures: [], stations: [] });
    assert.equal(v.budget, null);
    assert.match(v.content, /"patch"/, 'the raw content is still there');
    assert.ok(PanelSnapshotSchema.shape.run.unwrap().shape.openGate.unwrap().safeParse(v).success, 'the view is a valid OpenGateView');
  });

  it('a claim that does not have the claim\'s shape is not presented as one; a NO_OP claim carries the end it made', () => {
    assert.equal(openGateView(gate({ content: { text: 'plan', claim: { terminal: 'MAYBE', summary: '' } } })).claim, null);
    const ended = openGateView(gate({ content: { claimEnded: 'NO_OP', claim: { ...claim, terminal: 'NO_OP' }, note: null }, risk: { packetRisk: 'one-reviewer', touchedRiskPaths: [], diffFlags: [], claim: 'NO_OP' } }));
    assert.equal(ended.claim?.claimEnded, 'NO_OP');
    assert.equal(openGateView(gate({ position: 'before', content: { packet: {}, plan: null } })).facts, null, 'no facts before a station');
  });

  it('a budget gate shows what was reached and the budget now', () => {
    const v = openGateView(
      gate({ content: { budgetExceeded: 'tokens 1200 of 1000', budget: { tokens: 1000 }, agent: 'claude', outputTail: 'last words' }, allowed: ['retry', 'reject'], risk: { packetRisk: 'one-reviewer', touchedRiskPaths: [], diffFlags: [], budgetExceeded: 'tokens 1200 of 1000' } }),
    );
    assert.deepEqual(v.budget, { exceeded: 'tokens 1200 of 1000', current: { tokens: 1000 }, agent: 'claude', outputTail: 'last words' });
    assert.equal(v.facts, null);
  });

  it('reads the commands of a command station, the text a station wrote, the packet at a before gate and the diff\'s file statuses', () => {
    const cmds = openGateView(gate({ stationId: 'validate', content: { outcome: 'failed', commands: [{ argv: ['npm', 'test'], exitCode: 1, timedOut: false, outputTail: 'x' }, 'junk'], note: null }, risk: { packetRisk: 'one-reviewer', touchedRiskPaths: [], diffFlags: [] } }));
    assert.deepEqual(cmds.commands, [{ argv: ['npm', 'test'], exitCode: 1, timedOut: false, outputTail: 'x' }]);
    assert.equal(cmds.text, null);
    assert.equal(cmds.packet, null);
    assert.equal(openGateView(gate({ content: { text: 'The plan.' } })).text, 'The plan.');
    const before = openGateView(gate({ position: 'before', content: { packet: { intent: 'Export 42.', scope: { paths: [{ path: 'index.js' }] }, nonGoals: ['x'], reproduction: [{ argv: ['node', 'r.js'] }], validation: [{ argv: ['npm', 'test'] }], risk: 'hard-stop', outputFormat: 'pr' }, plan: null } }));
    assert.deepEqual(before.packet, { intent: 'Export 42.', scope: ['index.js'], nonGoals: ['x'], reproduction: [['node', 'r.js']], validation: [['npm', 'test']], risk: 'hard-stop', outputFormat: 'pr' });
    assert.deepEqual(openGateView(gate()).diffFiles, [{ path: 'index.js', status: 'modified' }, { path: 'test.js', status: 'deleted' }]);
  });

  it('the run view fills the facts with the stations that finished, and keeps the running station\'s log lines, capped, with colours (SGR) kept and every other control sequence removed', () => {
    const m = new RunViewModel('r1', aBlueprint().build());
    m.apply({ type: 'station/started', stationId: 'reproduce', attempt: 1 });
    m.apply({ type: 'station/finished', stationId: 'reproduce', attempt: 1, outcome: 'failed', durationMs: 5 } as never);
    m.apply({ type: 'station/started', stationId: 'implement', attempt: 1 });
    m.addOutput('implement', '\u001b[2K\u001b]0;title\u0007\u001b[32mReading index.js\u001b[0m\u0008\nEditing');
    m.addOutput('implement', ' index.js\r\n<script>alert(1)</script>\n');
    assert.deepEqual(m.view().log, { stationId: 'implement', lines: ['\u001b[32mReading index.js\u001b[0m', 'Editing index.js', '<script>alert(1)</script>'], dropped: 0, total: 3 });
    for (let i = 0; i < LOG_LINES + 5; i++) m.addOutput('implement', `line ${i}\n`);
    const log = m.view().log!;
    assert.equal(log.lines.length, LOG_LINES);
    assert.equal(log.lines.at(-1), `line ${LOG_LINES + 4}`);
    assert.equal(log.dropped, 8);
    m.setGate(openGateView(gate()));
    assert.deepEqual(m.view().openGate?.facts?.stations, [{ id: 'reproduce', role: 'reproduce', status: 'failed' }]);
    assert.ok(PanelSnapshotSchema.safeParse({ seq: 1, workspace: null, run: m.view(), packet: null, extensionVersion: '0' }).success);
  });
});

describe('contracts/protocol: gate/decide carries a raised budget only with retry', () => {
  const msg = (params: unknown) => ({ v: PROTOCOL_VERSION, kind: 'request', id: '1', method: 'gate/decide', params });
  it('accepts a retry with a valid budget; refuses it with another decision or an invalid budget', () => {
    assert.ok(parseMessage(msg({ gateId: 'g', decision: 'retry', raisedBudget: { tokens: 5000, usd: 2.5 } }), 'toHost').ok);
    const other = parseMessage(msg({ gateId: 'g', decision: 'approve', raisedBudget: { tokens: 5000 } }), 'toHost');
    assert.ok(!other.ok && /a raised budget comes only with retry/.test(other.error));
    assert.ok(!parseMessage(msg({ gateId: 'g', decision: 'retry', raisedBudget: { tokens: -1 } }), 'toHost').ok);
    assert.ok(!parseMessage(msg({ gateId: 'g', decision: 'retry', raisedBudget: { tokens: 1.5 } }), 'toHost').ok);
    assert.ok(Methods['gate/decide'].params.safeParse({ gateId: 'g', decision: 'retry' }).success, 'a retry without one still parses');
  });

  it('a snapshot from before these fields still parses (claim, facts, budget and log default to null)', () => {
    const run = { runId: 'r', blueprint: 'b', stations: [], openGate: { runId: 'r', gateId: 'g', stationId: 's', position: 'after', contentHash: 'h', summary: '', content: '', allowed: ['approve'] }, terminal: null };
    const p = PanelSnapshotSchema.parse({ seq: 1, workspace: null, run, extensionVersion: '0' });
    assert.equal(p.run?.log, null);
    assert.deepEqual([p.run?.openGate?.claim, p.run?.openGate?.facts, p.run?.openGate?.budget], [null, null, null]);
  });
});

describe('host/run/panel-gatekeeper: a raised budget from the panel reaches the engine', () => {
  it('retry with raisedBudget at a budget gate answers with it; elsewhere it is refused and the gate stays open', async () => {
    const gk = new PanelGatekeeper(async () => 'Rita', () => undefined, () => false);
    const budgetGate = gate({ content: { budgetExceeded: 'x', budget: { tokens: 1 } }, allowed: ['retry', 'reject'], risk: { packetRisk: 'one-reviewer', touchedRiskPaths: [], diffFlags: [], budgetExceeded: 'x' } });
    const answer: Promise<GateAnswer> = gk.decide(budgetGate);
    assert.deepEqual(await gk.answer({ gateId: budgetGate.gateId, decision: 'retry', raisedBudget: { tokens: 9000 } }), { accepted: true });
    assert.deepEqual((await answer).raisedBudget, { tokens: 9000 });

    const plain = gate();
    void gk.decide(plain);
    const r = await gk.answer({ gateId: plain.gateId, decision: 'retry', raisedBudget: { tokens: 9000 } });
    assert.equal(r.accepted, false);
    assert.match(r.problem ?? '', /no budget to raise/);
    assert.equal(gk.openGateId, plain.gateId);
  });

  it('after a reproduce station whose agent wrote the reproduction: script, expected failure in words and actual output with the verdict; null elsewhere', () => {
    const v = openGateView(gate({
      stationId: 'reproduce',
      gateId: 'reproduce.after.1',
      content: {
        reproduction: { statement: 'quote() leaves a backtick unescaped', sha256: 'f'.repeat(64), expectFailure: { exitCode: 1, outputMatches: 'unescaped', hangsPastSec: 5 }, files: [{ path: 'repro.js', text: 'process.exit(1)' }] },
        outcome: 'failed',
        commands: [{ argv: ['node', 'repro.js'], exitCode: 1, timedOut: false, outputTail: 'unescaped backtick', verdict: { verdict: 'reproduced', reason: 'failed as stated' } }],
        note: null,
      },
    }));
    assert.deepEqual(v.reproduction, {
      statement: 'quote() leaves a backtick unescaped',
      sha256: 'f'.repeat(64),
      expected: ['exits with code 1', 'output matches /unescaped/', 'still running after 5 s (stopped then)'],
      files: [{ path: 'repro.js', text: 'process.exit(1)' }],
      runs: [{ argv: ['node', 'repro.js'], exitCode: 1, timedOut: false, verdict: 'reproduced: failed as stated', outputTail: 'unescaped backtick' }],
    });
    assert.ok(PanelSnapshotSchema.shape.run.unwrap().shape.openGate.unwrap().safeParse(v).success, 'the view is a valid OpenGateView');
    assert.equal(openGateView(gate()).reproduction, null);
  });

  it('the output gate lists its held tool calls with their arguments, and a decline from the panel reaches the engine only for a call the gate holds', async () => {
    const effect = { id: 'effect-1', stationId: 'implement', attempt: 1, server: 'tracker', tool: 'create_ticket', arguments: { title: 'x'.repeat(5000) }, argsSha256: 'e'.repeat(64), reason: 'marked effectful in the MCP config', proposedAt: '2026-12-03T10:00:00.000Z' };
    const drift = [{ tool: 'docs__search', pinned: 'a'.repeat(64), current: 'b'.repeat(64), changes: [{ field: 'description', before: '"a"', after: '"b"' }] }];
    const output = gate({ gateId: 'decide.after.5', stationId: 'decide', allowed: ['approve', 'reject'], content: { terminal: { state: 'PR_READY', reason: 'validated-fix' }, patch: 'diff', effects: [effect] }, toolDrift: drift });
    const v = openGateView(output);
    assert.deepEqual(v.effects?.map((e) => [e.id, e.stationId, e.tool, e.reason]), [['effect-1', 'implement', 'tracker__create_ticket', 'marked effectful in the MCP config']]);
    assert.match(v.effects![0]!.arguments, /^\{\n  "title": "x{10}[\s\S]*more characters; see artifacts\/tools\/effects\.json\]$/);
    assert.deepEqual(v.toolDrift, drift);
    assert.ok(PanelSnapshotSchema.shape.run.unwrap().shape.openGate.unwrap().safeParse(v).success, 'the view is a valid OpenGateView');
    assert.equal(openGateView(gate()).effects, null);
    assert.equal(openGateView(gate()).toolDrift, null);

    const gk = new PanelGatekeeper(async () => 'Rita', () => undefined, () => false);
    void gk.decide(output);
    const bad = await gk.answer({ gateId: output.gateId, decision: 'approve', declinedEffects: ['effect-7'] });
    assert.equal(bad.accepted, false);
    assert.match(bad.problem ?? '', /holds no tool call effect-7/);
    const answer = gk.decide(output);
    assert.deepEqual(await gk.answer({ gateId: output.gateId, decision: 'approve', declinedEffects: ['effect-1'] }), { accepted: true });
    assert.deepEqual((await answer).declinedEffects, ['effect-1']);
  });
});

