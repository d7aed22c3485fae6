import type * as vscode from 'vscode';

/**
 * The packet file a command was invoked on: a Uri (explorer, editor title, a link), or a
 * row of the Packets view (VS Code passes the tree element itself to view/item menus, not
 * its resourceUri). Undefined for anything else, so the command asks with a quick pick.
 */
export function packetUriOf(arg: unknown): vscode.Uri | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  if ('uri' in arg && isUri((arg as { uri: unknown }).uri)) return (arg as { uri: vscode.Uri }).uri;
  return isUri(arg) ? arg : undefined;
}

// Duck-typed rather than instanceof vscode.Uri: a Uri that crossed a command boundary may be a revived plain object.
function isUri(v: unknown): v is vscode.Uri {
  return !!v && typeof v === 'object' && typeof (v as { scheme?: unknown }).scheme === 'string' && typeof (v as { path?: unknown }).path === 'string';
}
