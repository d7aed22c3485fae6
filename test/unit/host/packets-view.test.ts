import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installVscodeStub } from '../../support/vscode-stub';
import { aPacket } from '../../support/builders';
import { approvePacket } from '../../../src/core/packet/approval';

const stub = installVscodeStub() as unknown as Record<string, unknown> & { workspace: { workspaceFolders: unknown } };

describe('host/packets-view: packet files as tree items the menus and commands act on', () => {
  const saved: Array<[string, unknown]> = [];
  before(() => {
    for (const [k, v] of Object.entries({
      TreeItem: class {
        constructor(
          public label: string,
          public collapsibleState: number,
        ) {}
      },
      ThemeIcon: class {
        constructor(public id: string) {}
      },
      MarkdownString: class {
        constructor(public value: string) {}
      },
      TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    })) {
      saved.push([k, stub[k]]);
      stub[k] = v;
    }
  });
  after(() => saved.forEach(([k, v]) => (stub[k] = v)));

  it('lists draft, approved and invalid packets; a click opens the packet, or the bad file as text; rows are command arguments', () => {
    const repo = mkdtempSync(join(tmpdir(), 'sf-pview-'));
    const dir = join(repo, '.shopfloor', 'packets');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.json'), JSON.stringify(aPacket().with('id', 'a').build()));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(approvePacket(aPacket().with('id', 'b').build(), 'Ada', '2026-12-06T08:00:00Z')));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ ...aPacket().build(), intent: '' }));
    const before = stub.workspace.workspaceFolders;
    try {
      // Loaded fresh: the tree items extend the TreeItem installed above.
      delete require.cache[require.resolve('../../../src/host/packets-view')];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { PacketsTreeProvider } = require('../../../src/host/packets-view') as typeof import('../../../src/host/packets-view');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { packetUriOf } = require('../../../src/host/packet/packet-arg') as typeof import('../../../src/host/packet/packet-arg');
      const tree = new PacketsTreeProvider();
      stub.workspace.workspaceFolders = [];
      assert.deepEqual(tree.getChildren(), [], 'no folder: empty, so the welcome content shows');
      stub.workspace.workspaceFolders = [{ uri: { fsPath: repo, scheme: 'file' }, name: 'r', index: 0 }];
      const items = tree.getChildren() as unknown as Array<{ contextValue: string; description: string; iconPath: { id: string }; tooltip: { value: string }; command: { command: string; arguments: unknown[] }; uri: { fsPath: string } }>;
      assert.deepEqual(items.map((i) => [i.contextValue, i.iconPath.id]), [['packet-draft', 'edit'], ['packet-approved', 'verified'], ['packet-invalid', 'error']]);
      assert.equal(items[2]!.description, 'invalid: intent');
      assert.match(items[2]!.tooltip.value, /intent: intent must say what the job is for/);
      assert.deepEqual([items[0]!.command.command, items[2]!.command.command], ['shopfloor.openPacket', 'vscode.open']);
      assert.equal(items[1]!.uri.fsPath, join(dir, 'b.json'));
      // What VS Code hands an inline menu command is the row itself; a click passes the Uri.
      assert.equal(packetUriOf(items[1])?.fsPath, join(dir, 'b.json'));
      assert.equal(packetUriOf(items[0]!.command.arguments[0])?.fsPath, join(dir, 'a.json'));
      assert.equal(packetUriOf({ runId: 'x' }), undefined);
      assert.equal(packetUriOf(undefined), undefined);
    } finally {
      stub.workspace.workspaceFolders = before;
    }
  });
});
