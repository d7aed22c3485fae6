import * as vscode from 'vscode';
import { listRuns } from '../adapters/store/run-list';
import { runFolder } from '../adapters/store/run-folder';
import { RUN_LAYOUT } from '../core/run/layout';

const ICON: Record<string, string> = { PR_READY: 'pass', NO_OP: 'circle-slash', ESCALATE: 'warning', RETRYABLE_FAILURE: 'error' };

/** A run in the Runs view. `contextValue` is `run-finished` or `run-open` (a run with no terminal state: resumable). */
export class RunItem extends vscode.TreeItem {
  constructor(
    readonly runId: string,
    readonly evidence: string | undefined,
    label: string,
    description: string,
    finished: boolean,
    icon: string,
  ) {
    super(label, vscode.TreeItemCollapsibleState.None);
    this.description = description;
    this.contextValue = finished ? 'run-finished' : 'run-open';
    this.iconPath = new vscode.ThemeIcon(icon);
    this.tooltip = `${label}\n${description}`;
    if (evidence) this.command = { command: 'shopfloor.openEvidence', title: 'Open Evidence', arguments: [this] };
  }
}

/**
 * The "Runs" tree: the runs of the open repository, newest first, read from their
 * journals (`.shopfloor/runs/*`). Finished runs open their evidence; open ones (killed or
 * in progress) can be resumed.
 */
export class RunsTreeProvider implements vscode.TreeDataProvider<RunItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly isRunning: (runId: string) => boolean) {}

  getTreeItem(item: RunItem): vscode.TreeItem {
    return item;
  }

  getChildren(): RunItem[] {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return [];
    return listRuns(folder.uri.fsPath).map((r) => {
      const evidence = runFolder(folder.uri.fsPath, r.id).path(RUN_LAYOUT.evidenceMd);
      const finished = r.status === 'finished';
      const label = `${r.id}${r.blueprint ? ` · ${r.blueprint}` : ''}`;
      const state = r.terminal ? `${r.terminal.state} (${r.terminal.reason})` : this.isRunning(r.id) ? 'running' : 'interrupted: resumable';
      const verified = r.verified ? '' : ' · journal does not verify';
      return new RunItem(r.id, finished ? evidence : undefined, label, `${state}${verified}`, finished, r.terminal ? (ICON[r.terminal.state] ?? 'circle') : this.isRunning(r.id) ? 'sync~spin' : 'debug-pause');
    });
  }

  refresh(): void {
    this.changed.fire();
  }
}
