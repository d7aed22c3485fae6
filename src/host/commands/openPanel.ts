import * as vscode from 'vscode';
import type { HostContext } from '../context';
import { ShopfloorPanel } from '../panel/ShopfloorPanel';

/** "Shopfloor: Open Panel": shows the panel where runs, gates and evidence appear. */
export function registerOpenPanel(ctx: HostContext): vscode.Disposable {
  return vscode.commands.registerCommand('shopfloor.openPanel', () => {
    ShopfloorPanel.show(ctx);
  });
}
