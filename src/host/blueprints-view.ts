import * as vscode from 'vscode';
import { BlueprintRegistry, type RegistryLocation } from '../adapters/registry';
import { driftBadge, loadBlueprintTree, type BlueprintTreeNode } from '../app/blueprint-tree';

type Node = BlueprintTreeNode | { kind: 'problem'; message: string };

/**
 * The "Blueprints" tree (issue 13): the registry's blueprints by tier, their versions and
 * channels, and a drift badge on this workspace's copies (src/app/blueprint-tree.ts holds
 * the logic). Loaded (a registry pull) when the root is expanded and on refresh; an
 * unreachable registry shows one problem row instead of failing. Items carry a
 * `contextValue` the menus in package.json match: `registry.version.candidate`,
 * `registry.version.production`, `registry.blueprint` and `registry.blueprint.copy`.
 */
export class BlueprintsTreeProvider implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly location: () => RegistryLocation) {}

  getTreeItem(n: Node): vscode.TreeItem {
    const S = vscode.TreeItemCollapsibleState;
    if (n.kind === 'problem') {
      const item = new vscode.TreeItem(n.message, S.None);
      item.iconPath = new vscode.ThemeIcon('warning');
      return item;
    }
    if (n.kind === 'tier') {
      const item = new vscode.TreeItem(n.tier, n.blueprints.length ? S.Expanded : S.None);
      item.description = n.blueprints.length ? `${n.blueprints.length} blueprint(s)` : 'none';
      item.iconPath = new vscode.ThemeIcon('layers');
      return item;
    }
    if (n.kind === 'blueprint') {
      const item = new vscode.TreeItem(n.name, S.Collapsed);
      const badge = driftBadge(n);
      item.description = [n.latest ? `latest ${n.latest}` : 'all yanked', n.production ? `production ${n.production}` : undefined, badge].filter(Boolean).join(' · ');
      item.iconPath = new vscode.ThemeIcon(n.copy ? (n.copy.versionsBehind ? 'warning' : 'repo-forked') : 'package');
      item.contextValue = n.copy ? 'registry.blueprint.copy' : 'registry.blueprint';
      item.tooltip = `${n.name} (${n.tier} tier): ${n.versions.length} version(s)${badge ? `; this workspace: ${badge}` : ''}`;
      return item;
    }
    const item = new vscode.TreeItem(n.version, S.None);
    item.description = [n.channel, n.forkOf ? `fork of ${n.forkOf}` : undefined, n.yanked ? `yanked: ${n.yanked}` : undefined].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(n.yanked ? 'circle-slash' : n.channel === 'production' ? 'verified' : 'beaker');
    item.contextValue = n.yanked ? 'registry.version.yanked' : `registry.version.${n.channel}`;
    item.tooltip = n.ref;
    return item;
  }

  async getChildren(n?: Node): Promise<Node[]> {
    if (n) return n.kind === 'tier' ? n.blueprints : n.kind === 'blueprint' ? n.versions : [];
    if (!vscode.workspace.isTrusted) return [{ kind: 'problem', message: 'The registry is not read in an untrusted workspace.' }];
    try {
      return await loadBlueprintTree(await BlueprintRegistry.open(this.location()), vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
    } catch (e) {
      return [{ kind: 'problem', message: `Registry not readable: ${(e as Error).message.split('\n')[0]}` }];
    }
  }

  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
