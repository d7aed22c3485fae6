import * as vscode from 'vscode';

/**
 * The status bar item: Shopfloor's state at a glance; a click opens the panel.
 * Shows restricted mode in an untrusted workspace, since nothing runs there.
 */
export function createStatusBar(): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('shopfloor.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Shopfloor';
  item.command = 'shopfloor.openPanel';
  const render = () => {
    const trusted = vscode.workspace.isTrusted;
    item.text = trusted ? '$(tools) Shopfloor' : '$(shield) Shopfloor (restricted)';
    item.tooltip = trusted
      ? 'Shopfloor: no run in progress. Click to open the panel.'
      : 'Shopfloor runs nothing from an untrusted workspace. Click to open the panel.';
  };
  render();
  vscode.workspace.onDidGrantWorkspaceTrust(render);
  item.show();
  return item;
}
