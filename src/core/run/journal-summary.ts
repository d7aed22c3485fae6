import type { JournalRecord, TerminalState } from '../../contracts';

/** What `shopfloor runs` and `show` say about a run, read off its journal. */
export interface RunSummary {
  runId?: string;
  blueprint?: string;
  pattern?: string;
  baseCommit?: string;
  startedAt?: string;
  lastAt?: string;
  /** finished: has a terminal state; open: no terminal state yet (running, or killed and resumable). */
  status: 'finished' | 'open' | 'empty';
  terminal?: TerminalState;
  output?: { branch?: string; commit?: string; report?: string };
  stations: { id: string; attempt: number; outcome?: string }[];
  gates: { gateId: string; decision?: string; by?: string }[];
}

/** Folds journal records into a summary. Pure. */
export function summarizeJournal(records: readonly JournalRecord[]): RunSummary {
  const s: RunSummary = { status: records.length ? 'open' : 'empty', stations: [], gates: [] };
  for (const r of records) {
    const e = r.event;
    s.lastAt = r.at;
    switch (e.type) {
      case 'run/started':
        Object.assign(s, { runId: e.runId, blueprint: e.blueprint, pattern: e.pattern, baseCommit: e.baseCommit, startedAt: r.at });
        break;
      case 'station/started':
        s.stations.push({ id: e.stationId, attempt: e.attempt });
        break;
      case 'station/finished': {
        const st = [...s.stations].reverse().find((x) => x.id === e.stationId && x.attempt === e.attempt);
        if (st) st.outcome = e.outcome;
        else s.stations.push({ id: e.stationId, attempt: e.attempt, outcome: e.outcome });
        break;
      }
      case 'gate/opened':
        s.gates.push({ gateId: e.gateId });
        break;
      case 'gate/decided': {
        const g = s.gates.find((x) => x.gateId === e.decision.gateId);
        if (g) Object.assign(g, { decision: e.decision.decision, by: `${e.decision.by.kind}:${e.decision.by.name}` });
        break;
      }
      case 'run/terminal':
        s.status = 'finished';
        s.terminal = e.terminal;
        break;
      case 'output/created':
        s.output = { branch: e.branch, commit: e.commit, report: e.report };
        break;
      default:
        break;
    }
  }
  return s;
}
