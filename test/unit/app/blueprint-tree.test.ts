import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adopt, BlueprintRegistry, ensureBareRegistry, forkInto } from '../../../src/adapters/registry';
import { blueprintTree, driftBadge, loadBlueprintTree } from '../../../src/app/blueprint-tree';
import { BUGFIX } from '../../../src/core/blueprints';

describe('app: the Blueprints tree over a real registry (temp bare repository)', function () {
  this.timeout(60_000);
  const root = mkdtempSync(join(tmpdir(), 'sf-bp-tree-'));
  const ws = join(root, 'ws');
  after(() => rmSync(root, { recursive: true, force: true }));

  it('groups by tier, lists versions newest first with their channel, and badges this workspace\'s copies with versions behind', async () => {
    mkdirSync(ws);
    const bare = join(root, 'reg.git');
    await ensureBareRegistry(bare);
    const reg = await BlueprintRegistry.open({ url: bare, embedded: false, stateDir: join(root, 'state') });
    const by = { by: 't', workspace: 'c'.repeat(64) };
    await reg.publish({ ...BUGFIX, name: 'fixer', tier: 'domain', version: '1.0.0' }, by);
    await reg.publish({ ...BUGFIX, name: 'editor-fix', tier: 'team', version: '1.0.0' }, by);
    await forkInto(reg, ws, 'fixer@1.0.0', { name: 'my-fixer', by: 't', workspaceId: 'd'.repeat(64) });
    await adopt(reg, ws, 'editor-fix@1.0.0');
    await reg.publish({ ...BUGFIX, name: 'fixer', tier: 'domain', version: '1.1.0' }, by);
    await reg.publish({ ...BUGFIX, name: 'fixer', tier: 'domain', version: '1.10.0' }, by);

    const tree = await loadBlueprintTree(reg, ws);
    assert.deepEqual(tree.map((t) => t.tier), ['platform', 'domain', 'team']);
    assert.deepEqual(tree[0]!.blueprints, []);
    const fixer = tree[1]!.blueprints.find((b) => b.name === 'fixer')!;
    // semver order, not string order: 1.10.0 is newer than 1.1.0
    assert.deepEqual(fixer.versions.map((v) => v.version), ['1.10.0', '1.1.0', '1.0.0']);
    assert.ok(fixer.versions.every((v) => v.channel === 'candidate'));
    assert.equal(fixer.latest, '1.10.0');
    assert.equal(fixer.copy, undefined);
    // A fork keeps its parent's tier.
    assert.deepEqual(tree[1]!.blueprints.map((b) => b.name), ['fixer', 'my-fixer']);
    assert.deepEqual(tree[2]!.blueprints.map((b) => b.name), ['editor-fix']);
    const mine = tree[1]!.blueprints.find((b) => b.name === 'my-fixer')!;
    assert.equal(mine.versions[0]!.forkOf, 'fixer@1.0.0');
    assert.deepEqual(mine.copy, { source: 'fixer@1.0.0', fork: true, latest: '1.10.0', versionsBehind: 2 });
    assert.equal(driftBadge(mine), 'fork of fixer@1.0.0: 2 behind 1.10.0');
    const adopted = tree[2]!.blueprints.find((b) => b.name === 'editor-fix')!;
    assert.equal(driftBadge(adopted), 'adopted editor-fix@1.0.0: up to date');
    // Without a workspace there are no badges.
    assert.ok((await loadBlueprintTree(reg, undefined)).flatMap((t) => t.blueprints).every((b) => !b.copy));
  });

  it('marks yanked versions and skips them for latest; production comes from promotions', () => {
    const rec = (version: string, extra: Record<string, unknown> = {}) => ({ record: { kind: 'blueprint-version', name: 'x', version, tier: 'team', hash: 'a'.repeat(64), path: 'p', publishedAt: '2026-01-01T00:00:00.000Z', publishedBy: 't', workspace: 'b'.repeat(64), ...extra }, channel: 'candidate' }) as never;
    const prod = { ...(rec('1.0.0') as object), channel: 'production' } as never;
    const t = blueprintTree({ versions: [prod, rec('2.0.0', { yanked: { at: '2026-01-02T00:00:00.000Z', by: 't', reason: 'broken' } }), rec('1.5.0')] }, []);
    const x = t[2]!.blueprints[0]!;
    assert.equal(x.latest, '1.5.0');
    assert.equal(x.production, '1.0.0');
    assert.equal(x.versions[0]!.yanked, 'broken');
    assert.equal(driftBadge(x), undefined);
  });
});
