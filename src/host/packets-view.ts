import * as vscode from 'vscode';
import { listPackets } from '../adapters/store/packet-list';
import { packetRows, type PacketRow } from '../app/packet-tree';

/** A packet file in the Packets view. `uri` is what Open, Approve and Start Run receive from the view. */
export class PacketItem extends vscode.TreeItem {
  readonly uri: vscode.Uri;

  constructor(readonly row: PacketRow) {
    super(row.label, vscode.TreeItemCollapsibleState.None);
    this.uri = vscode.Uri.file(row.file);
    this.resourceUri = this.uri;
    this.description = row.description;
    this.contextValue = row.contextValue;
    this.iconPath = new vscode.ThemeIcon(row.icon);
    this.tooltip = new vscode.MarkdownString(row.tooltip);
    // A click opens the packet in the panel's form; an invalid file opens as text, where the bad field can be fixed.
    this.command =
      row.state === 'invalid'
        ? { command: 'vscode.open', title: 'Open File', arguments: [this.uri] }
        : { command: 'shopfloor.openPacket', title: 'Open Task Packet', arguments: [this.uri] };
  }
}

/**
 * The "Packets" tree: one row per file under `.shopfloor/packets/` of the open folder
 * (adapters/store/packet-list.ts reads them, src/app/packet-tree.ts builds the rows): a
 * draft, an approved packet (Start Run inline), a stale approval (approve again) or an
 * invalid file with the path of its bad field. Empty without a folder, so the view's
 * welcome content shows.
 */
export class PacketsTreeProvider implements vscode.TreeDataProvider<PacketItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  getTreeItem(item: PacketItem): vscode.TreeItem {
    return item;
  }

  getChildren(element?: PacketItem): PacketItem[] {
    if (element) return [];
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') return [];
    return packetRows(listPackets(folder.uri.fsPath)).map((r) => new PacketItem(r));
  }

  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
