import type { Blueprint, OpenGateView, RunEvent, StationResult, TerminalState } from '../../contracts';
import type { RunView } from '../panel/panel-state';
import { cleanLogLine, LOG_CONTROL, LOG_LINE_CHARS } from './log-ranges';

type StationStatus = RunView['stations'][number]['status'];
type StationFacts = Pick<RunView['stations'][number], 'durationMs' | 'attempts' | 'agent' | 'usd' | 'tokens' | 'note' | 'failureExpected'>;

/** Lines of the running station's output a snapshot carries (the panel reads the others by range from the log file). */
export const LOG_LINES = 200;
export { LOG_LINE_CHARS };

/**
 * Folds run events into what the panel shows: each station's status (pending, running,
 * gate, passed, failed, skipped), the open gate, the terminal state and where the
 * evidence is. One per run; the run controller feeds it every event.
 */
export class RunViewModel {
  private readonly status = new Map<string, StationStatus>();
  private readonly facts = new Map<string, StationFacts>();
  /** Agent cost of every finished attempt, by station and attempt (a retried attempt adds, a replayed result replaces). */
  private readonly spend = new Map<string, { usd?: number; tokens?: number }>();
  private readonly gates: RunView['gates'] = [];
  private gate: OpenGateView | null = null;
  private terminal: TerminalState | null = null;
  private evidence: string | null = null;
  private output: string | null = null;
  private branch: string | null = null;
  private log: { stationId: string; lines: string[]; dropped: number; partial: string } | null = null;

  constructor(
    private readonly runId: string,
    private readonly blueprint: Blueprint,
    /** Where the blueprint came from (platform built-in, the repository, a file), shown beside its name. */
    private readonly source?: string,
  ) {
    for (const s of blueprint.stations) {
      this.status.set(s.id, 'pending');
      this.facts.set(s.id, { durationMs: null, attempts: 0, agent: null, usd: null, tokens: null, note: null, failureExpected: false });
    }
  }

  private fact(stationId: string): StationFacts {
    let f = this.facts.get(stationId);
    if (!f) this.facts.set(stationId, (f = { durationMs: null, attempts: 0, agent: null, usd: null, tokens: null, note: null, failureExpected: false }));
    return f;
  }

  apply(e: RunEvent): void {
    switch (e.type) {
      case 'station/started':
        this.status.set(e.stationId, 'running');
        this.fact(e.stationId).attempts = Math.max(this.fact(e.stationId).attempts, e.attempt);
        this.log = { stationId: e.stationId, lines: [], dropped: 0, partial: '' };
        break;
      case 'station/finished':
        this.status.set(e.stationId, e.outcome === 'passed' ? 'passed' : e.outcome === 'skipped' ? 'skipped' : 'failed');
        this.fact(e.stationId).durationMs = e.durationMs;
        break;
      case 'gate/decided': {
        const d = e.decision;
        this.gates.push({ gateId: d.gateId, stationId: d.stationId, position: d.position, decision: d.decision, by: d.by.name, decidedAt: d.decidedAt, humanMs: d.humanMs, reason: d.reason ?? null });
        break;
      }
      case 'gate/opened':
        if (this.status.has(e.stationId) && this.status.get(e.stationId) !== 'passed' && this.status.get(e.stationId) !== 'failed') this.status.set(e.stationId, 'gate');
        break;
      case 'run/terminal':
        this.terminal = e.terminal;
        break;
      case 'output/created':
        this.output = e.branch ? `branch ${e.branch}${e.commit ? ` (${e.commit.slice(0, 12)})` : ''}` : (e.report ?? null);
        this.branch = e.branch ?? null;
        break;
      default:
        break;
    }
  }

  /**
   * Adds a chunk of a station's output (agent or command) to the live log: split into
   * lines, control sequences removed, each line and the number of lines capped. A chunk
   * for another station than the one shown starts that station's log.
   */
  addOutput(stationId: string, chunk: string): void {
    if (this.log?.stationId !== stationId) this.log = { stationId, lines: [], dropped: 0, partial: '' };
    const log = this.log;
    const parts = (log.partial + chunk.replace(/\r\n?/g, '\n')).split('\n');
    log.partial = parts.pop()!.slice(0, LOG_LINE_CHARS);
    for (const p of parts) log.lines.push(cleanLogLine(p));
    if (log.lines.length > LOG_LINES) {
      log.dropped += log.lines.length - LOG_LINES;
      log.lines.splice(0, log.lines.length - LOG_LINES);
    }
  }

  /** The run stopped without a terminal state (an error or a cancel): nothing is running any more. */
  stopped(): void {
    this.gate = null;
    for (const [id, st] of this.status) if (st === 'running' || st === 'gate') this.status.set(id, 'failed');
  }

  /**
   * Adds what a finished attempt's result file says that its journal record does not: the
   * agent (name and CLI version), what it spent (summed over attempts), and for a
   * reproduction what its failure means (a reproduce station that must fail "fails"
   * because the problem is there: its status alone reads like an error).
   */
  addResult(r: StationResult): void {
    const f = this.fact(r.stationId);
    if (r.agent) {
      f.agent = r.agent.version ? `${r.agent.name} (${r.agent.version})` : r.agent.name;
      const usage = r.agent.usage ?? [];
      const usd = r.agent.cost?.usd ?? (usage.some((u) => u.usd !== undefined) ? usage.reduce((n, u) => n + (u.usd ?? 0), 0) : undefined);
      const tokens = usage.length ? usage.reduce((n, u) => n + u.inputTokens + u.outputTokens, 0) : r.agent.cost?.inputTokens !== undefined || r.agent.cost?.outputTokens !== undefined ? (r.agent.cost.inputTokens ?? 0) + (r.agent.cost.outputTokens ?? 0) : undefined;
      this.spend.set(`${r.stationId}#${r.attempt}`, { usd, tokens });
      const mine = [...this.spend].filter(([k]) => k.startsWith(`${r.stationId}#`)).map(([, v]) => v);
      f.usd = mine.some((m) => m.usd !== undefined) ? mine.reduce((n, m) => n + (m.usd ?? 0), 0) : null;
      f.tokens = mine.some((m) => m.tokens !== undefined) ? mine.reduce((n, m) => n + (m.tokens ?? 0), 0) : null;
    }
    const judged = r.commands.map((c) => c.reproduction).filter((v) => v !== undefined);
    if (judged.length) {
      const first = judged.find((v) => v.verdict !== 'reproduced') ?? judged[0]!;
      f.note = `${first.verdict}: ${first.reason}`;
      f.failureExpected = r.outcome === 'failed' && judged.every((v) => v.verdict === 'reproduced');
    } else if (r.fromCache) f.note = 'restored from the set-up cache';
  }

  /** What the run's agents have spent so far, summed over stations; undefined when nothing is known. */
  spent(): { usd?: number; tokens?: number } | undefined {
    const all = [...this.spend.values()];
    if (!all.some((v) => v.usd !== undefined || v.tokens !== undefined)) return undefined;
    const usd = all.some((v) => v.usd !== undefined) ? all.reduce((n, v) => n + (v.usd ?? 0), 0) : undefined;
    const tokens = all.some((v) => v.tokens !== undefined) ? all.reduce((n, v) => n + (v.tokens ?? 0), 0) : undefined;
    return { ...(usd !== undefined ? { usd } : {}), ...(tokens !== undefined ? { tokens } : {}) };
  }

  setGate(gate: OpenGateView | null): void {
    this.gate = gate;
  }

  setEvidence(path: string): void {
    this.evidence = path;
  }

  private logView(log: { stationId: string; lines: string[]; dropped: number; partial: string }): NonNullable<RunView['log']> {
    const lines = log.partial ? [...log.lines, log.partial.replace(LOG_CONTROL, '')] : [...log.lines];
    return { stationId: log.stationId, lines, dropped: log.dropped, total: log.dropped + lines.length };
  }

  view(): RunView {
    return {
      runId: this.runId,
      blueprint: `${this.blueprint.name}@${this.blueprint.version}${this.source ? ` · ${this.source}` : ''}`,
      stations: this.blueprint.stations.map((s) => ({ id: s.id, title: s.title ?? s.id, kind: s.kind, status: this.status.get(s.id) ?? 'pending', ...this.fact(s.id) })),
      gates: [...this.gates],
      openGate: this.gate?.facts
        ? {
            ...this.gate,
            facts: {
              ...this.gate.facts,
              stations: this.blueprint.stations
                .filter((s) => ['passed', 'failed', 'skipped'].includes(this.status.get(s.id) ?? ''))
                .map((s) => ({ id: s.id, role: s.role, status: this.status.get(s.id)! })),
            },
          }
        : this.gate,
      terminal: this.terminal,
      evidence: this.evidence,
      output: this.output,
      branch: this.branch,
      log: this.log ? this.logView(this.log) : null,
    };
  }
}
