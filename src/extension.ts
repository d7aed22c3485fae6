import * as vscode from 'vscode';
import type { HostContext } from './host/context';
import { registerApprovePacket } from './host/commands/approvePacket';
import { registerDraftPacket } from './host/commands/draftPacket';
import { registerOpenPacket } from './host/commands/openPacket';
import { registerOpenPanel } from './host/commands/openPanel';
import { offerResume, registerRunCommands } from './host/commands/runCommands';
import { registerReviewCommands } from './host/commands/reviewCommands';
import { registerShowLog } from './host/commands/showLog';
import { registerSetModelApiKey } from './host/model-keys';
import { createLog } from './host/log';
import { PacketSession } from './host/packet/packet-session';
import { PanelState } from './host/panel/panel-state';
import { panelRequests } from './host/panel/requests';
import { PANEL_VIEW_TYPE, ShopfloorPanel, type PanelServices } from './host/panel/ShopfloorPanel';
import { RunController } from './host/run/run-controller';
import { reviewRequests } from './host/review/review-requests';
import { GitRevisionContent, openRunDiff, REVISION_SCHEME } from './host/review/run-diff';
import { humanIdentity } from './adapters/git/identity';
import { pushRunBranch } from './host/run/push-branch';
import { RunsTreeProvider } from './host/runs-view';
import { createStatusBar } from './host/status-bar';

/**
 * Composition root of the extension: builds the host context once and wires commands,
 * views and the panel. Activation events are Shopfloor's own commands, views, panel and
 * `.shopfloor` files only (package.json), never `*`.
 */
export function activate(context: vscode.ExtensionContext): { activationMs: number } {
  const started = performance.now();
  const log = createLog();
  let activationMs = 0;
  const ctx: HostContext = {
    extension: context,
    log,
    version: String((context.extension.packageJSON as { version?: string }).version ?? '0.0.0'),
    activationMs: () => activationMs,
  };
  const state = new PanelState();
  const packets = new PacketSession(state, log, context.workspaceState);
  const statusBar = createStatusBar();
  const controller = new RunController(ctx, state, statusBar);
  const runs = new RunsTreeProvider((id) => controller.activeRunId === id);
  const services: PanelServices = {
    state,
    requests: panelRequests({
      packets,
      startRun: (file) => controller.start(file),
      decideGate: (p) => controller.decideGate(p),
      pushBranch: (runId) => pushRunBranch(ctx, runId),
      review: reviewRequests({
        state,
        repo: () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
        who: (repo) => humanIdentity(repo),
        openDiff: (repo, runId, path, allowed) => openRunDiff(repo, runId, path, allowed),
      }),
      log,
    }),
  };
  context.subscriptions.push(
    log,
    state,
    registerOpenPanel(ctx, services),
    registerOpenPacket(ctx, services, packets),
    registerDraftPacket(ctx),
    registerApprovePacket(ctx, packets),
    registerShowLog(ctx),
    registerSetModelApiKey(ctx),
    vscode.window.registerTreeDataProvider('shopfloor.runs', runs),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => {
        ShopfloorPanel.revive(panel, ctx, services);
      },
    }),
    statusBar,
    controller,
    ...registerRunCommands(ctx, controller, runs),
    ...registerReviewCommands(ctx, services),
    vscode.workspace.registerTextDocumentContentProvider(REVISION_SCHEME, new GitRevisionContent()),
  );
  void offerResume(ctx, controller);
  activationMs = performance.now() - started;
  log.info(
    `Shopfloor ${ctx.version} activated in ${activationMs.toFixed(1)} ms ` +
      `(workspace ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted: restricted mode'})`,
  );
  return { activationMs };
}

export function deactivate(): void {
  // Disposables registered on context.subscriptions are released by VS Code.
}
