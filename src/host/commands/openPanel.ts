import * as vscode from 'vscode';
import type { HostContext } from '../context';
import { ShopfloorPanel, type PanelServices } from '../panel/ShopfloorPanel';

/** "Shopfloor: Open Panel": shows the panel where packets, runs, gates and evidence appear. */
export function registerOpenPanel(ctx: HostContext, services: PanelServices): vscode.Disposable {
  return vscode.commands.registerCommand('shopfloor.openPanel', () => {
    ShopfloorPanel.show(ctx, services);
  });
}
