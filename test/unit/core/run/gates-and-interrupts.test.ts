import { strict as assert } from 'node:assert';
import type { TaskPacket } from '../../../../src/contracts';
import { BUGFIX, CVE_REMEDIATION } from '../../../../src/core/blueprints';
import { runLine } from '../../../../src/core/run/engine';
import { RunInterruptedError } from '../../../../src/core/run/errors';
import { DEFAULT_REJECTION, gateChoicesFor, normalizeAnswer, rejectionTerminal, reviewerRejections } from '../../../../src/core/run/gates';
import { preflightFacts } from '../../../../src/core/run/preflight';
import { fakePorts, MemoryJournal } from './fakes';
import { inputs, packet } from './inputs';

const human = { kind: 'human' as const, name: 'Ana <ana@example.com>' };

describe('core/run/gates: the gate rules in one place', () => {
  it("a reviewer rejecting never picks the line's own findings: station walls and budget stops", () => {
    const reasons = reviewerRejections().map((t) => t.reason);
    for (const r of ['memory-limit', 'pids-limit', 'disk-limit', 'budget-exceeded']) assert.ok(!reasons.includes(r as never), r);
    assert.ok(reasons.includes('rejected-at-gate'));
  });

  it('choices: before a station approve/reject/edit (+skip where allowed), after it approve/reject/edit/retry, the output gate approve/reject', () => {
    assert.deepEqual(gateChoicesFor({ gate: { when: 'before', allowSkip: false } }, 'before'), ['approve', 'reject', 'edit']);
    assert.deepEqual(gateChoicesFor({ gate: { when: 'before', allowSkip: true } }, 'before'), ['approve', 'reject', 'edit', 'skip']);
    assert.deepEqual(gateChoicesFor({ gate: { when: 'after', allowSkip: true } }, 'after'), ['approve', 'reject', 'edit', 'retry']);
    assert.deepEqual(gateChoicesFor('output', 'after'), ['approve', 'reject']);
  });

  it('a rejection never ships: PR_READY or RETRYABLE_FAILURE become the default rejection, with the reason as detail', () => {
    assert.deepEqual(rejectionTerminal({ state: 'PR_READY', reason: 'validated-fix' }, 'looks fine'), { ...DEFAULT_REJECTION, detail: 'looks fine' });
    assert.deepEqual(rejectionTerminal({ state: 'RETRYABLE_FAILURE', reason: 'timeout' }), DEFAULT_REJECTION);
    assert.deepEqual(rejectionTerminal({ state: 'NO_OP', reason: 'contradicts-behaviour' }), { state: 'NO_OP', reason: 'contradicts-behaviour' });
  });

  it('normalises answers and says what is wrong with the ones it refuses', () => {
    const gate = { allowed: ['approve', 'reject', 'edit'] as const, plan: 'Plan A' };
    const g = { ...gate, allowed: [...gate.allowed] };
    assert.deepEqual(normalizeAnswer(g, { decision: 'retry', by: human }), { problem: 'this gate allows approve, reject, edit' });
    assert.deepEqual(normalizeAnswer(g, { decision: 'approve', by: { kind: 'human', name: ' ' } }), { problem: 'it does not say who decided' });
    assert.match((normalizeAnswer(g, { decision: 'edit', by: human, editedPlan: '   ' }) as { problem: string }).problem, /non-empty edited plan/);
    assert.match((normalizeAnswer({ ...g, plan: undefined }, { decision: 'edit', by: human, editedPlan: 'B' }) as { problem: string }).problem, /offers no plan/);
    assert.match((normalizeAnswer(g, { decision: 'edit', by: human, editedPacket: { intent: '' } as unknown as TaskPacket }) as { problem: string }).problem, /not a valid task packet \(/);
    assert.deepEqual(normalizeAnswer(g, { decision: 'reject', by: human, reason: 'no' }), { answer: { decision: 'reject', by: human, reason: 'no', terminal: { ...DEFAULT_REJECTION, detail: 'no' } } });
    assert.deepEqual(normalizeAnswer(g, { decision: 'approve', by: human, editedPlan: 'ignored', terminal: DEFAULT_REJECTION }), { answer: { decision: 'approve', by: human } }, 'fields of other decisions are dropped');
  });
});

/** `bp` with its agent reproduce stations turned into command stations that run the packet's reproduction. */
function commandReproduce(bp: typeof BUGFIX): typeof BUGFIX {
  return { ...bp, stations: bp.stations.map((s) => (s.role === 'reproduce' && s.kind === 'agent' ? { id: s.id, role: s.role, kind: 'command' as const, from: 'packet.reproduction' as const, gate: s.gate, retries: s.retries } : s)) };
}

describe('core/run: cheap decisions first', () => {
  it('a packet with no reproduction on a blueprint that implements and only runs commands to reproduce ends T5 before set-up: no environment is ever prepared', async () => {
    const f = fakePorts();
    const out = await runLine(inputs({ blueprint: commandReproduce(BUGFIX), packet: packet({ reproduction: [] }) }), f.ports);
    assert.deepEqual([out.terminal.state, out.terminal.reason, out.rule], ['ESCALATE', 'missing-context', 'T5']);
    assert.equal(f.environments.requests.length, 0, 'no station environment was prepared (set-up never ran)');
    assert.deepEqual(f.gatekeeper.asked, [], 'no gate was asked');
    assert.ok(!(f.ports.journal as MemoryJournal).types().includes('station/started'));
  });

  it('preflight knows only what the packet and blueprint decide: an agent-written reproduction is not known to be absent', () => {
    assert.deepEqual(preflightFacts(commandReproduce(BUGFIX), packet({ reproduction: [] }), inputs().profile), { reproductionBefore: 'absent' });
    assert.deepEqual(preflightFacts(commandReproduce(BUGFIX), packet(), inputs().profile), {});
    // The built-in's first reproduce station is an agent's: without a reproduction it writes one.
    assert.deepEqual(preflightFacts(BUGFIX, packet({ reproduction: [] }), inputs().profile), {});
    assert.deepEqual(preflightFacts(CVE_REMEDIATION, packet({ flags: ['missing-context'] }), inputs().profile), { packetMissingContext: true });
  });
});

describe('core/run: an interruption leaves the run resumable', () => {
  it('an abort during a station throws RunInterruptedError, records no station/finished and no terminal state; the resume re-runs that station and finishes', async () => {
    const ac = new AbortController();
    const f = fakePorts({ signal: ac.signal });
    const exec = f.environments.prepare.bind(f.environments);
    f.environments.prepare = async (req) => {
      const env = await exec(req);
      if (req.stationId !== 'reproduce-after') return env;
      return { ...env, exec: async (argv, o) => (ac.abort(), { ...(await env.exec(argv, o)), exitCode: null, cancelled: true }) };
    };
    await assert.rejects(runLine(inputs(), f.ports), RunInterruptedError);
    const journal = f.ports.journal as MemoryJournal;
    const last = journal.records.at(-1)!.event;
    assert.equal(last.type, 'station/started');
    assert.equal(last.type === 'station/started' && last.stationId, 'reproduce-after');
    assert.ok(!journal.types().includes('run/terminal'));

    const again = fakePorts({ journal: new MemoryJournal(journal.records), artifacts: f.artifacts });
    again.ws.patch = f.ws.patch;
    const out = await runLine(inputs(), again.ports);
    assert.equal(out.terminal.state, 'PR_READY');
    assert.equal(out.resumed, true);
    const attempts = (again.ports.journal as MemoryJournal).records.flatMap((r) => (r.event.type === 'station/started' && r.event.stationId === 'reproduce-after' ? [r.event.attempt] : []));
    assert.deepEqual(attempts, [1, 2], 'the interrupted attempt is re-run as a new attempt');
  });

  it('an abort before a station starts interrupts without starting it', async () => {
    const ac = new AbortController();
    ac.abort();
    const f = fakePorts({ signal: ac.signal });
    await assert.rejects(runLine(inputs(), f.ports), /interrupted before station setup/);
    assert.equal(f.environments.requests.length, 0);
  });
});
