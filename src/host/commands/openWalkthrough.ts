import * as vscode from 'vscode';
import type { HostContext } from '../context';

/** The id of the first-use walkthrough in package.json `contributes.walkthroughs`. */
export const FIRST_RUN_WALKTHROUGH = 'shopfloor.firstRun';

/**
 * The argument `workbench.action.openWalkthrough` takes: `<publisher>.<name>#<walkthrough id>`,
 * from the extension's own package.json so a renamed publisher cannot leave a dead link.
 */
export function walkthroughRef(packageJSON: { publisher?: unknown; name?: unknown }): string {
  return `${String(packageJSON.publisher)}.${String(packageJSON.name)}#${FIRST_RUN_WALKTHROUGH}`;
}

/** "Shopfloor: Open Walkthrough": opens the first-use walkthrough (pick a seed, draft, approve, run, review). */
export function registerOpenWalkthrough(ctx: HostContext): vscode.Disposable {
  return vscode.commands.registerCommand('shopfloor.openWalkthrough', () =>
    vscode.commands.executeCommand('workbench.action.openWalkthrough', walkthroughRef(ctx.extension.extension.packageJSON as Record<string, unknown>), false),
  );
}
