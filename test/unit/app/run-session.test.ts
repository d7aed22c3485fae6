import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { installVscodeStub, MemoryMemento, MemorySecrets, memoryLog, seen } from '../../support/vscode-stub';
import { aPacket } from '../../support/builders';
import { fakePorts, MemoryArtifacts, MemoryJournal } from '../core/run/fakes';
import type { EvidenceBundle, JournalRecord, TaskPacket } from '../../../src/contracts';
import { approvePacket } from '../../../src/core/packet/approval';
import type { ComposeFn } from '../../../src/app/compose';
import { ENGINE_VERSION, RunRefusedError, startRun } from '../../../src/app/run-session';
import { runCommand } from '../../../src/cli/commands/run';
import { RunInterruptedError } from '../../../src/core/run/errors';
import type { Gatekeeper } from '../../../src/core/run/ports';

const vscode = installVscodeStub();
// Loaded after the stub: these import 'vscode'.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RunController } = require('../../../src/host/run/run-controller') as typeof import('../../../src/host/run/run-controller');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PanelState } = require('../../../src/host/panel/panel-state') as typeof import('../../../src/host/panel/panel-state');

const IDENTITY = 'Test User <test@example.com>';
const PACKET_FILE = '.shopfloor/packets/fix.json';

/** A git repository with an identity, one commit, and a packet file. */
function repoWith(packet: TaskPacket): string {
  const repo = mkdtempSync(join(tmpdir(), 'shopfloor-session-'));
  writeFileSync(join(repo, 'index.js'), 'broken\n');
  execFileSync('git', ['init', '-q'], { cwd: repo });
  execFileSync('git', ['config', 'user.name', 'Test User'], { cwd: repo });
  execFileSync('git', ['config', 'user.email', 'test@example.com'], { cwd: repo });
  execFileSync('git', ['add', '-A'], { cwd: repo });
  execFileSync('git', ['commit', '-qm', 'init'], { cwd: repo });
  mkdirSync(join(repo, '.shopfloor', 'packets'), { recursive: true });
  writeFileSync(join(repo, PACKET_FILE), JSON.stringify(packet, null, 2));
  return repo;
}

const issuePacket = () =>
  aPacket()
    .with('source', { kind: 'issue', text: 'index.js is broken' })
    .with('reproduction', [{ argv: ['repro'] }])
    .with('validation', [{ argv: ['test'] }])
    .build();

/**
 * A composition on the unit fakes (no Docker, no git clone), keeping each run's journal
 * and artifacts across executions so a second execution is a resume. `stopAt` makes the
 * gatekeeper interrupt the run at the first gate of that station (as a cancel does).
 */
function fakeComposition(stopAt?: { stationId: string }) {
  const runs = new Map<string, { records: JournalRecord[]; artifacts: MemoryArtifacts }>();
  const evidence = () => [...runs.values()].map((r) => r.artifacts.files.get('evidence.json')).filter(Boolean).map((t) => JSON.parse(t!) as EvidenceBundle);
  const compose: ComposeFn = async (o) => {
    const kept = runs.get(o.folder.runId) ?? { records: [], artifacts: new MemoryArtifacts() };
    runs.set(o.folder.runId, kept);
    const journal = new MemoryJournal(kept.records);
    let stopped = false;
    const gatekeeper: Gatekeeper = {
      decide: async (g) => {
        if (stopAt && !stopped && g.stationId === stopAt.stationId) {
          stopped = true;
          stopAt = undefined;
          throw new RunInterruptedError('stopped for the test');
        }
        return o.gatekeeper.decide(g);
      },
    };
    const f = fakePorts({ journal, artifacts: kept.artifacts, gatekeeper, humans: o.humans, observer: o.observer, signal: o.signal, logger: o.logger });
    if (journal.existing.length) f.ws.patch = ''; // a fresh process: the workspace is restored by the engine
    return {
      inputs: { runId: o.folder.runId, repo: o.folder.repo, packet: o.setup.packet, blueprint: o.setup.blueprint, profile: o.setup.profile, engineVersion: o.engineVersion },
      ports: f.ports,
      close: async () => {
        kept.records = journal.records;
      },
    };
  };
  return { compose, evidence, runs };
}

/** A terminal whose person answers "a" (approve) to every question. */
function approvingTerminal() {
  const input = new PassThrough();
  const output = new Writable({
    write(chunk, _enc, done) {
      if (/: $/.test(String(chunk))) setImmediate(() => input.write('a\n'));
      done();
    },
  });
  return { input, output, close: () => input.end() };
}

function editor(repo: string, compose?: ComposeFn, workspaceState = new MemoryMemento()) {
  vscode.workspace.workspaceFolders = [{ uri: { fsPath: repo }, name: 'repo', index: 0 }];
  const log = memoryLog();
  const ctx = { extension: { workspaceState, secrets: new MemorySecrets() }, log, version: '0.0.0-test', activationMs: () => 0 } as never;
  const state = new PanelState();
  const statusBar = { text: '', tooltip: '' } as never;
  return { controller: new RunController(ctx, state, statusBar, compose, async () => async () => false), state, log, workspaceState };
}

/** Approves every gate the editor's panel shows, as a reviewer clicking Approve would. */
function approveInPanel(ed: ReturnType<typeof editor>): void {
  ed.state.onDidChange(() => {
    const g = ed.state.run?.openGate;
    if (g) setImmediate(() => void ed.controller.decideGate({ gateId: g.gateId, runId: g.runId, contentHash: g.contentHash, decision: 'approve' }));
  });
}

describe('app/run-session: one lifecycle for the CLI and the editor', () => {
  beforeEach(() => {
    seen.messages.length = 0;
    seen.modalAnswer = 'Start Run';
    seen.pickAnswer = undefined; // the agent pick takes its default (the command agent)
  });

  it('a stale approval is refused by both entry points with the same message, naming the edited field', async () => {
    const approved = approvePacket(issuePacket(), IDENTITY, '2026-12-01T00:00:00.000Z');
    const repo = repoWith({ ...approved, intent: 'Edited after the approval.' });
    const cli = await runCommand({ repo, packet: join(repo, PACKET_FILE), environment: 'docker', setup: false }, { terminal: null }).then(
      () => assert.fail('the CLI ran a stale packet'),
      (e: Error) => e,
    );
    assert.ok(cli instanceof RunRefusedError, String(cli));
    const ed = editor(repo);
    const host = await ed.controller.start(PACKET_FILE);
    assert.equal(host.started, false);
    assert.equal(host.message, cli.message);
    assert.equal(cli.message, `the packet's approval by ${IDENTITY} is stale after an edit of field intent: approve it again`);
  });

  it('an unapproved packet is refused by both with the same message', async () => {
    const repo = repoWith(issuePacket());
    const cli = await runCommand({ repo, packet: join(repo, PACKET_FILE), environment: 'docker', setup: false }, { terminal: null }).catch((e: Error) => e);
    const host = await editor(repo).controller.start(PACKET_FILE);
    assert.ok(cli instanceof RunRefusedError);
    assert.equal(host.message, (cli as Error).message);
    assert.match(host.message!, /not approved/);
  });

  it('identity and engine version are the same from the CLI and the editor; humanMs is measured on one clock', async () => {
    const repo = repoWith(approvePacket(issuePacket(), IDENTITY, '2026-12-01T00:00:00.000Z'));
    const viaCli = fakeComposition();
    const r = await runCommand({ repo, packet: join(repo, PACKET_FILE), environment: 'docker', setup: true, json: true }, { compose: viaCli.compose, terminal: approvingTerminal() });
    assert.equal(r.outcome.terminal.state, 'PR_READY', JSON.stringify(r.outcome.terminal));

    const viaEditor = fakeComposition();
    const ed = editor(repo, viaEditor.compose);
    approveInPanel(ed);
    const started = await ed.controller.start(PACKET_FILE);
    assert.ok(started.started, started.message);
    await ed.controller.whenIdle();
    assert.equal(ed.state.run?.terminal?.state, 'PR_READY', ed.log.lines.join('\n'));

    const [cliEvidence] = viaCli.evidence();
    const [editorEvidence] = viaEditor.evidence();
    assert.ok(cliEvidence && editorEvidence);
    assert.equal(cliEvidence.environment.engineVersion, ENGINE_VERSION);
    assert.equal(editorEvidence.environment.engineVersion, ENGINE_VERSION);
    assert.match(ENGINE_VERSION, /^shopfloor \d+\.\d+\.\d+/);
    for (const ev of [cliEvidence, editorEvidence]) {
      assert.ok(ev.gates.length >= 4, `gates: ${ev.gates.map((g) => g.gateId)}`);
      for (const g of ev.gates) {
        assert.deepEqual(g.by, { kind: 'human', name: IDENTITY }, g.gateId);
        assert.ok(Date.parse(g.decidedAt) > Date.parse(g.openedAt), `${g.gateId} decided ${g.decidedAt}, opened ${g.openedAt}`);
        assert.equal(g.humanMs, Date.parse(g.decidedAt) - Date.parse(g.openedAt));
        assert.ok(g.humanMs > 0);
        assert.equal(g.runId, ev.runId);
      }
      assert.equal(ev.cost.humanMs, ev.gates.reduce((n, g) => n + g.humanMs, 0));
    }
  });

  it('a resumed run shows the stations that already passed, from the journal, before any live event', async () => {
    const repo = repoWith(approvePacket(issuePacket(), IDENTITY, '2026-12-01T00:00:00.000Z'));
    const comp = fakeComposition({ stationId: 'implement' });
    const ed = editor(repo, comp.compose);
    approveInPanel(ed);
    assert.ok((await ed.controller.start(PACKET_FILE)).started);
    await ed.controller.whenIdle();
    const runId = ed.state.run!.runId;
    assert.equal(ed.state.run?.terminal, null, 'the first execution was interrupted at the implement gate');
    assert.ok(seen.messages.some((m) => m.includes('was stopped') && m.includes('Resume Run')), seen.messages.join('\n'));

    // A new window: a fresh panel state; the first snapshot with an open gate must already show what happened.
    const ed2 = editor(repo, comp.compose, ed.workspaceState);
    const snapshots: Array<{ gate: string | null; stations: Record<string, string> }> = [];
    ed2.state.onDidChange(() => {
      const run = ed2.state.run;
      if (run) snapshots.push({ gate: run.openGate?.gateId ?? null, stations: Object.fromEntries(run.stations.map((s) => [s.id, s.status])) });
    });
    approveInPanel(ed2);
    const resumed = await ed2.controller.resume(runId);
    assert.ok(resumed.started, resumed.message);
    await ed2.controller.whenIdle();
    assert.equal(ed2.state.run?.terminal?.state, 'PR_READY', ed2.log.lines.join('\n'));
    const firstGate = snapshots.find((s) => s.gate !== null);
    assert.ok(firstGate, JSON.stringify(snapshots));
    assert.match(firstGate.gate!, /^implement\.after\./, 'the resumed run re-opens the gate it was stopped at');
    assert.deepEqual(
      firstGate.stations,
      { setup: 'passed', reproduce: 'failed', plan: 'passed', implement: 'passed', 'reproduce-after': 'pending', validate: 'pending' },
      'set-up passed, the reproduction failed before the change (as it must), plan and implement passed',
    );
  });

  it('the editor\'s agent pick goes into the run set-up (its agentDefault, kept for a resume); Escape starts nothing', async () => {
    const repo = repoWith(approvePacket(issuePacket(), IDENTITY, '2026-12-01T00:00:00.000Z'));
    const ed = editor(repo, fakeComposition().compose, new MemoryMemento());
    seen.picks.length = 0;
    seen.pickAnswer = null;
    const refused = await ed.controller.start(PACKET_FILE);
    assert.equal(refused.started, false);
    assert.match(refused.message ?? '', /no agent was chosen/);
    assert.deepEqual(seen.picks.map((p) => p.map((i) => i.label)), [['Claude Code', 'Codex', 'Gemini CLI', 'OpenCode', 'GitHub Copilot CLI', 'Aider', 'JSONL agent', 'Command agent']], 'the pick offered the agents of this build');
    assert.ok(!existsSync(join(repo, '.shopfloor', 'runs')) || readdirSync(join(repo, '.shopfloor', 'runs')).filter((n) => n !== '.gitignore').length === 0, 'no run folder');

    const chosen = await startRun({ repo, packetFile: join(repo, PACKET_FILE), options: { unattended: false, environment: 'docker', profile: false, agent: 'command' }, chooseAgent: async () => 'claude' });
    assert.equal(chosen.setup.agentDefault, 'claude');
    const stored = JSON.parse(readFileSync(chosen.folder.path('artifacts/run-setup.json'), 'utf8')) as { agentDefault?: string };
    assert.equal(stored.agentDefault, 'claude');
    seen.pickAnswer = undefined;
  });
});
