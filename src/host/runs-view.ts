import * as vscode from 'vscode';

/**
 * The "Runs" tree in Shopfloor's activity bar container. Empty until runs exist, so the
 * view's welcome content (package.json `viewsWelcome`) offers the first actions.
 */
export class RunsTreeProvider implements vscode.TreeDataProvider<vscode.TreeItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  getTreeItem(item: vscode.TreeItem): vscode.TreeItem {
    return item;
  }

  getChildren(): vscode.TreeItem[] {
    return [];
  }

  refresh(): void {
    this.changed.fire();
  }
}
