import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HostContext } from './host/context';
import { createLog } from './host/log';
import { PANEL_VIEW_TYPE } from './host/panel/view-type';
import { createStatusBar } from './host/status-bar';
import type { HostWiring } from './host/wiring';

/**
 * Composition root of the extension. Activation events are Shopfloor's own commands,
 * views, panel and `.shopfloor` files only (package.json), never `*`; and activation does
 * no work that the first command does not need (issue 14 "Start-up cost"): it creates the
 * log and status bar and registers a stand-in for every contributed command, the Runs view
 * and the panel serializer. The host's services (src/host/wiring.ts: packets, runs, the
 * engine, git, Docker, zod's schemas) load on the first command, the first look at the Runs
 * view or a restored panel; each stand-in then hands its call to the real command.
 */
export function activate(context: vscode.ExtensionContext): { activationMs: number } {
  const started = performance.now();
  const log = createLog();
  let activationMs = 0;
  const ctx: HostContext = {
    extension: context,
    log,
    version: String((context.extension.packageJSON as { version?: string }).version ?? '0.0.0'),
    activationMs: () => activationMs,
  };
  const statusBar = createStatusBar();
  const commands = ((context.extension.packageJSON as { contributes?: { commands?: Array<{ command: string }> } }).contributes?.commands ?? []).map((c) => c.command);
  let stubs: vscode.Disposable[] = [];
  let loading: Promise<HostWiring> | undefined;
  let wired: HostWiring | undefined;
  const treeChanged = new vscode.EventEmitter<void>();
  const toolsChanged = new vscode.EventEmitter<void>();
  const blueprintsChanged = new vscode.EventEmitter<void>();
  const packetsChanged = new vscode.EventEmitter<void>();
  const load = (why: string): Promise<HostWiring> =>
    (loading ??= (async () => {
      const t = performance.now();
      // A require at the call, not an import at the top: the services load here, on first use (scripts/build.mjs ships them as dist/host.js).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { wireHost } = require('./host/wiring') as typeof import('./host/wiring');
      stubs.forEach((d) => d.dispose());
      stubs = [];
      const wiring = wireHost(ctx, statusBar);
      context.subscriptions.push(wiring, wiring.runs.onDidChangeTreeData(() => treeChanged.fire()), wiring.tools.onDidChangeTreeData(() => toolsChanged.fire()), wiring.blueprints.onDidChangeTreeData(() => blueprintsChanged.fire()), wiring.packets.onDidChangeTreeData(() => packetsChanged.fire()));
      wired = wiring;
      log.info(`Shopfloor services loaded in ${(performance.now() - t).toFixed(1)} ms (for ${why})`);
      return wiring;
    })());
  stubs = commands.map((id) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      await load(id);
      return vscode.commands.executeCommand(id, ...args);
    }),
  );
  context.subscriptions.push(
    log,
    statusBar,
    treeChanged,
    toolsChanged,
    blueprintsChanged,
    packetsChanged,
    { dispose: () => stubs.forEach((d) => d.dispose()) },
    // The four tree views (Runs, Packets, Tools, Blueprints) are registered here, not in src/host/wiring.ts, and all in the same way:
    // VS Code asks a visible view for its provider at once (a view without one says "There is no data provider"), so a
    // provider must exist at activation; these are stand-ins that load the host (dist/host.js) only on their first
    // getChildren and hand every call to the real provider wiring.ts builds. Registering them in wireHost would leave the
    // views empty until some command loaded the host, or load it at activation (test/unit/host/activation.test.ts forbids that).
    vscode.window.registerTreeDataProvider('shopfloor.runs', {
      onDidChangeTreeData: treeChanged.event,
      getTreeItem: (item: vscode.TreeItem) => item,
      getChildren: async (item?: vscode.TreeItem) => (await load('the Runs view')).runs.getChildren(item as Parameters<HostWiring['runs']['getChildren']>[0]),
    }),
    // The Tools view's elements are its own nodes: VS Code asks for their items only after getChildren (which loaded the services) returned them.
    vscode.window.registerTreeDataProvider<Parameters<HostWiring['tools']['getTreeItem']>[0]>('shopfloor.tools', {
      onDidChangeTreeData: toolsChanged.event,
      getTreeItem: (node) => wired!.tools.getTreeItem(node),
      getChildren: async (node) => (await load('the Tools view')).tools.getChildren(node),
    }),
    vscode.window.registerTreeDataProvider<Parameters<HostWiring['blueprints']['getTreeItem']>[0]>('shopfloor.blueprints', {
      onDidChangeTreeData: blueprintsChanged.event,
      getTreeItem: (node) => wired!.blueprints.getTreeItem(node),
      getChildren: async (node) => (await load('the Blueprints view')).blueprints.getChildren(node),
    }),
    vscode.window.registerTreeDataProvider('shopfloor.packets', {
      onDidChangeTreeData: packetsChanged.event,
      getTreeItem: (item: vscode.TreeItem) => item,
      getChildren: async (item?: vscode.TreeItem) => (await load('the Packets view')).packets.getChildren(item as Parameters<HostWiring['packets']['getChildren']>[0]),
    }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => (await load('a restored panel')).revive(panel),
    }),
  );
  // Runs a crash or reload interrupted are offered for resume after activation, and only where there are runs.
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder && existsSync(join(folder, '.shopfloor', 'runs'))) setTimeout(() => void load('the resume offer').then((w) => w.offerResume()), 0);
  activationMs = performance.now() - started;
  log.info(
    `Shopfloor ${ctx.version} activated in ${activationMs.toFixed(1)} ms ` +
      `(workspace ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted: restricted mode'})`,
  );
  return { activationMs };
}

export function deactivate(): void {
  // Disposables registered on context.subscriptions are released by VS Code.
}
