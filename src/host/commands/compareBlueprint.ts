import * as vscode from 'vscode';
import { BlueprintRegistry } from '../../adapters/registry';
import { comparableNames } from '../../app/blueprint-comparison';
import type { HostContext } from '../context';
import type { LiveComparison } from '../panel/comparison-live';
import { ShopfloorPanel, type PanelServices } from '../panel/ShopfloorPanel';
import { registryLocationOf } from './registryCommands';

/** The blueprint name a Blueprints view node names (a blueprint's `name`, a version's `name`), if any. */
function nameOf(arg: unknown): string | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const n = arg as { kind?: unknown; name?: unknown };
  return (n.kind === 'blueprint' || n.kind === 'version') && typeof n.name === 'string' ? n.name : undefined;
}

/**
 * "Shopfloor: Registry: Compare Blueprint with Parent and Forks" (issue 13): opens the panel
 * on the comparison view of a blueprint (src/app/blueprint-comparison.ts). From the
 * Blueprints view it compares the node's blueprint; from the command palette it asks which.
 * Nothing is read from the registry in an untrusted workspace (its URL setting is not
 * trusted there). An unreachable registry opens the view with the problem shown. Run again
 * while the panel is open, it reveals the panel and re-reads the figures in place; while
 * shown, `live` keeps them current.
 */
export function registerCompareBlueprint(ctx: HostContext, services: PanelServices, live: LiveComparison): vscode.Disposable {
  return vscode.commands.registerCommand('shopfloor.compareBlueprint', async (arg?: unknown) => {
    if (!vscode.workspace.isTrusted) return void vscode.window.showWarningMessage('Shopfloor: this workspace is not trusted; the registry is not read in restricted mode.');
    let name = nameOf(arg);
    if (!name) {
      const registry = await BlueprintRegistry.open(registryLocationOf(ctx));
      let names: string[];
      try {
        names = await comparableNames(registry);
      } catch (e) {
        ctx.log.error(`registry: ${(e as Error).message}`);
        return void vscode.window.showErrorMessage(`Shopfloor: ${(e as Error).message.split('\n')[0]}`);
      }
      if (!names.length) return void vscode.window.showInformationMessage('Shopfloor: the registry holds no blueprints yet.');
      name = await vscode.window.showQuickPick(names, { placeHolder: 'Blueprint to compare with its parent and forks' });
      if (!name) return;
    }
    const view = await live.open(name);
    if (view.problem) ctx.log.warn(`registry: comparison of ${name}: ${view.problem}`);
    else ctx.log.info(`registry: comparison of ${name}: ${view.versions.length} version(s), ${view.pairs.length} fork pair(s)`);
    ShopfloorPanel.show(ctx, services);
  });
}
