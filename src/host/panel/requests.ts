import * as vscode from 'vscode';
import { Methods, type ParamsOf } from '../../contracts';
import type { PacketSession } from '../packet/packet-session';
import type { PanelRequestHandler } from './panel-state';

/** Starts a run from an approved packet file; provided by the run controller. */
export type RunStarter = (file: string) => Promise<{ started: boolean; message?: string }>;
/** Applies a human gate decision from the panel; provided by the run controller. */
export type GateDecider = (params: ParamsOf<'gate/decide'>) => Promise<{ accepted: boolean }>;

/**
 * Routes the panel's requests to the host services. Params were validated against the
 * protocol before they reach here; results are validated against the method's result
 * schema before they leave, so a host bug cannot send the webview an unexpected shape.
 */
/** Pushes a run's output branch; provided by the run controller. */
export type BranchPusher = (runId: string) => Promise<{ pushed: boolean; remote?: string; url?: string; message?: string }>;

export function panelRequests(deps: { packets: PacketSession; startRun: RunStarter; decideGate: GateDecider; pushBranch: BranchPusher }): PanelRequestHandler {
  return {
    async handle(method, params, _token: vscode.CancellationToken) {
      switch (method) {
        case 'packet/save': {
          const p = params as ParamsOf<'packet/save'>;
          return Methods['packet/save'].result.parse(await deps.packets.save(p.file, p.value));
        }
        case 'packet/approve': {
          const p = params as ParamsOf<'packet/approve'>;
          return Methods['packet/approve'].result.parse(await deps.packets.approve(p.file));
        }
        case 'run/start':
          return Methods['run/start'].result.parse(await deps.startRun((params as ParamsOf<'run/start'>).file));
        case 'run/push':
          return Methods['run/push'].result.parse(await deps.pushBranch((params as ParamsOf<'run/push'>).runId));
        case 'gate/decide':
          return Methods['gate/decide'].result.parse(await deps.decideGate(params as ParamsOf<'gate/decide'>));
        default:
          throw new Error(`no handler for ${method}`);
      }
    },
  };
}
