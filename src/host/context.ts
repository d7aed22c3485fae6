import type * as vscode from 'vscode';

/**
 * What the host's commands and views share, built once in src/extension.ts (the
 * composition root) and passed explicitly: no global container.
 */
export interface HostContext {
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  /** Extension version from package.json, shown in the panel. */
  readonly version: string;
  /** Time activate() took, milliseconds, measured by the extension itself. */
  readonly activationMs: () => number;
}
