import { strict as assert } from 'node:assert';
import { installVscodeStub } from '../../support/vscode-stub';
import { aFinishedRunFolder } from '../../support/run-folder-fixture';
import { FileJournal } from '../../../src/adapters/store/file-journal';
import { runFolder } from '../../../src/adapters/store/run-folder';

const stub = installVscodeStub() as unknown as Record<string, unknown> & { workspace: { workspaceFolders: unknown } };

describe('host/runs-view: runs grouped by state, with the gate a running run waits at', () => {
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
      TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    })) {
      saved.push([k, stub[k]]);
      stub[k] = v;
    }
  });
  after(() => saved.forEach(([k, v]) => (stub[k] = v)));

  it('puts a running run first (saying which gate it waits at), then interrupted runs, then each terminal state', async () => {
    const { repo, runId } = await aFinishedRunFolder('run-20261203-done');
    for (const id of ['run-20261203-open', 'run-20261203-live']) {
      const j = FileJournal.open(runFolder(repo, id).journal);
      await j.append({ type: 'run/started', runId: id, blueprint: 'bugfix@1.0.0', blueprintHash: 'c'.repeat(64), packetHash: 'd'.repeat(64), repo, pattern: 'interactive' });
      j.close();
    }
    const before = stub.workspace.workspaceFolders;
    stub.workspace.workspaceFolders = [{ uri: { fsPath: repo }, name: 'r', index: 0 }];
    try {
      // Loaded fresh: the tree items extend the TreeItem installed above.
      delete require.cache[require.resolve('../../../src/host/runs-view')];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { RunsTreeProvider, RunGroup } = require('../../../src/host/runs-view') as typeof import('../../../src/host/runs-view');
      const tree = new RunsTreeProvider((id) => id === 'run-20261203-live', () => 'gate after implement');
      const groups = tree.getChildren() as InstanceType<typeof RunGroup>[];
      assert.deepEqual(groups.map((g) => [g.label, g.description]), [['Running', '1'], ['Interrupted (resumable)', '1'], ['PR_READY', '1']]);
      const [live] = tree.getChildren(groups[0]) as Array<{ runId: string; description: string; contextValue: string }>;
      assert.equal(live!.runId, 'run-20261203-live');
      assert.equal(live!.description, 'waiting at gate after implement');
      const [done] = tree.getChildren(groups[2]) as Array<{ runId: string; description: string; contextValue: string }>;
      assert.deepEqual([done!.runId, done!.description, done!.contextValue], [runId, 'PR_READY (validated-fix)', 'run-finished']);
      assert.equal((tree.getChildren(groups[1]) as Array<{ contextValue: string }>)[0]!.contextValue, 'run-open');
    } finally {
      stub.workspace.workspaceFolders = before;
    }
  });
});
