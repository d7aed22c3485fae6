import * as vscode from 'vscode';
import type { HostContext } from './context';
import { registerApprovePacket } from './commands/approvePacket';
import { registerDraftPacket } from './commands/draftPacket';
import { registerOpenPacket } from './commands/openPacket';
import { registerOpenPanel } from './commands/openPanel';
import { registerCompareBlueprint } from './commands/compareBlueprint';
import { registerReviewCommands } from './commands/reviewCommands';
import { offerResume, registerRunCommands } from './commands/runCommands';
import { registerShowLog } from './commands/showLog';
import { registerOpenWalkthrough } from './commands/openWalkthrough';
import { registerSetModelApiKey } from './model-keys';
import { PacketSession } from './packet/packet-session';
import { PanelState } from './panel/panel-state';
import { panelRequests, shownRunLogs } from './panel/requests';
import { ShopfloorPanel, type PanelServices } from './panel/ShopfloorPanel';
import { LiveComparison } from './panel/comparison-live';
import { RunController } from './run/run-controller';
import { pushRunBranch } from './run/push-branch';
import { reviewRequests } from './review/review-requests';
import { GitRevisionContent, openRunDiff, REVISION_SCHEME } from './review/run-diff';
import { RunsTreeProvider } from './runs-view';
import { ToolsTreeProvider } from './tools-view';
import { registerRegistryCommands, registryLocationOf } from './commands/registryCommands';
import { BlueprintsTreeProvider } from './blueprints-view';
import { PacketsTreeProvider } from './packets-view';
import { humanIdentity } from '../adapters/git/identity';
import { runFolder } from '../adapters/store/run-folder';
import { registryVerdictSync } from '../app/registry-sync';
import { asLogger } from './log';

/** The extension's services once loaded: what the thin activate() hands calls on to. */
export interface HostWiring extends vscode.Disposable {
  runs: RunsTreeProvider;
  tools: ToolsTreeProvider;
  blueprints: BlueprintsTreeProvider;
  packets: PacketsTreeProvider;
  services: PanelServices;
  /** Re-attaches a panel VS Code restored after a reload. */
  revive(panel: vscode.WebviewPanel): void;
  /** Offers to resume runs a crash or reload interrupted. */
  offerResume(): Promise<void>;
}

/**
 * Builds the host's services and registers every command (src/extension.ts loads this on
 * the first command, the first look at the Runs view or a restored panel, not at
 * activation): the packet session, the run controller, the panel's request handlers, the
 * reviewer mode and the data of the Runs, Packets, Tools and Blueprints views.
 */
export function wireHost(ctx: HostContext, statusBar: vscode.StatusBarItem): HostWiring {
  const log = ctx.log;
  const state = new PanelState();
  const packets = new PacketSession(state, log, ctx.extension.workspaceState);
  // The comparison view follows the registry while shown: every registry write the host makes refreshes it.
  const live = new LiveComparison(ctx, state);
  const registryChanged = () => void live.refresh();
  const controller = new RunController(ctx, state, statusBar, undefined, undefined, registryChanged);
  const runs = new RunsTreeProvider(
    (id) => controller.activeRunId === id,
    () => (state.run?.openGate ? `gate ${state.run.openGate.position} ${state.run.openGate.stationId}` : undefined),
  );
  // The Runs view shows the gate a run waits at: refresh it when the panel's run changes (a gate opens or closes).
  let lastGate: string | undefined;
  const gateWatch = state.onDidChange(() => {
    const g = state.run?.openGate?.gateId;
    if (g !== lastGate) {
      lastGate = g;
      runs.refresh();
    }
  });
  const tools = new ToolsTreeProvider();
  const blueprints = new BlueprintsTreeProvider(() => registryLocationOf(ctx));
  // The drift badges follow this workspace's adoption records, whoever writes them (a command here or the CLI).
  const adoptedWatch = vscode.workspace.createFileSystemWatcher('**/.shopfloor/registry/adopted/*.json');
  const adoptedChanged = [adoptedWatch.onDidCreate(() => blueprints.refresh()), adoptedWatch.onDidChange(() => blueprints.refresh()), adoptedWatch.onDidDelete(() => blueprints.refresh())];
  const packetsView = new PacketsTreeProvider();
  // The Packets view follows the files, whoever writes them: a draft, an approval, an edit in the editor or the CLI.
  const packetsWatch = vscode.workspace.createFileSystemWatcher('**/.shopfloor/packets/*.{json,yaml,yml}');
  const packetsChanged = [packetsWatch.onDidCreate(() => packetsView.refresh()), packetsWatch.onDidChange(() => packetsView.refresh()), packetsWatch.onDidDelete(() => packetsView.refresh())];
  const services: PanelServices = {
    state,
    refreshComparison: registryChanged,
    requests: panelRequests({
      packets,
      startRun: (file) => controller.start(file),
      decideGate: (p) => controller.decideGate(p),
      pushBranch: (runId) => pushRunBranch(ctx, runId),
      logs: shownRunLogs(
        () => controller.stationLogs,
        () => {
          const repo = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
          return state.review && repo ? { runId: state.review.runId, dir: runFolder(repo, state.review.runId).dir } : undefined;
        },
      ),
      review: reviewRequests({
        state,
        repo: () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
        who: (repo) => humanIdentity(repo),
        openDiff: (repo, runId, path, allowed) => openRunDiff(repo, runId, path, allowed),
        openReview: async (_repo, runId) => void (await vscode.commands.executeCommand('shopfloor.reviewEvidence', { runId })),
        // The same switch as a finished run's outcome; nothing registry-bound happens in restricted mode (the registry commands refuse there too).
        syncVerdict: async (repo, runId) =>
          vscode.workspace.isTrusted && vscode.workspace.getConfiguration('shopfloor').get<boolean>('registry.syncOutcomes', true)
            ? registryVerdictSync({ location: registryLocationOf(ctx), logger: asLogger(log) })(runFolder(repo, runId)).then(registryChanged)
            : Promise.resolve(),
      }),
      log,
    }),
  };
  const disposables: vscode.Disposable[] = [
    state,
    gateWatch,
    registerOpenPanel(ctx, services),
    live,
    registerCompareBlueprint(ctx, services, live),
    registerOpenPacket(ctx, services, packets),
    registerDraftPacket(ctx),
    registerApprovePacket(ctx, packets),
    registerShowLog(ctx),
    registerOpenWalkthrough(ctx),
    ...registerRegistryCommands(ctx, () => {
      blueprints.refresh();
      registryChanged();
    }),
    blueprints,
    adoptedWatch,
    ...adoptedChanged,
    vscode.commands.registerCommand('shopfloor.refreshBlueprints', () => blueprints.refresh()),
    packetsView,
    packetsWatch,
    ...packetsChanged,
    vscode.commands.registerCommand('shopfloor.refreshPackets', () => packetsView.refresh()),
    registerSetModelApiKey(ctx),
    vscode.commands.registerCommand('shopfloor.refreshTools', () => tools.refresh()),
    controller,
    ...registerRunCommands(ctx, controller, runs),
    ...registerReviewCommands(ctx, services),
    vscode.workspace.registerTextDocumentContentProvider(REVISION_SCHEME, new GitRevisionContent()),
  ];
  return {
    runs,
    tools,
    blueprints,
    packets: packetsView,
    services,
    revive: (panel) => void ShopfloorPanel.revive(panel, ctx, services),
    offerResume: () => offerResume(ctx, controller),
    dispose: () => disposables.splice(0).forEach((d) => d.dispose()),
  };
}
