import type { Blueprint, OpenGateView, RunEvent, TerminalState } from '../../contracts';
import type { RunView } from '../panel/panel-state';
import { cleanLogLine, LOG_CONTROL, LOG_LINE_CHARS } from './log-ranges';

type StationStatus = RunView['stations'][number]['status'];

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
    for (const s of blueprint.stations) this.status.set(s.id, 'pending');
  }

  apply(e: RunEvent): void {
    switch (e.type) {
      case 'station/started':
        this.status.set(e.stationId, 'running');
        this.log = { stationId: e.stationId, lines: [], dropped: 0, partial: '' };
        break;
      case 'station/finished':
        this.status.set(e.stationId, e.outcome === 'passed' ? 'passed' : e.outcome === 'skipped' ? 'skipped' : 'failed');
        break;
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
      stations: this.blueprint.stations.map((s) => ({ id: s.id, title: s.title ?? s.id, kind: s.kind, status: this.status.get(s.id) ?? 'pending' })),
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
