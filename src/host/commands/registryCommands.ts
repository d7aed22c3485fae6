import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { HostContext } from '../context';
import { adopt, adoptions, BlueprintRegistry, drift, forkInto, adoptionOf, registryLocation, update, UpdateConflictError, workspaceIdentity, type RegistryLocation } from '../../adapters/registry';
import { humanIdentity } from '../../adapters/git/identity';
import { listRuns } from '../../adapters/store/run-list';
import { syncRuns } from '../../app/registry-sync';
import { parseDocument } from '../../core/documents/load';
import { checkRegistryName, parseRegistryRef, type Proportion } from '../../core/registry';

/**
 * The registry's operations as editor commands (issue 13 item 7), the same as
 * `shopfloor registry ...`: publish, fork, adopt, update, drift, sync, promote, stats.
 * The registry is `shopfloor.registry.url` (a workspace value is ignored in restricted
 * mode: package.json restrictedConfigurations), else a bare repository in the extension's
 * global storage. Nothing runs in an untrusted workspace. Results go to the Shopfloor log.
 */
export function registryLocationOf(ctx: HostContext): RegistryLocation {
  const setting = vscode.workspace.getConfiguration('shopfloor').get<string>('registry.url') || undefined;
  return registryLocation({ setting, home: ctx.extension.globalStorageUri.fsPath, env: {} });
}

/** What a command takes from a Blueprints view node: a version's `name@version`, or a blueprint's name. */
interface TreeArg {
  ref?: string;
  name?: string;
}

function treeArg(arg: unknown): TreeArg | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const n = arg as { kind?: unknown; ref?: unknown; name?: unknown };
  if (n.kind === 'version' && typeof n.ref === 'string') return { ref: n.ref, name: String(n.name) };
  if (n.kind === 'blueprint' && typeof n.name === 'string') return { name: n.name };
  return undefined;
}

const pct = (p: Proportion) => (p.n ? `${(p.rate * 100).toFixed(0)}% [${(p.interval[0] * 100).toFixed(0)}–${(p.interval[1] * 100).toFixed(0)}] n=${p.n}` : 'n/a');

/**
 * Registers the registry commands; each shows its result and writes details to the log.
 * Invoked from the Blueprints view's context menu, a command gets the tree node
 * (src/app/blueprint-tree.ts: a version's `ref`, a blueprint's `name`) and asks for nothing
 * that node already names. `changed` runs after every command that finished (the view refreshes).
 */
export function registerRegistryCommands(ctx: HostContext, changed: () => void = () => undefined): vscode.Disposable[] {
  const folder = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const open = () => BlueprintRegistry.open(registryLocationOf(ctx));
  const askRef = (prompt: string) =>
    vscode.window.showInputBox({
      prompt,
      placeHolder: 'name@version, e.g. bugfix-team@1.2.0',
      validateInput: (v) => {
        try {
          parseRegistryRef(v);
          return undefined;
        } catch (e) {
          return (e as Error).message;
        }
      },
    });
  const command = (id: string, fn: (ws: string, node?: TreeArg) => Promise<string | undefined>) =>
    vscode.commands.registerCommand(id, async (arg?: unknown) => {
      const node = treeArg(arg);
      const ws = folder();
      if (!ws) return void vscode.window.showWarningMessage('Shopfloor: open a folder first.');
      if (!vscode.workspace.isTrusted) return void vscode.window.showWarningMessage('Shopfloor: this workspace is not trusted; the registry commands run nothing in restricted mode.');
      try {
        const msg = await fn(ws, node);
        if (msg) {
          ctx.log.info(`registry: ${msg}`);
          void vscode.window.showInformationMessage(`Shopfloor: ${msg.split('\n')[0]}`);
        }
      } catch (e) {
        ctx.log.error(`registry: ${(e as Error).message}`);
        if (e instanceof UpdateConflictError) void vscode.window.showTextDocument(vscode.Uri.file(e.conflictFile));
        void vscode.window.showErrorMessage(`Shopfloor: ${(e as Error).message.split('\n')[0]}`);
      } finally {
        changed();
      }
    });

  return [
    command('shopfloor.registry.publish', async (ws) => {
      const dir = join(ws, '.shopfloor', 'blueprints');
      const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.(json|ya?ml)$/.test(f)) : [];
      const file = await vscode.window.showQuickPick(files, { placeHolder: 'Blueprint to publish' });
      if (!file) return undefined;
      const bp = parseDocument('blueprint', file, readFileSync(join(dir, file), 'utf8'));
      const fork = adoptionOf(ws, bp.name);
      const r = await (await open()).publish(bp, { by: await humanIdentity(ws), workspace: workspaceIdentity(ws), ...(fork?.fork ? { forkOf: fork.source } : {}) });
      return `${r.pushed ? 'published' : 'already published'} ${r.record.name}@${r.record.version}`;
    }),
    command('shopfloor.registry.adopt', async (ws, node) => {
      const ref = node?.ref ?? (await askRef('Registry version to adopt into this workspace'));
      if (!ref) return undefined;
      const r = await adopt(await open(), ws, ref);
      return `adopted ${ref} as ${vscode.workspace.asRelativePath(r.file)}`;
    }),
    command('shopfloor.registry.fork', async (ws, node) => {
      const parent = node?.ref ?? (await askRef('Registry version to fork'));
      if (!parent) return undefined;
      const name = await vscode.window.showInputBox({ prompt: 'Name of the fork', validateInput: (v) => { try { checkRegistryName('name', v); return undefined; } catch (e) { return (e as Error).message; } } });
      if (!name) return undefined;
      const r = await forkInto(await open(), ws, parent, { name, by: await humanIdentity(ws), workspaceId: workspaceIdentity(ws) });
      return `forked ${parent} as ${name}@${r.blueprint.version} (published)`;
    }),
    command('shopfloor.registry.update', async (ws, node) => {
      const name = node?.name ?? await vscode.window.showQuickPick(adoptions(ws).map((a) => a.name), { placeHolder: 'Copy to bring to its parent\'s latest' });
      if (!name) return undefined;
      const r = await update(await open(), ws, name);
      return r.status === 'up-to-date' ? `${name} is up to date with ${r.source}` : `updated ${name}: ${r.from} -> ${r.to}`;
    }),
    command('shopfloor.registry.drift', async (ws) => {
      const d = await drift(await open(), ws);
      if (!d.length) return 'no adopted or forked blueprints in this workspace';
      ctx.log.show(true);
      return d.map((x) => `${x.name}: based on ${x.source}, latest ${x.latest ?? '?'}, ${x.versionsBehind} behind, ${x.differences.length} line(s) differ`).join('\n');
    }),
    command('shopfloor.registry.sync', async (ws) => {
      const ids = listRuns(ws).filter((r) => r.status === 'finished').map((r) => r.id);
      const r = await syncRuns(await open(), ws, ids);
      return `synced ${r.delivered} new record(s) (${r.verdicts} review verdict(s)), ${r.alreadyThere} already there, ${r.queued} queued${r.error ? ` (${r.error})` : ''}`;
    }),
    command('shopfloor.registry.promote', async (ws, node) => {
      const ref = node?.ref ?? (await askRef('Version to promote to production'));
      if (!ref) return undefined;
      const r = await (await open()).promote(ref, { by: await humanIdentity(ws) });
      return `promoted ${ref} to production${r.against ? ` (compared with ${r.against})` : ''}`;
    }),
    command('shopfloor.registry.stats', async (_ws, node) => {
      const s = await (await open()).stats();
      ctx.log.show(true);
      // From the Blueprints view: that blueprint's versions only.
      for (const v of s.versions.filter((x) => !node?.name || x.name === node.name))
        ctx.log.info(`registry stats ${v.name}@${v.version}: runs ${v.runs}, PR_READY ${v.terminal.PR_READY}, first-attempt validation ${pct(v.firstAttemptValidation)}, reviewer acceptance ${pct(v.reviewerAcceptance)}, median human minutes ${v.humanMinutes.n ? v.humanMinutes.median.toFixed(1) : 'n/a'}`);
      return `${s.versions.length} version(s) with outcomes; figures in the Shopfloor log`;
    }),
  ];
}
