import * as vscode from 'vscode';
import type { HostContext } from '../context';

/** "Shopfloor: Show Log": reveals the Shopfloor output channel. */
export function registerShowLog(ctx: HostContext): vscode.Disposable {
  return vscode.commands.registerCommand('shopfloor.showLog', () => ctx.log.show());
}
