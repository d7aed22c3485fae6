import { strict as assert } from 'node:assert';
import { EvidenceBundleSchema } from '../../../../src/contracts';
import { BUGFIX, INVESTIGATION } from '../../../../src/core/blueprints';
import { runLine } from '../../../../src/core/run/engine';
import { PolicyGatekeeper } from '../../../../src/core/run/gate-policy';
import type { BaselineRecord, Gate } from '../../../../src/core/run/ports';
import { fakePorts, MemoryJournal, ScriptedGatekeeper, FIX_PATCH } from './fakes';
import { inputs, packet } from './inputs';


describe('core/run/engine: the line', () => {
  it('bugfix happy path: PR_READY, gates by a human, output commit with trailers, valid evidence', async () => {
    const f = fakePorts();
    const out = await runLine(inputs(), f.ports);
    assert.equal(out.terminal.state, 'PR_READY');
    assert.equal(out.terminal.reason, 'validated-fix');
    assert.deepEqual(f.gatekeeper.asked.map((g) => g.gateId), ['reproduce.after.1', 'plan.after.2', 'implement.after.3', 'decide.after.4']);
    assert.ok(EvidenceBundleSchema.safeParse(out.evidence).success);
    assert.equal(out.evidence.reproduction.before[0]!.exitCode, 1);
    assert.equal(out.evidence.reproduction.after[0]!.exitCode, 0);
    assert.equal(out.evidence.gates.length, 4);
    assert.ok(out.evidence.gates.every((g) => g.by.name === 'alice' && /^[0-9a-f]{64}$/.test(g.contentHash)));
    assert.equal(out.evidence.cost.inputTokens, 200);
    const msg = f.output.published[0]!.message;
    assert.match(msg, /^Parsing must never write/);
    assert.match(msg, /\nShopfloor-Run: 20261121-200000-abcdef\nApproved-by: alice\nAgent: fake-agent\n$/);
    assert.equal(out.output?.branch, 'shopfloor/20261121-200000-abcdef');
    assert.ok(f.artifacts.files.get('evidence.md')!.includes('# Shopfloor run 20261121-200000-abcdef: PR_READY'));
    const types = (f.ports.journal as MemoryJournal).types();
    assert.equal(types[0], 'run/started');
    assert.deepEqual(types.slice(-3), ['run/terminal', 'output/created', 'journal/sealed']);
    const records = (f.ports.journal as MemoryJournal).records;
    assert.deepEqual(records.at(-1)!.event, { type: 'journal/sealed', records: records.length - 1 }, 'the seal counts the records before it');
  });

  it('the set-up station gets egress only to the registry; other stations get no network', async () => {
    const f = fakePorts();
    await runLine(inputs(), f.ports);
    const setup = f.environments.requests.find((r) => r.stationId === 'setup')!;
    assert.deepEqual(setup.network, { mode: 'egress', allow: ['registry.npmjs.org'] });
    assert.ok(f.environments.requests.filter((r) => r.stationId !== 'setup').every((r) => r.network.mode === 'none'));
  });

  it('set-up is cached per base commit: a second run restores it instead of installing', async () => {
    const store = new Map<string, boolean>();
    const setupCache = { restore: async (k: string) => store.has(k), save: async (k: string) => void store.set(k, true) };
    const a = fakePorts({ setupCache });
    await runLine(inputs(), a.ports);
    assert.ok(a.environments.execs.includes('install'));
    const b = fakePorts({ setupCache });
    const out = await runLine(inputs(), b.ports);
    assert.ok(!b.environments.execs.includes('install'));
    assert.equal(out.terminal.state, 'PR_READY');
  });

  it("set-up with nothing to restore creates its own container before the next station's is prepared; with an entry to restore, the next is prepared while it restores", async () => {
    const watch = (f: ReturnType<typeof fakePorts>) => {
      const order: string[] = [];
      const prepare = f.environments.prepare.bind(f.environments);
      f.environments.prepare = async (r) => (order.push(`prepare ${r.stationId}`), prepare(r));
      (f.environments as { prewarm?: (r: { stationId: string }) => void }).prewarm = (r) => void order.push(`prewarm ${r.stationId}`);
      return order;
    };
    const store = new Map<string, boolean>();
    const setupCache = { has: async (k: string) => store.has(k), restore: async (k: string) => store.has(k), save: async (k: string) => void store.set(k, true) };
    const first = fakePorts({ setupCache });
    const a = watch(first);
    await runLine(inputs(), first.ports);
    const prewarm = a.findIndex((e) => e.startsWith('prewarm'));
    assert.ok(prewarm > a.indexOf('prepare setup') && a.indexOf('prepare setup') >= 0, `first run: ${a.join(', ')}`);
    const second = fakePorts({ setupCache });
    const b = watch(second);
    await runLine(inputs(), second.ports);
    assert.ok(!b.includes('prepare setup'), `second run restores: ${b.join(', ')}`);
    assert.ok(b[0]?.startsWith('prewarm'), `second run: the next station is prepared first (${b.join(', ')})`);
  });

  it('a verifier station gets the holdout scenarios mounted read-only; no other station sees them', async () => {
    const bp = {
      ...BUGFIX,
      stations: [
        ...BUGFIX.stations,
        { id: 'holdout', role: 'verify' as const, kind: 'verifier' as const, scenarios: 'parser', commands: [{ argv: ['test', '/scenarios'] }], gate: { when: 'none' as const, allowSkip: false }, retries: 0 },
      ],
    };
    const f = fakePorts({ scenarios: (ref) => ({ hostPath: `/holdout/${ref}` }) });
    const out = await runLine(inputs({ blueprint: bp }), f.ports);
    assert.equal(out.terminal.state, 'PR_READY');
    const withMounts = f.environments.requests.filter((r) => r.mounts.length);
    assert.deepEqual(withMounts.map((r) => r.stationId), ['holdout']);
    assert.deepEqual(withMounts[0]!.mounts, [{ hostPath: '/holdout/parser', containerPath: '/scenarios', readOnly: true }]);
    const g = fakePorts();
    const missing = await runLine(inputs({ blueprint: { ...bp, maxRevisions: 0 } }), g.ports);
    assert.deepEqual([missing.terminal.state, missing.terminal.reason], ['ESCALATE', 'validation-failed']);
  });

  it('reproduction passing before any change: NO_OP could-not-reproduce and implement never starts', async () => {
    const f = fakePorts();
    f.environments.reproAlwaysPasses = true;
    const out = await runLine(inputs(), f.ports);
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['NO_OP', 'could-not-reproduce']);
    assert.equal(f.agents.calls.length, 0);
    assert.equal(out.output?.report, 'no-op-report.md');
    assert.ok(f.artifacts.files.get('no-op-report.md')!.startsWith('# No-op report'));
    assert.equal(f.output.published.length, 0);
  });

  it('a packet flagged missing-context ends by its rule before any station or container (T0)', async () => {
    const f = fakePorts();
    const p = packet({ flags: ['missing-context'], noOpRules: [{ when: 'missing-context', then: 'ESCALATE' }] });
    const out = await runLine(inputs({ packet: p }), f.ports);
    assert.deepEqual([out.terminal.state, out.terminal.reason, out.rule], ['ESCALATE', 'missing-context', 'T0']);
    assert.equal(f.environments.requests.length, 0, 'no environment prepared');
    assert.equal(f.agents.calls.length, 0);
    assert.equal(f.output.published.length, 0);
  });

  it('failed validation revises with the failure as feedback, then PR_READY', async () => {
    const f = fakePorts();
    f.environments.failTests = 1;
    const out = await runLine(inputs(), f.ports);
    assert.equal(out.terminal.state, 'PR_READY');
    const impl = f.agents.calls.filter((c) => c.role === 'implement');
    assert.equal(impl.length, 2);
    assert.match(impl[1]!.feedback!, /\$ test \(exit 1, a regression: it passed on the base commit\)/);
  });

  it('validation failing every round: ESCALATE validation-failed after maxRevisions', async () => {
    const f = fakePorts();
    f.environments.failTests = 99;
    const out = await runLine(inputs(), f.ports);
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['ESCALATE', 'validation-failed']);
    assert.equal(f.agents.calls.filter((c) => c.role === 'implement').length, BUGFIX.maxRevisions + 1);
    assert.ok(out.evidence.noOpOrEscalation!.openQuestions.some((q) => q.includes('`test`')));
    assert.equal(out.output?.report, 'escalation.md');
  });

  it('retries an environment failure with exponential backoff, then RETRYABLE_FAILURE when retries run out', async () => {
    const f = fakePorts();
    f.environments.failPrepare = 2; // set-up has retries: 2
    const ok = await runLine(inputs(), f.ports);
    assert.equal(ok.terminal.state, 'PR_READY');
    assert.deepEqual(f.sleeps, [2000, 4000]);
    const g = fakePorts();
    g.environments.failPrepare = 3;
    const out = await runLine(inputs(), g.ports);
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['RETRYABLE_FAILURE', 'engine-unavailable']);
    assert.equal(out.output, undefined);
  });

  it('an empty diff is never PR_READY', async () => {
    const f = fakePorts();
    f.agents.patch = '';
    const out = await runLine(inputs(), f.ports);
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['ESCALATE', 'empty-diff']);
  });

  it('an agent that gives up: ESCALATE agent-gave-up', async () => {
    const f = fakePorts();
    f.agents.giveUp = true;
    assert.equal((await runLine(inputs(), f.ports)).terminal.reason, 'agent-gave-up');
  });

  it('a rejection at a gate ends with the terminal state the human chose', async () => {
    const gk = new ScriptedGatekeeper((g) =>
      g.stationId === 'plan' ? { decision: 'reject', by: { kind: 'human', name: 'bob' }, reason: 'product call', terminal: { state: 'NO_OP', reason: 'needs-product-decision' } } : undefined,
    );
    const f = fakePorts({ gatekeeper: gk });
    const out = await runLine(inputs(), f.ports);
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['NO_OP', 'needs-product-decision']);
    assert.equal(out.evidence.gates.at(-1)!.by.name, 'bob');
    assert.equal(f.agents.calls.filter((c) => c.role === 'implement').length, 0);
  });

  it('edit then approve: the edited plan goes to the implement station and its hash is recorded', async () => {
    const gk = new ScriptedGatekeeper((g) => (g.stationId === 'plan' ? { decision: 'edit', by: { kind: 'human', name: 'alice' }, editedPlan: 'Edited plan' } : undefined));
    const f = fakePorts({ gatekeeper: gk });
    const out = await runLine(inputs(), f.ports);
    assert.equal(f.agents.calls.find((c) => c.role === 'implement')!.plan, 'Edited plan');
    assert.equal(out.evidence.plan, 'Edited plan');
    assert.equal(f.artifacts.files.get('artifacts/gates/plan.after.2.plan.md'), 'Edited plan');
  });

  it('offers the plan for editing at the gate after the plan station only, never at the implement gate', async () => {
    const gk = new ScriptedGatekeeper();
    const f = fakePorts({ gatekeeper: gk });
    await runLine(inputs(), f.ports);
    const byStation = new Map(gk.asked.map((g) => [`${g.stationId}.${g.position}`, g.plan]));
    assert.equal(byStation.get('plan.after'), 'Plan: change index.js');
    assert.ok(byStation.has('implement.after'), 'the implement gate was asked');
    assert.equal(byStation.get('implement.after'), undefined);
  });

  it('a skip is refused where the blueprint does not allow it, and the gate asks again', async () => {
    let n = 0;
    const gk = new ScriptedGatekeeper((g) => (g.stationId === 'reproduce' && n++ === 0 ? { decision: 'skip', by: { kind: 'human', name: 'alice' } } : undefined));
    const f = fakePorts({ gatekeeper: gk });
    const out = await runLine(inputs(), f.ports);
    assert.equal(out.terminal.state, 'PR_READY');
    assert.ok((f.ports.journal as MemoryJournal).records.some((r) => r.event.type === 'note' && r.event.message.includes('ignored a skip')));
  });

  it('retry at the implement gate restores the workspace and runs the station again', async () => {
    let n = 0;
    const gk = new ScriptedGatekeeper((g) => (g.stationId === 'implement' && n++ === 0 ? { decision: 'retry', by: { kind: 'human', name: 'alice' } } : undefined));
    const f = fakePorts({ gatekeeper: gk });
    const out = await runLine(inputs(), f.ports);
    assert.equal(out.terminal.state, 'PR_READY');
    assert.deepEqual(f.ws.restores, ['']);
    assert.equal(f.agents.calls.filter((c) => c.role === 'implement').length, 2);
  });

  describe('unattended policy', () => {
    it('approves every gate by rule when nothing is risky', async () => {
      const f = fakePorts({ gatekeeper: new PolicyGatekeeper() });
      const out = await runLine(inputs({ blueprint: { ...BUGFIX, pattern: 'unattended' } }), f.ports);
      assert.equal(out.terminal.state, 'PR_READY');
      assert.ok(out.evidence.gates.every((g) => g.by.kind === 'policy'));
      assert.match(f.output.published[0]!.message, /Approved-by: unattended-policy \(unattended policy\)/);
    });

    it('hard-stop risk stops for a human; with none available: ESCALATE hard-stop-risk', async () => {
      const f = fakePorts({ gatekeeper: new PolicyGatekeeper() });
      const out = await runLine(inputs({ packet: packet({ risk: 'hard-stop' }) }), f.ports);
      assert.deepEqual([out.terminal.state, out.terminal.reason], ['ESCALATE', 'hard-stop-risk']);
      assert.equal(f.agents.calls.length, 0);
    });

    it('hard-stop risk goes to the human when one is there', async () => {
      const human = new ScriptedGatekeeper();
      const f = fakePorts({ gatekeeper: new PolicyGatekeeper(human) });
      const out = await runLine(inputs({ packet: packet({ risk: 'hard-stop' }) }), f.ports);
      assert.equal(out.terminal.state, 'PR_READY');
      assert.equal(human.asked.length, 4);
    });

    it('a change touching the risk paths stops for a human', async () => {
      const f = fakePorts({ gatekeeper: new PolicyGatekeeper() });
      const out = await runLine(inputs({ blueprint: { ...BUGFIX, riskPaths: ['index.js'] } }), f.ports);
      assert.deepEqual([out.terminal.state, out.terminal.reason], ['ESCALATE', 'hard-stop-risk']);
      assert.equal(out.evidence.gates.at(-1)!.stationId, 'implement');
    });

    it('a flagged diff is never approved by policy: ESCALATE out-of-scope-change', async () => {
      const f = fakePorts({ gatekeeper: new PolicyGatekeeper() });
      f.agents.patch = FIX_PATCH.replace(/index\.js/g, 'other.js');
      const out = await runLine(inputs(), f.ports);
      assert.deepEqual([out.terminal.state, out.terminal.reason], ['ESCALATE', 'out-of-scope-change']);
    });
  });

  it('a flagged diff approved by a human: PR_READY approved-with-flags, even without a gate on implement', async () => {
    const bp = { ...BUGFIX, stations: BUGFIX.stations.map((s) => ({ ...s, gate: { when: 'none' as const, allowSkip: false } })) };
    const f = fakePorts();
    f.agents.patch = FIX_PATCH.replace(/index\.js/g, 'other.js').replace('+fixed', '+fixed');
    f.environments.reproAlwaysPasses = false;
    // the fix lands in other.js; make repro pass on it
    const out = await runLine(inputs({ blueprint: bp, packet: packet({ scope: { paths: [{ path: 'lib' }], services: [] } }) }), f.ports);
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['PR_READY', 'approved-with-flags']);
    assert.deepEqual(f.gatekeeper.asked.map((g) => g.stationId), ['implement', 'decide']);
    assert.deepEqual(out.evidence.diff!.flags, ['out-of-scope']);
  });

  it('investigation: no implement, ESCALATE needs-product-decision with the note', async () => {
    const f = fakePorts();
    const out = await runLine(inputs({ blueprint: INVESTIGATION }), f.ports);
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['ESCALATE', 'needs-product-decision']);
    assert.equal(f.artifacts.files.get('investigation-note.md'), 'Note: the parser is fine.');
    assert.equal(out.evidence.plan, 'Note: the parser is fine.');
  });

  describe('validation baseline (design.md "Validation baseline", rule T16)', () => {
    // `broken` exits 1 whatever the workspace holds: a command already red on the base commit.
    const redBefore = () => packet({ validation: [{ argv: ['test'] }, { argv: ['broken'] }] });
    const validationStations = (j: MemoryJournal) => j.records.filter((r) => r.event.type === 'station/started').map((r) => (r.event as { stationId: string }).stationId);

    it('runs the validation on the base workspace after set-up and before implement, journaled as a station', async () => {
      const f = fakePorts();
      const out = await runLine(inputs(), f.ports);
      assert.equal(out.terminal.state, 'PR_READY');
      assert.deepEqual(validationStations(f.ports.journal as MemoryJournal), ['setup', 'reproduce', 'plan', 'validate@baseline', 'implement', 'reproduce-after', 'validate']);
      const base = f.environments.requests.find((r) => r.stationId === 'validate@baseline')!;
      assert.deepEqual(base.network, { mode: 'none' });
      assert.deepEqual(out.evidence.baseline!.stations.map((s) => [s.stationId, s.fromCache, s.commands.map((c) => c.exitCode)]), [['validate', false, [0]]]);
      assert.deepEqual(out.evidence.baseline!.verdicts.map((v) => v.verdict), ['passed']);
    });

    it('interactive: a command red before and after is a pre-existing failure: no revise round, shown at the output gate, PR_READY once a human accepts', async () => {
      const f = fakePorts();
      const out = await runLine(inputs({ packet: redBefore() }), f.ports);
      assert.deepEqual([out.terminal.state, out.terminal.reason, out.rule], ['PR_READY', 'accepted-with-preexisting-failures', 'T16']);
      assert.equal(f.agents.calls.filter((c) => c.role === 'implement').length, 1, 'never a revise round');
      const gate = f.gatekeeper.asked.find((g) => g.stationId === 'decide')!;
      assert.deepEqual(gate.risk.preexistingFailures, ['broken (exit 1)']);
      assert.match(gate.summary, /pre-existing, not blamed on it\): broken \(exit 1\)/);
      assert.deepEqual((gate.content as { preexistingFailures: string[] }).preexistingFailures, ['broken (exit 1)']);
      assert.ok(EvidenceBundleSchema.safeParse(out.evidence).success);
      assert.deepEqual(out.evidence.baseline!.preexistingFailures, ['broken (exit 1)']);
      assert.deepEqual(out.evidence.baseline!.verdicts.map((v) => `${v.argv[0]} ${v.before}→${v.after} ${v.verdict}`), ['test 0→0 passed', 'broken 1→1 pre-existing-failure']);
      assert.equal(out.evidence.decision!.rule, 'T16');
      assert.equal(out.evidence.decision!.facts.preexistingAccepted, true);
      assert.ok(out.evidence.residualRisk.some((r) => r.includes('pre-existing') && r.includes('broken')));
      const md = f.artifacts.files.get('evidence.md')!;
      assert.match(md, /## Validation baseline/);
      assert.match(md, /\*\*Pre-existing failures\*\*.*broken \(exit 1\)/);
      assert.match(f.output.published[0]!.message, /Terminal state: PR_READY \(accepted-with-preexisting-failures\)/);
    });

    it('unattended: the policy never accepts pre-existing failures: ESCALATE pre-existing-failure, never agent-gave-up', async () => {
      const f = fakePorts({ gatekeeper: new PolicyGatekeeper() });
      const out = await runLine(inputs({ packet: redBefore(), blueprint: { ...BUGFIX, pattern: 'unattended' } }), f.ports);
      assert.deepEqual([out.terminal.state, out.terminal.reason], ['ESCALATE', 'pre-existing-failure']);
      assert.match(out.terminal.detail!, /broken \(exit 1\)/);
      assert.equal(f.agents.calls.filter((c) => c.role === 'implement').length, 1);
      assert.equal(out.evidence.gates.at(-1)!.stationId, 'decide');
      assert.equal(out.evidence.decision!.rejectedAt, out.evidence.gates.at(-1)!.gateId);
      assert.equal(out.evidence.decision!.facts.rejected?.reason, 'pre-existing-failure');
      assert.deepEqual(out.evidence.decision!.rounds.map((r) => r.decision?.rule), ['T1']);
      assert.ok(out.evidence.noOpOrEscalation!.openQuestions.some((q) => q.includes('`broken` fails the same way on the base commit')));
      assert.equal(f.output.published.length, 0);
    });

    it('an approval by anything but a human does not accept pre-existing failures (T16 after the gate)', async () => {
      const gk = new ScriptedGatekeeper((g) => (g.stationId === 'decide' ? { decision: 'approve', by: { kind: 'policy', name: 'lenient-bot' } } : undefined));
      const f = fakePorts({ gatekeeper: gk });
      const out = await runLine(inputs({ packet: redBefore() }), f.ports);
      assert.deepEqual([out.terminal.state, out.terminal.reason, out.rule], ['ESCALATE', 'pre-existing-failure', 'T16']);
      assert.equal(out.evidence.decision!.facts.preexistingAccepted, false);
      assert.equal(f.output.published.length, 0);
    });

    it('a command green before and red after is a regression: revised with that said, then ESCALATE validation-failed naming it', async () => {
      const f = fakePorts();
      f.environments.failTests = 99;
      const out = await runLine(inputs({ packet: redBefore() }), f.ports);
      assert.deepEqual([out.terminal.state, out.terminal.reason], ['ESCALATE', 'validation-failed']);
      assert.match(out.terminal.detail!, /Regressions \(passed on the base commit\): test \(exit 1\)\. Failing on the base commit too, not counted: broken \(exit 1\)/);
      const fb = f.agents.calls.filter((c) => c.role === 'implement')[1]!.feedback!;
      assert.match(fb, /\$ test \(exit 1, a regression/);
      assert.match(fb, /pre-existing, not caused by the change; do not try to fix them\):\n\$ broken \(exit 1\)/);
      assert.deepEqual(out.evidence.baseline!.regressions, ['test (exit 1)']);
    });

    it('is cached per base commit: a second run reads the baseline from the cache and runs no baseline command', async () => {
      const store = new Map<string, BaselineRecord>();
      const baselineCache = { get: async (k: string) => store.get(k), put: async (k: string, r: BaselineRecord) => void store.set(k, r) };
      const a = fakePorts({ baselineCache });
      await runLine(inputs({ packet: redBefore() }), a.ports);
      assert.equal(store.size, 1);
      const b = fakePorts({ baselineCache });
      const out = await runLine(inputs({ packet: redBefore() }), b.ports);
      assert.ok(!b.environments.requests.some((r) => r.stationId === 'validate@baseline'), 'no environment for the baseline');
      assert.equal(out.evidence.baseline!.stations[0]!.fromCache, true);
      assert.deepEqual(out.evidence.baseline!.preexistingFailures, ['broken (exit 1)']);
      assert.equal(out.terminal.reason, 'accepted-with-preexisting-failures');
      assert.equal(b.artifacts.files.get('artifacts/logs/validate@baseline-1-2.log'), 'broken -> 1\n', 'the cached output tail is this run\'s log');
    });

    it('a run killed after the baseline resumes without running it again', async () => {
      const killer = new ScriptedGatekeeper((g) => {
        if (g.stationId === 'implement') throw new Error('KILLED');
        return undefined;
      });
      const first = fakePorts({ gatekeeper: killer });
      await assert.rejects(runLine(inputs({ packet: redBefore() }), first.ports), /KILLED/);
      const second = fakePorts({ journal: new MemoryJournal((first.ports.journal as MemoryJournal).records), artifacts: first.artifacts });
      second.ws.patch = first.ws.patch;
      const out = await runLine(inputs({ packet: redBefore() }), second.ports);
      assert.equal(out.terminal.reason, 'accepted-with-preexisting-failures');
      assert.ok(!second.environments.requests.some((r) => r.stationId === 'validate@baseline'));
      assert.deepEqual(out.evidence.baseline!.preexistingFailures, ['broken (exit 1)']);
    });
  });

  describe('the evidence says what decided (decision section)', () => {
    it('a flagged diff in a revise round: the evidence shows that diff with its flags, the round it came from and why', async () => {
      const f = fakePorts({ gatekeeper: new PolicyGatekeeper() });
      f.environments.failTests = 1;
      f.agents.patches = [FIX_PATCH, FIX_PATCH.replace(/index\.js/g, 'other.js')];
      const out = await runLine(inputs({ blueprint: { ...BUGFIX, pattern: 'unattended' } }), f.ports);
      assert.deepEqual([out.terminal.state, out.terminal.reason, out.rule], ['ESCALATE', 'out-of-scope-change', 'T1']);
      assert.deepEqual(out.evidence.diff!.flags, ['out-of-scope']);
      assert.deepEqual(out.evidence.diff!.files, ['other.js']);
      const d = out.evidence.decision!;
      assert.deepEqual(d.flags, ['out-of-scope']);
      assert.equal(d.rejectedAt, out.evidence.gates.at(-1)!.gateId);
      assert.deepEqual(d.facts.diff, { files: 1, flags: ['out-of-scope'] });
      assert.deepEqual(d.rounds.map((r) => [r.round, r.startedFrom.state, r.decision?.kind, r.decision?.rule]), [[0, 'base-commit', 'revise', 'T11'], [1, 'previous-attempt', 'terminal', 'T1']]);
      assert.deepEqual(d.rounds[1]!.startedFrom.files, ['index.js']);
      assert.deepEqual(d.rounds[1]!.because, ['validate: test exited 1 (regression)']);
      assert.deepEqual(d.rounds[1]!.implement!.flags, ['out-of-scope']);
      assert.match(f.artifacts.files.get('evidence.md')!, /### Round 1 \(revise\)\n\n- Started from the previous attempt's workspace \(index\.js/);
    });

    it('an implement station failing on its second attempt says why', async () => {
      const f = fakePorts();
      f.environments.failTests = 1;
      f.agents.giveUpOnCall = 2;
      const out = await runLine(inputs(), f.ports);
      assert.deepEqual([out.terminal.state, out.terminal.reason, out.rule], ['ESCALATE', 'agent-gave-up', 'T8']);
      const r = out.evidence.decision!.rounds[1]!;
      assert.equal(r.implement!.outcome, 'failed');
      assert.equal(r.implement!.agentOutcome, 'gave-up');
      assert.match(r.implement!.why!, /agent fake-agent ended gave-up; output tail:\nattempt 2: cannot make the tests pass/);
      assert.match(f.artifacts.files.get('escalation.md')!, /Why the implement station did not pass/);
    });

    it('a retryable end records the wall that decided', async () => {
      const g = fakePorts();
      g.environments.failPrepare = 3;
      const out = await runLine(inputs(), g.ports);
      assert.equal(out.evidence.decision!.rule, 'T2');
      assert.deepEqual(out.evidence.decision!.walls.map((w) => [w.stationId, w.wall]), [['setup', 'engine-unavailable']]);
      assert.deepEqual(out.evidence.decision!.facts.retryable, { reason: 'engine-unavailable', detail: 'docker: connection refused' });
    });
  });

  describe('resume from the journal', () => {
    it('a run killed at a gate resumes there: earlier gates are not asked again, stations not re-run', async () => {
      const killer = new ScriptedGatekeeper((g) => {
        if (g.stationId === 'implement') throw new Error('KILLED');
        return undefined;
      });
      const first = fakePorts({ gatekeeper: killer });
      await assert.rejects(runLine(inputs(), first.ports), /KILLED/);
      const journal = first.ports.journal as MemoryJournal;
      const second = fakePorts({ journal: new MemoryJournal(journal.records), artifacts: first.artifacts });
      second.ws.patch = first.ws.patch;
      const out = await runLine(inputs(), second.ports);
      assert.equal(out.terminal.state, 'PR_READY');
      assert.equal(out.resumed, true);
      assert.deepEqual(second.gatekeeper.asked.map((g) => g.stationId), ['implement', 'decide']);
      assert.equal(second.agents.calls.length, 0, 'plan and implement are not run again');
      assert.equal(second.environments.cleanups, 1);
      assert.deepEqual(second.ws.restores, [FIX_PATCH]);
      assert.equal(out.evidence.gates.length, 4);
    });

    it('a run killed inside the implement station re-runs it from a restored workspace as a new attempt', async () => {
      const first = fakePorts();
      first.agents.crashOnImplement = 1;
      await assert.rejects(runLine(inputs(), first.ports), /KILLED/);
      const second = fakePorts({ journal: new MemoryJournal((first.ports.journal as MemoryJournal).records), artifacts: first.artifacts });
      second.ws.patch = 'diff --git a/junk b/junk\n'; // half-done work of the killed agent
      const out = await runLine(inputs(), second.ports);
      assert.equal(out.terminal.state, 'PR_READY');
      assert.deepEqual(second.ws.restores, ['']);
      const started = (second.ports.journal as MemoryJournal).records.filter((r) => r.event.type === 'station/started' && r.event.stationId === 'implement');
      assert.deepEqual(started.map((r) => (r.event as { attempt: number }).attempt), [1, 2]);
    });

    it('killed, resumed, killed again in the same station, resumed again: the same terminal state (attempts 1, 2, 3)', async () => {
      const first = fakePorts();
      first.agents.crashOnImplement = 1;
      await assert.rejects(runLine(inputs(), first.ports), /KILLED/);
      const second = fakePorts({ journal: new MemoryJournal((first.ports.journal as MemoryJournal).records), artifacts: first.artifacts });
      second.agents.crashOnImplement = 1;
      await assert.rejects(runLine(inputs(), second.ports), /KILLED/);
      const third = fakePorts({ journal: new MemoryJournal((second.ports.journal as MemoryJournal).records), artifacts: first.artifacts });
      const out = await runLine(inputs(), third.ports);
      assert.equal(out.terminal.state, 'PR_READY');
      const records = (third.ports.journal as MemoryJournal).records;
      assert.deepEqual(records.flatMap((r) => (r.event.type === 'station/started' && r.event.stationId === 'implement' ? [r.event.attempt] : [])), [1, 2, 3]);
      const decided = records.flatMap((r) => (r.event.type === 'gate/decided' ? [r.event.decision.gateId] : []));
      assert.equal(new Set(decided).size, decided.length, `no gate decided twice: ${decided}`);
    });

    it('a plan station that changed files (reverted, noted) resumes past its note', async () => {
      const first = fakePorts();
      const run = first.agents.run.bind(first.agents);
      first.agents.run = async (task) => {
        if (task.role === 'plan') first.ws.patch = 'diff --git a/stray b/stray\n';
        return run(task);
      };
      first.gatekeeper.asked.length = 0;
      const stopAtImplement = { ...first.ports, gatekeeper: { decide: async (g: Gate) => (g.stationId === 'implement' ? Promise.reject(new Error('KILLED')) : first.gatekeeper.decide(g)) } };
      await assert.rejects(runLine(inputs(), stopAtImplement), /KILLED/);
      assert.ok((first.ports.journal as MemoryJournal).records.some((r) => r.event.type === 'note' && r.event.message.includes('station plan changed files; reverted')));
      const second = fakePorts({ journal: new MemoryJournal((first.ports.journal as MemoryJournal).records), artifacts: first.artifacts });
      second.ws.patch = first.ws.patch;
      const out = await runLine(inputs(), second.ports);
      assert.equal(out.terminal.state, 'PR_READY');
    });

    it('resuming a finished run changes nothing and returns the same outcome', async () => {
      const first = fakePorts();
      const a = await runLine(inputs(), first.ports);
      const records = (first.ports.journal as MemoryJournal).records;
      const second = fakePorts({ journal: new MemoryJournal(records), artifacts: first.artifacts });
      const b = await runLine(inputs(), second.ports);
      assert.deepEqual(b.terminal, a.terminal);
      assert.equal((second.ports.journal as MemoryJournal).records.length, records.length);
      assert.equal(second.output.published.length, 0);
    });

    it('refuses to resume with another packet', async () => {
      const first = fakePorts();
      await runLine(inputs(), first.ports);
      const second = fakePorts({ journal: new MemoryJournal((first.ports.journal as MemoryJournal).records), artifacts: first.artifacts });
      await assert.rejects(runLine(inputs({ packet: packet({ intent: 'Something else' }) }), second.ports), /another run, packet or blueprint/);
    });
  });

  describe('station walls (issue 8): a command that hits memory, pids or disk limits', () => {
    const oom = { exitCode: 137, endReason: 'oom-killed' as const, endDetail: 'the kernel killed the process: the station hit its memory limit' };

    it('validation OOM-killed after the change: ESCALATE memory-limit by T2w, no revise round, the wall named in the evidence', async () => {
      const f = fakePorts();
      f.environments.ends.test = oom;
      f.environments.endsAfterChangeOnly = true;
      const out = await runLine(inputs(), f.ports);
      assert.deepEqual([out.terminal.state, out.terminal.reason, out.rule], ['ESCALATE', 'memory-limit', 'T2w']);
      assert.match(out.terminal.detail ?? '', /^station validate: test hit the station's memory limit \(oom-killed: the kernel killed/);
      assert.equal(f.agents.calls.filter((c) => c.role === 'implement').length, 1, 'never revised');
      assert.equal(f.environments.execs.filter((e) => e === 'test').length, 2, 'once on the base commit (the baseline, green), once after the change: a wall is not retried');
      assert.ok(EvidenceBundleSchema.safeParse(out.evidence).success);
      const v = out.evidence.validation[0]!;
      assert.deepEqual([v.exitCode, v.endReason, v.endDetail], [137, 'oom-killed', oom.endDetail]);
      assert.equal(f.artifacts.files.get(v.logArtifact!), 'test -> oom-killed\n', 'the log holds what the command wrote');
      assert.match(f.artifacts.files.get('evidence.md')!, /\| `test` \| 137, oom-killed: memory-limit \|/);
      assert.ok(!f.gatekeeper.asked.some((g) => g.stationId === 'validate'), 'no gate on a walled station');
      assert.deepEqual(out.evidence.decision?.walls.map((w) => [w.stationId, w.wall]), [['validate', 'memory-limit']], 'the decision section names the wall');
    });

    it('a reproduction that hits a wall is not evidence of the problem: ESCALATE pids-limit, implement never starts', async () => {
      const f = fakePorts();
      f.environments.ends.repro = { exitCode: 137, endReason: 'pids-limit', endDetail: 'the station hit its process limit (64 processes)' };
      const out = await runLine(inputs(), f.ports);
      assert.deepEqual([out.terminal.state, out.terminal.reason, out.rule], ['ESCALATE', 'pids-limit', 'T2w']);
      assert.equal(f.agents.calls.length, 0);
      assert.equal(out.evidence.reproduction.before[0]!.endReason, 'pids-limit');
    });

    it('a set-up that fills the disk: ESCALATE disk-limit (not missing-context)', async () => {
      const f = fakePorts();
      f.environments.ends.install = { exitCode: 1, endReason: 'disk-limit', endDetail: 'the station wrote more than its disk limit' };
      const out = await runLine(inputs(), f.ports);
      assert.deepEqual([out.terminal.state, out.terminal.reason, out.rule], ['ESCALATE', 'disk-limit', 'T2w']);
    });

    it('an agent process that hits a wall names it too', async () => {
      const f = fakePorts();
      const run = f.agents.run.bind(f.agents);
      f.agents.run = async (task) => (task.role === 'implement' ? { ...(await run(task)), outcome: 'error', exitCode: 137, endReason: 'oom-killed' } : run(task));
      const out = await runLine(inputs(), f.ports);
      assert.deepEqual([out.terminal.state, out.terminal.reason, out.rule], ['ESCALATE', 'memory-limit', 'T2w']);
    });

    it('validation that hits the wall on the base commit too ends at the baseline: implement never starts', async () => {
      const f = fakePorts();
      f.environments.ends.test = oom;
      const out = await runLine(inputs(), f.ports);
      assert.deepEqual([out.terminal.state, out.terminal.reason, out.rule], ['ESCALATE', 'memory-limit', 'T2w']);
      assert.match(out.terminal.detail ?? '', /^station validate@baseline: test hit the station's memory limit/);
      assert.equal(f.agents.calls.filter((c) => c.role === 'implement').length, 0, 'nothing was implemented');
      assert.equal(f.environments.execs.filter((e) => e === 'test').length, 1);
    });

    it('a timeout keeps its retry semantics: retried, then RETRYABLE_FAILURE timeout', async () => {
      const f = fakePorts();
      f.environments.ends.test = { exitCode: null, endReason: 'timeout', endDetail: 'no exit within 5 ms' };
      f.environments.endsAfterChangeOnly = true;
      const out = await runLine(inputs(), f.ports);
      assert.deepEqual([out.terminal.state, out.terminal.reason, out.rule], ['RETRYABLE_FAILURE', 'timeout', 'T2']);
      assert.ok(f.environments.execs.filter((e) => e === 'test').length > 1, 'retried');
      assert.equal(out.evidence.validation[0]!.timedOut, true);
    });
  });

  it('a command log is in the run folder while the command still runs', async () => {
    const f = fakePorts();
    const prepare = f.environments.prepare.bind(f.environments);
    let seenWhileRunning: string | undefined;
    f.environments.prepare = async (req) => {
      const env = await prepare(req);
      if (req.stationId !== 'validate') return env;
      return {
        ...env,
        exec: async (argv, o) => {
          o?.onOutput?.('halfway there\n');
          seenWhileRunning = f.artifacts.files.get('artifacts/logs/validate-1-1.log');
          return env.exec(argv, o);
        },
      };
    };
    const out = await runLine(inputs(), f.ports);
    assert.equal(out.terminal.state, 'PR_READY');
    assert.equal(seenWhileRunning, 'halfway there\n');
    assert.equal(f.artifacts.files.get('artifacts/logs/validate-1-1.log'), 'halfway there\ntest -> 0\n');
  });
});
