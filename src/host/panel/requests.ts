import type * as vscode from 'vscode';
import { Methods, type ParamsOf, type RequestMethod, type ResultOf } from '../../contracts';
import type { PacketSession } from '../packet/packet-session';
import type { PanelLog } from './message-router';
import type { PanelRequestHandler } from './panel-state';
import { StationLogs } from '../run/station-logs';

/** Starts a run from an approved packet file; provided by the run controller. */
export type RunStarter = (file: string) => Promise<{ started: boolean; message?: string }>;
/** Applies a human gate decision from the panel; provided by the run controller. */
export type GateDecider = (params: ParamsOf<'gate/decide'>) => Promise<{ accepted: boolean; problem?: string }>;
/** Pushes a run's output branch; provided by the run controller. */
export type BranchPusher = (runId: string) => Promise<{ pushed: boolean; remote?: string; url?: string; message?: string }>;
/** Opens a changed file's diff, and records a reviewer's verdict (src/host/review/review-requests.ts). */
export interface ReviewRequests {
  openDiff(p: ParamsOf<'diff/open'>): Promise<ResultOf<'diff/open'>>;
  recordVerdict(p: ParamsOf<'review/verdict'>): Promise<ResultOf<'review/verdict'>>;
  openReview(p: ParamsOf<'review/open'>): Promise<ResultOf<'review/open'>>;
}

/** The station logs of run `runId` if the panel shows it (its live run, or the run folder under review), else undefined. */
export type LogSource = (runId: string) => StationLogs | undefined;

/**
 * The panel's LogSource: the live run's logs (the run controller's, kept after it ends),
 * else those of the run folder the panel reviews (one StationLogs kept for it, so its
 * index is built once). Any other run id gets none: the panel never reads a run it does
 * not show.
 */
export function shownRunLogs(live: () => StationLogs | undefined, reviewed: () => { runId: string; dir: string } | undefined): LogSource {
  let cached: StationLogs | undefined;
  return (runId) => {
    const l = live();
    if (l?.runId === runId) return l;
    const r = reviewed();
    if (r?.runId !== runId) return undefined;
    if (cached?.runId !== runId || cached.folder !== r.dir) cached = new StationLogs(r.runId, r.dir);
    return cached;
  };
}

/** One handler per request method, typed by the protocol's method map. */
type Handlers = { [M in RequestMethod]: (params: ParamsOf<M>, token: vscode.CancellationToken) => Promise<ResultOf<M>> };

/**
 * Routes the panel's requests to the host services. Params were validated against the
 * protocol before they reach here; results are validated against the method's result
 * schema before they leave, so a host bug cannot send the webview an unexpected shape.
 * A gate decision the gatekeeper refuses (another run's gate, content no longer shown, a
 * closed gate) changes nothing and is logged with why.
 */
export function panelRequests(deps: { packets: PacketSession; startRun: RunStarter; decideGate: GateDecider; pushBranch: BranchPusher; review?: ReviewRequests; logs?: LogSource; log?: PanelLog }): PanelRequestHandler {
  /**
   * Serves a log request from the station logs of the run the panel shows. Another run id
   * (as a forged message would send) or a name that is no station id is refused, as data
   * the webview shows, and logged; nothing is read.
   */
  const fromLog = <R>(method: string, p: { runId: string; stationId: string }, read: (logs: StationLogs) => R): R | { refused: string } => {
    const logs = deps.logs?.(p.runId);
    let refused: string | undefined;
    let result: R | undefined;
    if (!logs || logs.runId !== p.runId) refused = "not the panel's run";
    else
      try {
        result = read(logs);
      } catch (e) {
        refused = e instanceof Error ? e.message : String(e);
      }
    if (refused === undefined) return result as R;
    deps.log?.warn(`refused a ${method} request from the panel (run ${p.runId}, station ${JSON.stringify(p.stationId)}): ${refused}`);
    return { refused };
  };
  const handlers: Handlers = {
    'packet/save': async (p) => Methods['packet/save'].result.parse(await deps.packets.save(p.file, p.value)),
    'packet/approve': async (p) => Methods['packet/approve'].result.parse(await deps.packets.approve(p.file)),
    'run/start': async (p) => Methods['run/start'].result.parse(await deps.startRun(p.file)),
    'run/push': async (p) => Methods['run/push'].result.parse(await deps.pushBranch(p.runId)),
    'diff/open': async (p) => Methods['diff/open'].result.parse(deps.review ? await deps.review.openDiff(p) : { opened: false, message: 'not available here' }),
    'review/verdict': async (p) => Methods['review/verdict'].result.parse(deps.review ? await deps.review.recordVerdict(p) : { recorded: false, message: 'not available here' }),
    'review/open': async (p) => {
      const r = Methods['review/open'].result.parse(deps.review ? await deps.review.openReview(p) : { opened: false, message: 'not available here' });
      if (!r.opened) deps.log?.warn(`refused to open reviewer mode from the panel (run ${p.runId}): ${r.message ?? 'not opened'}`);
      return r;
    },
    'log/range': async (p) => Methods['log/range'].result.parse(fromLog('log/range', p, (logs) => logs.lines(p.stationId).lines(p.from, p.count))),
    'log/search': async (p) => Methods['log/search'].result.parse(fromLog('log/search', p, (logs) => logs.lines(p.stationId).search(p.query, p.fromLine, p.direction))),
    'gate/decide': async (p) => {
      const r = Methods['gate/decide'].result.parse(await deps.decideGate(p));
      if (!r.accepted) deps.log?.warn(`refused a gate decision from the panel (${p.decision} at ${p.gateId}${p.runId ? `, run ${p.runId}` : ''}): ${r.problem ?? 'not accepted'}`);
      return r;
    },
  };
  return {
    handle: (request, token) => dispatch(handlers, request.method, request.params, token),
  };
}

function dispatch<M extends RequestMethod>(handlers: Handlers, method: M, params: ParamsOf<M>, token: vscode.CancellationToken): Promise<ResultOf<M>> {
  return handlers[method](params, token);
}
