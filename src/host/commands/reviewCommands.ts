import * as vscode from 'vscode';
import { basename, dirname } from 'node:path';
import { isRunId } from '../../adapters/store/run-folder';
import { listRuns } from '../../adapters/store/run-list';
import type { HostContext } from '../context';
import { ShopfloorPanel, type PanelServices } from '../panel/ShopfloorPanel';
import { loadReview } from '../review/review-loader';

/** A run folder picked by the user: `<repo>/.shopfloor/runs/<runId>`. */
function runOfFolder(dir: string): { repo: string; runId: string } | undefined {
  const runId = basename(dir);
  const runs = dirname(dir);
  const shopfloor = dirname(runs);
  if (!isRunId(runId) || basename(runs) !== 'runs' || basename(shopfloor) !== '.shopfloor') return undefined;
  return { repo: dirname(shopfloor), runId };
}

/**
 * Reviewer mode (issue 14): "Shopfloor: Review Evidence Bundle" opens a run's bundle in the
 * panel (a finished run of this workspace, or any run folder picked from disk), verified
 * first; "Next/Previous Evidence Section" step through it. The Runs view's "Open
 * Evidence" opens the same view for its run.
 */
export function registerReviewCommands(ctx: HostContext, services: PanelServices): vscode.Disposable[] {
  const open = async (repo: string, runId: string) => {
    const view = loadReview(repo, runId, 'review');
    services.state.setReview(view);
    ShopfloorPanel.show(ctx, services);
    ctx.log.info(`reviewer mode: run ${runId} (${view.trusted ? 'verified' : `NOT verified: ${view.problems.join('; ')}`})`);
  };
  const pickRun = async (): Promise<{ repo: string; runId: string } | undefined> => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const runs = folder ? listRuns(folder).filter((r) => r.status !== 'open') : [];
    const browse = { label: '$(folder-opened) Browse for a run folder…', runId: '' };
    const pick = await vscode.window.showQuickPick([...runs.map((r) => ({ label: r.id, description: `${r.blueprint ?? ''}${r.verified ? '' : '  (journal does not verify)'}`, runId: r.id })), browse], {
      placeHolder: runs.length ? 'Run whose evidence bundle to review' : 'No finished runs in this workspace: browse for a run folder',
    });
    if (!pick) return undefined;
    if (pick.runId && folder) return { repo: folder, runId: pick.runId };
    const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Review this run', title: 'A run folder (.shopfloor/runs/<run id>)' });
    const dir = chosen?.[0]?.fsPath;
    if (!dir) return undefined;
    const run = runOfFolder(dir);
    if (!run) void vscode.window.showErrorMessage(`Shopfloor: ${dir} is not a run folder (.shopfloor/runs/<run id>).`);
    return run;
  };
  return [
    vscode.commands.registerCommand('shopfloor.reviewEvidence', async (arg?: { runId?: string }) => {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      const run = arg?.runId && folder ? { repo: folder, runId: arg.runId } : await pickRun();
      if (run) await open(run.repo, run.runId);
    }),
    vscode.commands.registerCommand('shopfloor.reviewNextSection', () => ShopfloorPanel.instance?.step(1)),
    vscode.commands.registerCommand('shopfloor.reviewPreviousSection', () => ShopfloorPanel.instance?.step(-1)),
  ];
}
