import * as vscode from 'vscode';
import { toolReport } from '../adapters/mcp/tool-report';

type Node = { kind: 'group'; label: string; children: Node[]; icon: string; description?: string; tooltip?: string } | { kind: 'leaf'; label: string; description?: string; tooltip?: string; icon: string };

const DECISION_ICON: Record<string, string> = { allowed: 'pass', denied: 'circle-slash', queued: 'clock', executed: 'run-all', discarded: 'trash' };

/**
 * The "Tools" tree (issue 12): the tools each task packet allows, with the hash each team
 * tool was pinned at when the packet was approved, and the calls each run made through
 * its MCP gateway, with the gateway's decision and reason (from the run's verified audit
 * log: digests only, never arguments). Read on expand and on refresh.
 */
export class ToolsTreeProvider implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  getTreeItem(n: Node): vscode.TreeItem {
    const item = new vscode.TreeItem(n.label, n.kind === 'group' ? (n.children.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None) : vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon(n.icon);
    if (n.description) item.description = n.description;
    if (n.tooltip) item.tooltip = n.tooltip;
    return item;
  }

  getChildren(n?: Node): Node[] {
    if (n) return n.kind === 'group' ? n.children : [];
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return [];
    const r = toolReport(folder.uri.fsPath);
    const packets: Node[] = r.packets.map((p) => ({
      kind: 'group',
      label: vscode.workspace.asRelativePath(p.file, false),
      icon: p.problem ? 'warning' : 'checklist',
      ...(p.problem ? { description: p.problem } : { description: `${p.tools.length} allowed` }),
      children: p.tools.map((t) => ({ kind: 'leaf', label: t.name, icon: t.pin ? 'lock' : 'tools', description: t.pin ? `pinned ${t.pin.slice(0, 12)}` : t.name.includes('__') ? 'not pinned' : 'factory tool', ...(t.pin ? { tooltip: `SHA-256 of the definition approved with the packet: ${t.pin}` } : {}) })),
    }));
    const runs: Node[] = r.runs.map((run) => ({
      kind: 'group',
      label: run.runId,
      icon: run.problem ? 'warning' : 'history',
      description: run.problem ? `audit log does not verify: ${run.problem}` : `${run.calls.length} call(s)`,
      children: run.calls.map((c) => ({
        kind: 'leaf',
        label: c.server === 'shopfloor' ? c.tool : `${c.server}__${c.tool}`,
        icon: DECISION_ICON[c.decision] ?? 'circle',
        description: `${c.decision} · ${c.stationId}${c.reason ? ` · ${c.reason}` : ''}`,
        tooltip: `${c.at} ${c.agent} for ${c.delegatedBy}: ${c.decision}${c.reason ? ` (${c.reason})` : ''}; ${c.durationMs} ms; arguments sha256 ${c.argsSha256}${c.resultSha256 ? `; result sha256 ${c.resultSha256}` : ''}`,
      })),
    }));
    return [
      { kind: 'group', label: 'Packets', icon: 'checklist', children: packets, description: packets.length ? undefined : 'none' },
      { kind: 'group', label: 'Runs', icon: 'history', children: runs, description: runs.length ? undefined : 'no tool calls yet' },
    ];
  }

  refresh(): void {
    this.changed.fire();
  }
}
