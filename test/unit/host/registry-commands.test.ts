import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installVscodeStub, memoryLog, seen } from '../../support/vscode-stub';
import { BUGFIX } from '../../../src/core/blueprints';

const vscode = installVscodeStub() as ReturnType<typeof installVscodeStub> & { commands: Record<string, unknown>; window: Record<string, unknown> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { registerRegistryCommands } = require('../../../src/host/commands/registryCommands') as typeof import('../../../src/host/commands/registryCommands');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { BlueprintRegistry, registryLocation } = require('../../../src/adapters/registry') as typeof import('../../../src/adapters/registry');

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));

describe('host: registry commands', function () {
  this.timeout(30_000);
  const handlers = new Map<string, () => Promise<void>>();
  const storage = mkdtempSync(join(tmpdir(), 'sf-host-registry-'));
  const ws = join(storage, 'ws');
  mkdirSync(ws);
  const log = memoryLog();
  before(() => {
    vscode.commands.registerCommand = (id: string, fn: () => Promise<void>) => {
      handlers.set(id, fn);
      return { dispose: () => undefined };
    };
    vscode.workspace.workspaceFolders = [{ uri: { fsPath: ws }, name: 'ws', index: 0 }];
    (vscode.workspace as Record<string, unknown>).asRelativePath = (p: string) => p.slice(ws.length + 1);
    registerRegistryCommands({ extension: { globalStorageUri: { fsPath: storage } }, log, version: '0', activationMs: () => 0 } as never);
  });
  after(() => {
    delete vscode.commands.registerCommand;
    delete vscode.window.showInputBox;
    delete (vscode.workspace as Record<string, unknown>).asRelativePath;
    vscode.workspace.isTrusted = true;
  });

  it('registers exactly the registry commands package.json contributes', () => {
    const contributed = (pkg.contributes.commands as Array<{ command: string }>).map((c) => c.command).filter((c) => c.startsWith('shopfloor.registry.'));
    assert.deepEqual([...handlers.keys()].sort(), contributed.sort());
    assert.equal(contributed.length, 8);
  });

  it('adopt copies a version from the registry in global storage into the workspace', async () => {
    const reg = await BlueprintRegistry.open(registryLocation({ home: storage, env: {} }));
    await reg.publish({ ...BUGFIX, name: 'editor-fix', tier: 'team' }, { by: 't', workspace: 'c'.repeat(64) });
    vscode.window.showInputBox = async () => 'editor-fix@1.0.0';
    await handlers.get('shopfloor.registry.adopt')!();
    assert.ok(existsSync(join(ws, '.shopfloor', 'blueprints', 'editor-fix.json')), seen.messages.join('\n'));
    assert.ok(seen.messages.some((m) => /^info: Shopfloor: adopted editor-fix@1\.0\.0/.test(m)), seen.messages.join('\n') + log.lines.join('\n'));
  });

  it('runs nothing in an untrusted workspace', async () => {
    vscode.workspace.isTrusted = false;
    seen.messages.length = 0;
    await handlers.get('shopfloor.registry.stats')!();
    assert.match(seen.messages[0] ?? '', /^warning: .*not trusted/);
  });
});
