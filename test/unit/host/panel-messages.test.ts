import { strict as assert } from 'node:assert';
import { installVscodeStub } from '../../support/vscode-stub';
import { PROTOCOL_VERSION, type Envelope } from '../../../src/contracts';
import type { Gate, GateAnswer } from '../../../src/core/run/ports';
import type { PacketSession } from '../../../src/host/packet/packet-session';

installVscodeStub();
/* eslint-disable @typescript-eslint/no-require-imports */
const { PanelMessageRouter } = require('../../../src/host/panel/message-router') as typeof import('../../../src/host/panel/message-router');
const { panelRequests } = require('../../../src/host/panel/requests') as typeof import('../../../src/host/panel/requests');
const { PanelGatekeeper } = require('../../../src/host/run/panel-gatekeeper') as typeof import('../../../src/host/run/panel-gatekeeper');
/* eslint-enable @typescript-eslint/no-require-imports */

const gate: Gate = {
  runId: 'r1',
  gateId: 'implement.after.2',
  stationId: 'implement',
  position: 'after',
  contentHash: 'h1',
  summary: 'Review the change',
  content: { patch: 'diff' },
  allowed: ['approve', 'reject'],
  risk: { packetRisk: 'one-reviewer', touchedRiskPaths: [], diffFlags: [], preexistingFailures: [] },
};

/** A router wired as the extension wires it, with a real PanelGatekeeper holding one open gate, and a packet session that records calls. */
function wired() {
  const logged: string[] = [];
  const log = { info: (m: string) => logged.push(`info ${m}`), warn: (m: string) => logged.push(`warn ${m}`), error: (m: string) => logged.push(`error ${m}`) };
  const posted: Envelope[] = [];
  const packetCalls: string[] = [];
  const packets = {
    save: async (file: string) => (packetCalls.push(`save ${file}`), { saved: true, problems: [] }),
    approve: async (file: string) => (packetCalls.push(`approve ${file}`), { approved: true }),
  } as unknown as PacketSession;
  const gk = new PanelGatekeeper(async () => 'Rita Reviewer', () => undefined, () => false);
  let answer: GateAnswer | undefined;
  void gk.decide(gate).then((a) => (answer = a));
  const starts: string[] = [];
  const router = new PanelMessageRouter({
    log,
    post: async (m) => (posted.push(m), true),
    requests: panelRequests({ packets, startRun: async (f) => (starts.push(f), { started: true }), decideGate: (p) => gk.answer(p), pushBranch: async () => ({ pushed: false }), log }),
    onReady: () => logged.push('ready'),
    onShowLog: () => logged.push('show-log'),
    onCloseComparison: () => logged.push('close-comparison'),
    onRefreshComparison: () => logged.push('refresh-comparison'),
  });
  const settle = () => new Promise((r) => setTimeout(r, 5));
  return { router, logged, posted, packetCalls, starts, gk, answer: () => answer, settle };
}

const request = (id: string, method: string, params: unknown) => ({ v: PROTOCOL_VERSION, kind: 'request', id, method, params });
const decide = (over: Record<string, unknown>) => request('d1', 'gate/decide', { gateId: gate.gateId, runId: 'r1', contentHash: 'h1', decision: 'approve', ...over });

/** Nothing changed: no packet call, no run started, the gate still open and undecided. */
function assertNothingChanged(w: ReturnType<typeof wired>): void {
  assert.deepEqual(w.packetCalls, []);
  assert.deepEqual(w.starts, []);
  assert.equal(w.gk.openGateId, gate.gateId, 'the gate is still open');
  assert.equal(w.answer(), undefined, 'the gate was not decided');
}

describe('host/panel: forged messages from the webview change nothing and are logged', () => {
  it('an unknown envelope kind and an unknown method are dropped and logged; the request still gets an error answer', async () => {
    const w = wired();
    w.router.receive({ v: PROTOCOL_VERSION, kind: 'bogus', method: 'gate/decide', params: {} });
    w.router.receive(request('u1', 'run/delete', { runId: 'r1' }));
    w.router.receive({ v: 99, kind: 'notification', method: 'log/show', params: {} });
    w.router.receive('approve everything');
    await w.settle();
    assertNothingChanged(w);
    assert.equal(w.logged.filter((l) => l.startsWith('warn dropped a webview message')).length, 4, w.logged.join('\n'));
    assert.ok(w.logged.some((l) => /unknown method "run\/delete"/.test(l)));
    assert.deepEqual(w.posted.map((p) => p.kind === 'response' && [p.id, p.ok]), [['u1', false]]);
    assert.equal(w.logged.includes('show-log'), false);
  });

  it('comparison/refresh and comparison/close reach their handlers; sent as a request, a refresh is refused', async () => {
    const w = wired();
    w.router.receive({ v: PROTOCOL_VERSION, kind: 'notification', method: 'comparison/refresh', params: {} });
    w.router.receive({ v: PROTOCOL_VERSION, kind: 'notification', method: 'comparison/close', params: {} });
    w.router.receive(request('r1', 'comparison/refresh', {}));
    await w.settle();
    assert.deepEqual(w.logged.filter((l) => l.endsWith('-comparison')), ['refresh-comparison', 'close-comparison']);
    assert.ok(w.logged.some((l) => /"comparison\/refresh" is a notification, got a request/.test(l)), w.logged.join('\n'));
    assertNothingChanged(w);
  });

  it('a notification sent as if from the host (state/didChange) is refused', async () => {
    const w = wired();
    w.router.receive({ v: PROTOCOL_VERSION, kind: 'notification', method: 'state/didChange', params: {} });
    await w.settle();
    assert.ok(w.logged.some((l) => /is not sent toHost/.test(l)));
  });

  it("a decision naming another run's gate is refused and logged; the open gate stays open", async () => {
    const w = wired();
    w.router.receive(decide({ runId: 'r2' }));
    w.router.receive(decide({ gateId: 'validate.after.3' }));
    await w.settle();
    assertNothingChanged(w);
    const answers = w.posted.map((p) => (p.kind === 'response' ? p.result : undefined)) as Array<{ accepted: boolean; problem: string }>;
    assert.deepEqual(answers.map((a) => a.accepted), [false, false]);
    assert.match(answers[0]!.problem, /run r2/);
    assert.equal(w.logged.filter((l) => l.startsWith('warn refused a gate decision')).length, 2, w.logged.join('\n'));
  });

  it('a decision made on a stale content hash is refused and logged', async () => {
    const w = wired();
    w.router.receive(decide({ contentHash: 'h0-stale' }));
    await w.settle();
    assertNothingChanged(w);
    assert.ok(w.logged.some((l) => /refused a gate decision .*other content than the gate now shows/.test(l)), w.logged.join('\n'));
  });

  it('a 10 MB payload is refused unread and logged', async () => {
    const w = wired();
    w.router.receive(request('big', 'packet/save', { file: '.shopfloor/packets/a.json', value: { intent: 'x'.repeat(10 * 1024 * 1024) } }));
    w.router.receive(decide({ reason: 'y'.repeat(10 * 1024 * 1024) }));
    await w.settle();
    assertNothingChanged(w);
    assert.equal(w.logged.filter((l) => /refused message: larger than 2000000 characters/.test(l)).length, 2);
    assert.ok(w.logged.every((l) => l.length < 2200), 'the log line does not carry the payload');
  });

  it('`__proto__` keys anywhere in a message are refused (no prototype is polluted)', async () => {
    const w = wired();
    w.router.receive(JSON.parse(`{"v":${PROTOCOL_VERSION},"kind":"request","id":"p1","method":"packet/save","params":{"file":"a.json","value":{"__proto__":{"polluted":true},"intent":"x"}}}`));
    w.router.receive(JSON.parse(`{"v":${PROTOCOL_VERSION},"kind":"request","id":"p2","method":"gate/decide","params":{"gateId":"${gate.gateId}","decision":"approve","__proto__":{"runId":"r1"}}}`));
    w.router.receive(JSON.parse(`{"v":${PROTOCOL_VERSION},"kind":"notification","method":"webview/ready","params":{"viewState":{"constructor":{"prototype":{"x":1}}}}}`));
    await w.settle();
    assertNothingChanged(w);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(w.logged.filter((l) => /forbidden key "(__proto__|constructor)"/.test(l)).length, 3, w.logged.join('\n'));
    assert.equal(w.logged.includes('ready'), false);
  });

  it('after all that, a well-formed decision for the open gate is accepted (the forgeries left the gate as it was)', async () => {
    const w = wired();
    w.router.receive(decide({ runId: 'r2' }));
    w.router.receive(decide({ contentHash: 'stale' }));
    w.router.receive(decide({ reason: 'Looks right.' }));
    await w.settle();
    assert.equal(w.gk.openGateId, undefined);
    assert.equal(w.answer()?.decision, 'approve');
    assert.equal(w.answer()?.by.name, 'Rita Reviewer');
  });
});
