import * as vscode from 'vscode';
import type { HostContext } from '../context';
import type { PacketSession } from '../packet/packet-session';
import { packetUriOf } from '../packet/packet-arg';

/**
 * "Shopfloor: Approve Task Packet": the explicit approval gate from the editor. Approves
 * the packet file as stored on disk (a dirty editor must be saved first, so the human
 * approves exactly what the hash covers); records who and the content hash through the
 * packet session. Refused in an untrusted workspace.
 */
export function registerApprovePacket(ctx: HostContext, packets: PacketSession): vscode.Disposable {
  return vscode.commands.registerCommand('shopfloor.approvePacket', async (arg?: unknown) => {
    let target = packetUriOf(arg) ?? vscode.window.activeTextEditor?.document.uri;
    if (!target || !/\/\.shopfloor\/packets\/[^/]+\.(json|ya?ml)$/.test(target.path)) {
      const files = await vscode.workspace.findFiles('.shopfloor/packets/*.{json,yaml,yml}', undefined, 200);
      const pick = await vscode.window.showQuickPick(
        files.map((f) => ({ label: vscode.workspace.asRelativePath(f, false), uri: f })),
        { placeHolder: files.length ? 'Task packet to approve' : 'No task packets in .shopfloor/packets/' },
      );
      target = pick?.uri;
    }
    if (!target) return;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target!.toString());
    if (open?.isDirty) {
      void vscode.window.showWarningMessage('Shopfloor: save the packet first; approval covers the file as stored.');
      return;
    }
    const file = vscode.workspace.asRelativePath(target, false);
    const ok = await vscode.window.showWarningMessage(`Approve ${file}? Shopfloor records you and the packet's content hash; any later edit withdraws the approval.`, { modal: true }, 'Approve');
    if (ok !== 'Approve') return;
    try {
      const r = await packets.approve(file);
      if (r.approved) void vscode.window.showInformationMessage(`Shopfloor: ${file} approved.`);
      else void vscode.window.showErrorMessage(`Shopfloor: not approved: ${r.message ?? 'unknown reason'}`);
    } catch (e) {
      ctx.log.error(e instanceof Error ? e : String(e));
      void vscode.window.showErrorMessage(`Shopfloor: ${(e as Error).message}`);
    }
  });
}
