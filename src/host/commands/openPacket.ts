import * as vscode from 'vscode';
import type { HostContext } from '../context';
import type { PacketSession } from '../packet/packet-session';
import { ShopfloorPanel, type PanelServices } from '../panel/ShopfloorPanel';
import { packetUriOf } from '../packet/packet-arg';

/**
 * "Shopfloor: Open Task Packet": shows a packet from `.shopfloor/packets/` in the panel's
 * form: the given URI (explorer context menu) or Packets view row, the active editor's file,
 * or a quick pick.
 */
export function registerOpenPacket(ctx: HostContext, services: PanelServices, packets: PacketSession): vscode.Disposable {
  return vscode.commands.registerCommand('shopfloor.openPacket', async (arg?: unknown) => {
    let target = packetUriOf(arg) ?? activePacket();
    if (!target) {
      const files = await vscode.workspace.findFiles('.shopfloor/packets/*.{json,yaml,yml}', undefined, 200);
      if (!files.length) {
        void vscode.window.showInformationMessage('No task packets yet. Draft one with "Shopfloor: Draft Task Packet".');
        return;
      }
      const pick = await vscode.window.showQuickPick(
        files.map((f) => ({ label: vscode.workspace.asRelativePath(f, false), uri: f })),
        { placeHolder: 'Task packet to open in the Shopfloor panel' },
      );
      target = pick?.uri;
    }
    if (!target) return;
    try {
      await packets.open(target);
      ShopfloorPanel.show(ctx, services);
    } catch (e) {
      ctx.log.error(e instanceof Error ? e : String(e));
      void vscode.window.showErrorMessage(`Shopfloor: ${(e as Error).message}`, 'Show Log').then((a) => a && ctx.log.show());
    }
  });
}

function activePacket(): vscode.Uri | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri && /\/\.shopfloor\/packets\/[^/]+\.(json|ya?ml)$/.test(uri.path) ? uri : undefined;
}
