import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { localRegistryDir, watchRegistry } from '../../../src/adapters/registry';
import { contentHash } from '../../../src/core/hash';
import { bareRegistry, client, git, outcome, scratch, teamBlueprint } from './support';

/** Resolves with the number of calls once `count()` is at least `n`, or rejects after `ms`. */
function until(count: () => number, n: number, ms: number): Promise<number> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => (count() >= n ? resolve(count()) : Date.now() - t0 > ms ? reject(new Error(`only ${count()} change(s) seen in ${ms} ms`)) : setTimeout(tick, 20));
    tick();
  });
}

/**
 * The registry watch behind the comparison view's live refresh: a real bare repository,
 * pushed to by another client's sync (as the CLI or another window would) and by a `git gc`
 * that packs the refs; a remote URL gives an inactive watch.
 */
describe('registry: watching a local registry for pushes', function () {
  this.timeout(60_000);

  it('sees a sync from another client and a ref packing, debounced; a remote registry is not watched', async () => {
    const root = scratch();
    const bare = await bareRegistry(root);
    const writer = await client(bare, root, 'writer');
    const bp = teamBlueprint('bugfix-team');
    await writer.publish(bp, { by: 'Rita <r@example.com>', workspace: 'c'.repeat(64) });

    let changes = 0;
    const w = watchRegistry({ url: pathToFileURL(bare).href, embedded: false, stateDir: join(root, 'state', 'watcher') }, () => changes++, 100);
    try {
      assert.equal(w.active, true);
      // A read (fetch) by another clone changes nothing in the bare repository: no refresh loop from our own reads.
      await (await client(bare, root, 'reader')).pull();
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(changes, 0, 'a fetch is not a change');

      const r = await writer.sync([outcome('bugfix-team', '1.0.0', contentHash(bp), 1)]);
      assert.equal(r.delivered, 1);
      await until(() => changes, 1, 10_000);
      await new Promise((res) => setTimeout(res, 400));
      assert.equal(changes, 1, 'one push, one (debounced) change');

      git(bare, 'pack-refs', '--all');
      await until(() => changes, 2, 10_000);
    } finally {
      w.dispose();
    }
    const before = changes;
    await writer.sync([outcome('bugfix-team', '1.0.0', contentHash(bp), 2)]);
    await new Promise((res) => setTimeout(res, 400));
    assert.equal(changes, before, 'nothing after dispose');

    assert.equal(localRegistryDir({ url: 'https://example.com/registry.git', embedded: false, stateDir: root }), undefined);
    assert.equal(watchRegistry({ url: 'ssh://git@example.com/registry.git', embedded: false, stateDir: root }, () => changes++).active, false);
    assert.equal(localRegistryDir({ url: bare, embedded: true, stateDir: root }), bare);
  });
});
