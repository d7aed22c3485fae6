import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installVscodeStub, memoryLog, MemoryMemento, MemorySecrets } from '../../support/vscode-stub';

const stub = installVscodeStub() as unknown as Record<string, Record<string, unknown>>;
const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { commands: Array<{ command: string }> } };

describe('extension activation does no work the first command does not need (issue 14 "Start-up cost")', () => {
  const saved: Array<[Record<string, unknown>, string, unknown]> = [];
  const patch = (o: Record<string, unknown>, k: string, v: unknown) => {
    saved.push([o, k, o[k]]);
    o[k] = v;
  };
  const registered = new Map<string, Array<(...a: unknown[]) => unknown>>();
  const executed: string[] = [];
  const log = memoryLog();
  const disposable = { dispose: () => undefined };
  before(() => {
    patch(stub.commands!, 'registerCommand', (id: string, fn: (...a: unknown[]) => unknown) => {
      registered.set(id, [...(registered.get(id) ?? []), fn]);
      return { dispose: () => registered.set(id, (registered.get(id) ?? []).filter((f) => f !== fn)) };
    });
    patch(stub.commands!, 'executeCommand', async (id: string, ...args: unknown[]) => {
      executed.push(id);
      return registered.get(id)?.at(-1)?.(...args);
    });
    patch(stub.window!, 'createOutputChannel', () => log);
    patch(stub.window!, 'createStatusBarItem', () => ({ show: () => undefined, dispose: () => undefined }));
    patch(stub.window!, 'registerTreeDataProvider', () => disposable);
    patch(stub.window!, 'registerWebviewPanelSerializer', () => disposable);
    patch(stub.workspace!, 'onDidGrantWorkspaceTrust', () => disposable);
    patch(stub.workspace!, 'registerTextDocumentContentProvider', () => disposable);
    patch(stub.window!, 'registerTreeDataProvider', () => disposable);
    const root = stub as unknown as Record<string, unknown>;
    patch(root, 'StatusBarAlignment', { Left: 1, Right: 2 });
    patch(root, 'TreeItem', class {});
    patch(root, 'ThemeIcon', class {});
    patch(root, 'TreeItemCollapsibleState', { None: 0 });
  });
  after(() => saved.reverse().forEach(([o, k, v]) => (o[k] = v)));

  it('registers a stand-in for every contributed command and loads none of the host services', async () => {
    const wiring = require.resolve('../../../src/host/wiring');
    delete require.cache[wiring];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { activate } = require('../../../src/extension') as typeof import('../../../src/extension');
    const context = { extension: { packageJSON: pkg, extensionUri: { fsPath: '/x' } }, subscriptions: [] as unknown[], workspaceState: new MemoryMemento(), secrets: new MemorySecrets() };
    activate(context as never);
    assert.deepEqual([...registered.keys()].sort(), pkg.contributes.commands.map((c) => c.command).sort());
    assert.equal(require.cache[wiring], undefined, 'src/host/wiring (the services) is not loaded at activation');
    assert.ok(log.lines.some((l) => /activated in [\d.]+ ms/.test(l)));

    // The first command loads the services, replaces the stand-ins and runs the real command.
    await registered.get('shopfloor.showLog')![0]!();
    assert.ok(require.cache[wiring], 'the services are loaded by the first command');
    assert.equal(registered.get('shopfloor.showLog')!.length, 1, 'the stand-in was replaced by the real command');
    assert.ok(log.lines.some((l) => /services loaded in [\d.]+ ms \(for shopfloor\.showLog\)/.test(l)), log.lines.join('\n'));
    assert.deepEqual(executed, ['shopfloor.showLog']);
  });
});
