import { strict as assert } from 'node:assert';
import { REPRODUCTION_DIR, type StationResult } from '../../../../src/contracts';
import { contentHash } from '../../../../src/core/hash';
import { runLine } from '../../../../src/core/run/engine';
import { renderEvidenceMarkdown } from '../../../../src/core/run/markdown';
import { RUN_LAYOUT } from '../../../../src/core/run/layout';
import { freezeReproduction, packetWithReproduction } from '../../../../src/core/run/reproduction-writer';
import { FIX_PATCH, MemoryJournal, WRITTEN_REPRODUCTION, fakePorts } from './fakes';
import { inputs, packet } from './inputs';

const noRepro = () => inputs({ packet: packet({ reproduction: [], validation: [{ argv: ['test'] }], flags: ['no-reproduction'], noOpRules: [{ when: 'reproduction-passes-before-change', then: 'NO_OP' }] }) });
const manifest = (m: unknown) => [{ path: 'reproduction.json', text: JSON.stringify(m) }, WRITTEN_REPRODUCTION[1]!];

describe('core/run: a reproduction the reproduce agent writes (issue 11)', () => {
  it('no reproduction in the packet: the agent writes one, the line runs it on the base commit, the gate shows it whole, later stations run the frozen copy read-only; PR_READY with its hash', async () => {
    const f = fakePorts();
    const out = await runLine(noRepro(), f.ports);
    assert.equal(out.terminal.state, 'PR_READY', JSON.stringify(out.terminal));
    // The line ran the written reproduction itself, on the base commit, and judged it.
    const reproduce = JSON.parse((await f.artifacts.read(RUN_LAYOUT.stationResult('reproduce', 1)))!) as StationResult;
    assert.equal(reproduce.kind, 'agent');
    assert.equal(reproduce.agent?.name, 'fake-agent');
    assert.deepEqual(reproduce.commands.map((c) => [c.command.argv.join(' '), c.exitCode, c.reproduction?.verdict]), [['repro .shopfloor/reproduction/repro.js', 1, 'reproduced']]);
    assert.deepEqual(reproduce.reproduction?.files.map((x) => x.path), ['repro.js', 'reproduction.json']);
    // The gate after it shows the statement, the files, the expected failure and how it failed.
    const gate = f.gatekeeper.asked.find((g) => g.stationId === 'reproduce' && g.position === 'after')!;
    assert.match(gate.summary, /wrote a reproduction: index\.js still returns broken .* failed as stated/);
    const content = gate.content as { reproduction: { statement: string; expectFailure: unknown; files: Array<{ path: string; text: string }> }; commands: Array<{ exitCode: number; verdict: { verdict: string } }> };
    assert.deepEqual(content.reproduction.expectFailure, { exitCode: 1 });
    assert.match(content.reproduction.files.find((x) => x.path === 'repro.js')!.text, /require\('\.\.\/\.\.\/index\.js'\)/);
    assert.equal(content.commands[0]!.verdict.verdict, 'reproduced');
    // Every later station has the frozen copy placed and bound read-only; none before it.
    const order = f.environments.requests.map((r) => [r.stationId, r.readOnlyPaths?.join(',') ?? '']);
    const at = order.findIndex(([id, ro]) => id === 'reproduce' && ro);
    assert.ok(at > 0, JSON.stringify(order));
    assert.ok(order.slice(0, at).every(([, ro]) => ro === ''), `before the reproduction was frozen: ${JSON.stringify(order)}`);
    assert.ok(order.slice(at).every(([, ro]) => ro === REPRODUCTION_DIR), `after: ${JSON.stringify(order)}`);
    assert.ok((f.ws.placed.get(REPRODUCTION_DIR) ?? 0) >= 4, 'placed again before each later station');
    assert.deepEqual(f.ws.trees.get(REPRODUCTION_DIR)?.map(({ path, text }) => ({ path, text })), reproduce.reproduction!.files.map(({ path, text }) => ({ path, text })));
    // The implement agent is told the frozen reproduction; reproduce-after and validation run it.
    const impl = f.agents.calls.find((c) => c.role === 'implement')!;
    assert.deepEqual(impl.packet.reproduction.map((c) => c.argv.join(' ')), ['repro .shopfloor/reproduction/repro.js']);
    assert.equal(impl.packet.reproduction[0]!.origin?.source, 'model');
    assert.deepEqual(f.environments.execs.filter((e) => e.startsWith('repro')).length, 3, 'reproduce, reproduce-after, validate');
    // The evidence carries the written reproduction's hash and files.
    assert.equal(out.evidence.reproduction.sha256, reproduce.reproduction!.sha256);
    assert.equal(out.evidence.reproduction.written?.statement, 'index.js still returns broken for the input in the issue');
    assert.deepEqual(out.evidence.reproduction.after.map((c) => c.exitCode), [0]);
    const md = renderEvidenceMarkdown(out.evidence);
    assert.match(md, /Written by the agent at station reproduce and approved: index\.js still returns broken/);
    assert.ok(md.includes(`Reproduction hash (its manifest and files as frozen): \`${reproduce.reproduction!.sha256}\``));
    assert.match(md, /- `repro\.js` sha256 `[0-9a-f]{64}`/);
    // The approved packet itself is unchanged (its hash still binds the approval).
    assert.deepEqual(out.evidence.packet.reproduction, []);
  });

  it('a written reproduction that passes on the base commit ends NO_OP could-not-reproduce; implement never runs', async () => {
    const f = fakePorts();
    f.agents.reproductions = [manifest({ statement: 'the parser returns null for an empty string', argv: ['true'], expectFailure: { exitCode: 1 } })];
    const out = await runLine(noRepro(), f.ports);
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['NO_OP', 'could-not-reproduce']);
    assert.ok(!f.agents.calls.some((c) => c.role === 'implement'));
  });

  it('no manifest, a malformed manifest or a bad field: refused as a reproduction (T3r ESCALATE invalid-reproduction) with the bad field named', async () => {
    for (const [files, why] of [
      [[WRITTEN_REPRODUCTION[1]!], /no \.shopfloor\/reproduction\/reproduction\.json/],
      [[{ path: 'reproduction.json', text: '{"statement":' }], /is not JSON/],
      [manifest({ statement: 'it hangs on a long header line', argv: ['repro'], expectFailure: { outputMatches: '(' } }), /expectFailure\.outputMatches: expected a valid regular expression/],
      [manifest({ statement: 'it hangs on a long header line', argv: ['repro'] }), /expectFailure: /],
      [[], /wrote nothing under \.shopfloor\/reproduction/],
    ] as const) {
      const f = fakePorts();
      f.agents.reproductions = [files as never];
      const out = await runLine(noRepro(), f.ports);
      assert.deepEqual([out.terminal.state, out.terminal.reason, out.rule], ['ESCALATE', 'invalid-reproduction', 'T3r'], String(why));
      assert.match(out.terminal.detail ?? '', why);
      assert.ok(!f.agents.calls.some((c) => c.role === 'implement'));
    }
  });

  it('a reproduce agent that also changed code has that change reverted, and says so', async () => {
    const f = fakePorts();
    f.agents.respond = (task) => {
      if (task.role === 'reproduce') f.ws.patch = FIX_PATCH;
      return undefined;
    };
    const out = await runLine(noRepro(), f.ports);
    const reproduce = JSON.parse((await f.artifacts.read(RUN_LAYOUT.stationResult('reproduce', 1)))!) as StationResult;
    assert.match(reproduce.note ?? '', /reverted its other changes \(index\.js\)/);
    assert.equal(reproduce.commands[0]!.exitCode, 1, 'it ran on the base commit, not on the agent\'s fix');
    assert.equal(out.terminal.state, 'PR_READY');
  });

  it('retry at the gate has the agent write it again; the second version is the one frozen', async () => {
    const f = fakePorts();
    const second = manifest({ statement: 'second version: index.js returns broken', argv: ['repro', '.shopfloor/reproduction/repro.js'], expectFailure: { exitCode: 1 } });
    f.agents.reproductions = [WRITTEN_REPRODUCTION, second];
    let asked = 0;
    f.ports.gatekeeper = { decide: async (g) => (g.stationId === 'reproduce' && ++asked === 1 ? { decision: 'retry', by: { kind: 'human', name: 'alice' } } : { decision: 'approve', by: { kind: 'human', name: 'alice' } }) };
    const out = await runLine(noRepro(), f.ports);
    assert.equal(out.terminal.state, 'PR_READY');
    assert.equal(out.evidence.reproduction.written?.statement, 'second version: index.js returns broken');
  });

  it('a packet with a reproduction: the agent reproduce station only runs it (no agent call), as a command station would', async () => {
    const f = fakePorts();
    const out = await runLine(inputs(), f.ports);
    assert.equal(out.terminal.state, 'PR_READY');
    assert.ok(!f.agents.calls.some((c) => c.role === 'reproduce'));
    assert.equal(out.evidence.reproduction.written, undefined);
    assert.equal(out.evidence.reproduction.sha256, contentHash(inputs().packet.reproduction));
    assert.ok(!f.environments.requests.some((r) => r.readOnlyPaths));
  });

  it('a run killed in the implement station resumes with the frozen reproduction read back from its station result: not written again, placed and run as approved', async () => {
    const first = fakePorts();
    first.agents.crashOnImplement = 1;
    await assert.rejects(runLine(noRepro(), first.ports), /KILLED/);
    const frozen = (JSON.parse((await first.artifacts.read(RUN_LAYOUT.stationResult('reproduce', 1)))!) as StationResult).reproduction!;
    const second = fakePorts({ journal: new MemoryJournal((first.ports.journal as MemoryJournal).records), artifacts: first.artifacts });
    const out = await runLine(noRepro(), second.ports);
    assert.equal(out.terminal.state, 'PR_READY');
    assert.ok(!second.agents.calls.some((c) => c.role === 'reproduce'), 'the reproduce agent is not asked again');
    assert.equal(out.evidence.reproduction.sha256, frozen.sha256);
    assert.deepEqual(second.ws.trees.get(REPRODUCTION_DIR)?.map((f) => f.path), ['repro.js', 'reproduction.json']);
    assert.ok(second.environments.requests.every((r) => r.readOnlyPaths?.[0] === REPRODUCTION_DIR), 'every station after the resume has it read-only');
  });

  it('a frozen reproduction edited in the run folder after approval is refused on resume (the journal binds the station result)', async () => {
    const first = fakePorts();
    first.agents.crashOnImplement = 1;
    await assert.rejects(runLine(noRepro(), first.ports), /KILLED/);
    const rel = RUN_LAYOUT.stationResult('reproduce', 1);
    first.artifacts.files.set(rel, first.artifacts.files.get(rel)!.replace("=== 'fixed' ? 0 : 1", "=== 'fixed' ? 0 : 0"));
    const second = fakePorts({ journal: new MemoryJournal((first.ports.journal as MemoryJournal).records), artifacts: first.artifacts });
    await assert.rejects(runLine(noRepro(), second.ports), /reproduce-1\.json/);
  });

  it('freezing: files sorted and hashed; the hash covers manifest and files; caps and paths refused', () => {
    const a = freezeReproduction('reproduce', WRITTEN_REPRODUCTION);
    const b = freezeReproduction('reproduce', [...WRITTEN_REPRODUCTION].reverse());
    assert.ok('frozen' in a && 'frozen' in b);
    assert.equal(a.frozen.sha256, b.frozen.sha256, 'order of reading does not matter');
    const c = freezeReproduction('reproduce', [WRITTEN_REPRODUCTION[0]!, { path: 'repro.js', text: 'process.exit(1)\n' }]);
    assert.ok('frozen' in c && c.frozen.sha256 !== a.frozen.sha256, 'a changed script changes the hash');
    const many = Array.from({ length: 40 }, (_, i) => ({ path: `f${i}.js`, text: '' }));
    assert.match((freezeReproduction('r', many) as { problem: string }).problem, /40 files under .* \(at most 32\)/);
    assert.match((freezeReproduction('r', [{ path: 'reproduction.json', text: 'x'.repeat(300 * 1024) }]) as { problem: string }).problem, /307200 bytes under .* \(at most 262144\)/);
    assert.match((freezeReproduction('r', manifest({ statement: 'it hangs on a long header', argv: ['x'], cwd: '../up', expectFailure: { exitCode: 1 } })) as { problem: string }).problem, /cwd: expected a relative path/);
    const p = packetWithReproduction(packet({ reproduction: [], validation: [{ argv: ['test'] }] }), a.frozen);
    assert.deepEqual(p.validation.map((v) => v.argv[0]), ['repro', 'test'], 'the reproduction leads validation, as drafted ones do');
  });
});
