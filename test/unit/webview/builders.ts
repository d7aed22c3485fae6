import { PanelSnapshotSchema, PROTOCOL_VERSION, type PanelSnapshot } from '../../../src/contracts/protocol';

type Run = NonNullable<PanelSnapshot['run']>;
type Gate = NonNullable<Run['openGate']>;

/** A packet view as the host sends it. */
export function aPacketView(over: Partial<NonNullable<PanelSnapshot['packet']>> = {}): NonNullable<PanelSnapshot['packet']> {
  return {
    file: '.shopfloor/packets/fix.json',
    value: {
      intent: 'Make index.js export 42.',
      scope: { paths: [{ path: 'index.js' }] },
      reproduction: [{ argv: ['node', '-e', 'process.exit(1)'] }],
      validation: [{ argv: ['npm', 'test'] }],
      nonGoals: [],
      allowedTools: ['Edit'],
      evidenceRequired: [],
      outputFormat: 'pr',
      risk: 'one-reviewer',
      source: { kind: 'issue', text: 'index.js exports the wrong value' },
    },
    problems: [],
    approval: { by: 'Rita', at: '2026-12-03T10:00:00Z', valid: true },
    contentHash: 'c1',
    readOnly: false,
    ...over,
  };
}

/** An open gate after implement. */
export function aGate(over: Partial<Gate> = {}): Gate {
  return {
    runId: 'r1',
    gateId: 'implement.after.2',
    stationId: 'implement',
    position: 'after',
    contentHash: 'h1',
    summary: 'Review the change',
    content: 'diff --git a/index.js b/index.js',
    allowed: ['approve', 'reject', 'edit', 'retry'],
    plan: 'Change the export.',
    claim: null,
    facts: null,
    budget: null,
    reproduction: null,
    commands: null,
    text: null,
    packet: null,
    diffFiles: null,
    effects: null,
    toolDrift: null,
    ...over,
  };
}

/** A station of the run timeline; nothing known beyond its status unless given. */
export function aStation(over: Partial<Run['stations'][number]> & Pick<Run['stations'][number], 'id'>): Run['stations'][number] {
  return { title: over.id, kind: 'command', status: 'pending', durationMs: null, attempts: 0, agent: null, usd: null, tokens: null, note: null, failureExpected: false, ...over };
}

/** A run with its stations. */
export function aRun(over: Partial<Run> = {}): Run {
  return {
    runId: 'r1',
    blueprint: 'bugfix@1.0.0',
    stations: [
      aStation({ id: 'reproduce', status: 'passed', durationMs: 1200, attempts: 1 }),
      aStation({ id: 'implement', kind: 'agent', status: 'running', attempts: 1 }),
      aStation({ id: 'validate' }),
    ],
    gates: [],
    openGate: null,
    terminal: null,
    evidence: null,
    output: null,
    branch: null,
    log: null,
    ...over,
  };
}

/** A snapshot numbered `seq`. */
export function aSnapshot(seq: number, over: Partial<PanelSnapshot> = {}): PanelSnapshot {
  return { seq, workspace: { name: 'demo', trusted: true }, run: null, packet: aPacketView(), review: null, comparison: null, extensionVersion: '0.1.0', ...over };
}

/** The `state/didChange` envelope carrying `s`. */
export function pushOf(s: PanelSnapshot): unknown {
  // The webview types the host's payloads without parsing them (protocol-wire.ts): every snapshot a webview test pushes must be one the schema accepts, or the test is of a message the host can never send.
  const parsed = PanelSnapshotSchema.safeParse(s);
  if (!parsed.success) throw new Error(`test snapshot is not a PanelSnapshot: ${parsed.error.message}`);
  return { v: PROTOCOL_VERSION, kind: 'notification', method: 'state/didChange', params: s };
}
