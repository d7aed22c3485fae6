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

/** A group of runs in the Runs view: one per state, in the order a person acts on them. */
export class RunGroup extends vscode.TreeItem {
  constructor(
    readonly key: string,
    label: string,
    readonly runs: RunItem[],
    icon: string,
  ) {
    super(label, vscode.TreeItemCollapsibleState.Expanded);
    this.description = String(runs.length);
    this.contextValue = 'run-group';
    this.iconPath = new vscode.ThemeIcon(icon);
  }
}

/** The groups, in order: what needs a person first (a waiting gate, a resumable run), then the terminal states. */
const GROUPS: ReadonlyArray<{ key: string; label: string; icon: string }> = [
  { key: 'running', label: 'Running', icon: 'sync' },
  { key: 'open', label: 'Interrupted (resumable)', icon: 'debug-pause' },
  { key: 'PR_READY', label: 'PR_READY', icon: ICON.PR_READY! },
  { key: 'ESCALATE', label: 'ESCALATE', icon: ICON.ESCALATE! },
  { key: 'RETRYABLE_FAILURE', label: 'RETRYABLE_FAILURE', icon: ICON.RETRYABLE_FAILURE! },
  { key: 'NO_OP', label: 'NO_OP', icon: ICON.NO_OP! },
];

/**
 * The "Runs" tree: the runs of the open repository grouped by state (running, with the
 * gate it waits at; interrupted and resumable; then each terminal state, with its icon),
 * newest first within a group, read from their journals (`.shopfloor/runs/*`). Finished
 * runs open their evidence; open ones can be resumed.
 */
export class RunsTreeProvider implements vscode.TreeDataProvider<RunItem | RunGroup> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly isRunning: (runId: string) => boolean,
    /** The gate the running run waits at, e.g. "gate after implement"; undefined when none waits. */
    private readonly waitingGate: () => string | undefined = () => undefined,
  ) {}

  getTreeItem(item: RunItem | RunGroup): vscode.TreeItem {
    return item;
  }

  getChildren(element?: RunItem | RunGroup): Array<RunItem | RunGroup> {
    if (element instanceof RunGroup) return element.runs;
    if (element) return [];
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return [];
    const byGroup = new Map<string, RunItem[]>();
    for (const r of listRuns(folder.uri.fsPath)) {
      const evidence = runFolder(folder.uri.fsPath, r.id).path(RUN_LAYOUT.evidenceMd);
      const finished = r.status === 'finished';
      const running = !r.terminal && this.isRunning(r.id);
      const label = `${r.id}${r.blueprint ? ` · ${r.blueprint}` : ''}`;
      const gate = running ? this.waitingGate() : undefined;
      const state = r.terminal ? `${r.terminal.state} (${r.terminal.reason})` : running ? (gate ? `waiting at ${gate}` : 'running') : 'interrupted: resumable';
      const verified = r.verified ? '' : ' · journal does not verify';
      const item = new RunItem(r.id, finished ? evidence : undefined, label, `${state}${verified}`, finished, r.terminal ? (ICON[r.terminal.state] ?? 'circle') : running ? (gate ? 'debug-pause' : 'sync~spin') : 'debug-pause');
      const key = r.terminal?.state ?? (running ? 'running' : 'open');
      byGroup.set(key, [...(byGroup.get(key) ?? []), item]);
    }
    return GROUPS.filter((g) => byGroup.has(g.key)).map((g) => new RunGroup(g.key, g.label, byGroup.get(g.key)!, g.icon));
  }

  refresh(): void {
    this.changed.fire();
  }
}
