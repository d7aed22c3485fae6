import * as vscode from 'vscode';
import { listRuns } from '../../adapters/store/run-list';
import type { HostContext } from '../context';
import type { RunController } from '../run/run-controller';
import type { RunItem, RunsTreeProvider } from '../runs-view';
import { packetUriOf } from '../packet/packet-arg';

/**
 * Run commands: "Start Run" (from an approved packet), "Resume Run" (an interrupted run,
 * from its journal), "Cancel Run", "Open Evidence" and "Refresh Runs".
 */
export function registerRunCommands(ctx: HostContext, runs: RunController, tree: RunsTreeProvider): vscode.Disposable[] {
  const report = (r: { started: boolean; message?: string }) => {
    if (!r.started) void vscode.window.showWarningMessage(`Shopfloor: the run did not start: ${r.message ?? 'unknown reason'}`);
  };
  return [
    vscode.commands.registerCommand('shopfloor.startRun', async (arg?: unknown) => {
      let target = packetUriOf(arg);
      if (!target) {
        const files = await vscode.workspace.findFiles('.shopfloor/packets/*.{json,yaml,yml}', undefined, 200);
        const pick = await vscode.window.showQuickPick(
          files.map((f) => ({ label: vscode.workspace.asRelativePath(f, false), uri: f })),
          { placeHolder: files.length ? 'Approved task packet to run' : 'No task packets yet: draft one with "Shopfloor: Draft Task Packet"' },
        );
        target = pick?.uri;
      }
      if (target) report(await runs.start(vscode.workspace.asRelativePath(target, false)));
    }),
    vscode.commands.registerCommand('shopfloor.resumeRun', async (item?: RunItem) => {
      let runId = item?.runId;
      if (!runId) {
        const folder = vscode.workspace.workspaceFolders?.[0];
        const open = folder ? listRuns(folder.uri.fsPath).filter((r) => r.status === 'open') : [];
        const pick = await vscode.window.showQuickPick(
          open.map((r) => ({ label: r.id, description: r.blueprint })),
          { placeHolder: open.length ? 'Interrupted run to resume' : 'No interrupted runs' },
        );
        runId = pick?.label;
      }
      if (runId) report(await runs.resume(runId));
    }),
    vscode.commands.registerCommand('shopfloor.cancelRun', () => {
      if (!runs.cancel()) void vscode.window.showInformationMessage('Shopfloor: no run in progress.');
    }),
    // The bundle opens in the panel's evidence view (verified first); the Markdown export stays in the run folder.
    vscode.commands.registerCommand('shopfloor.openEvidence', async (item?: RunItem) => {
      if (!item?.evidence) return;
      await vscode.commands.executeCommand('shopfloor.reviewEvidence', { runId: item.runId });
    }),
    vscode.commands.registerCommand('shopfloor.refreshRuns', () => tree.refresh()),
    runs.onDidChangeRuns(() => {
      tree.refresh();
      void vscode.commands.executeCommand('setContext', 'shopfloor.runActive', runs.isRunning);
      ctx.log.debug('runs changed');
    }),
  ];
}

/**
 * After a crash or reload, offers to resume runs whose journal has no terminal state.
 * Only in a trusted workspace, and only asks; nothing runs without the user's click.
 */
export async function offerResume(ctx: HostContext, runs: RunController): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || !vscode.workspace.isTrusted || runs.isRunning) return;
  const open = listRuns(folder.uri.fsPath).filter((r) => r.status === 'open' && runs.isOwnRun(r.id));
  if (!open.length) return;
  ctx.log.info(`interrupted runs: ${open.map((r) => r.id).join(', ')}`);
  const choice = await vscode.window.showInformationMessage(
    `Shopfloor: run ${open[0]!.id} was interrupted at its last completed step. Resume it?`,
    'Resume',
    'Not now',
  );
  if (choice === 'Resume') {
    const r = await runs.resume(open[0]!.id);
    if (!r.started) void vscode.window.showWarningMessage(`Shopfloor: could not resume: ${r.message}`);
  }
}
