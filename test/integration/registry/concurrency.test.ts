import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentHash } from '../../../src/core/hash';
import { BlueprintSchema } from '../../../src/contracts';
import { bareRegistry, client, everyUpdateFastForward, freePort, git, gitDaemon, outcome, scratch, teamBlueprint } from './support';

describe('registry: 20 concurrent publishers against git daemon on loopback, failures injected between fetch and push', function () {
  this.timeout(300_000);
  let daemon: ChildProcess | undefined;
  after(() => daemon?.kill());

  it('ends with every record present and no push rewriting history', async () => {
    const root = scratch();
    const bare = await bareRegistry(root);
    const port = await freePort();
    daemon = await gitDaemon(root, port);
    const url = `git://127.0.0.1:${port}/registry.git`;
    // A foreign writer (another machine with plain git) that pushes in the gap between a publisher's fetch and its push.
    const other = mkdtempSync(join(root, 'other-'));
    git(other, 'clone', '-q', url, '.');
    let foreign = 0;
    const foreignPush = () => {
      foreign++;
      git(other, 'pull', '-q', '--rebase', 'origin', 'main');
      writeFileSync(join(other, `foreign-${foreign}.txt`), `${foreign}\n`);
      git(other, 'add', '.');
      git(other, 'commit', '-q', '-m', `foreign ${foreign}`);
      // The foreign writer races the publishers too: like any plain-git user it pulls and pushes again when refused.
      for (let attempt = 0; ; attempt++) {
        try {
          git(other, 'push', '-q', 'origin', 'HEAD:main');
          return;
        } catch (e) {
          if (attempt > 50) throw e;
          git(other, 'pull', '-q', '--rebase', 'origin', 'main');
        }
      }
    };
    // Seed main so the foreign clone can pull.
    writeFileSync(join(other, 'README.md'), 'registry\n');
    git(other, 'add', '.');
    git(other, 'commit', '-q', '-m', 'seed');
    git(other, 'push', '-q', 'origin', 'HEAD:main');

    const crashed = new Set<number>();
    let inFlightPushRaces = 0;
    const publishers = Array.from({ length: 20 }, (_, i) => i);
    const results = await Promise.all(
      publishers.map(async (i) => {
        const reg = await client(url, root, `p${i}`, {
          beforePush: async (attempt) => {
            if (attempt === 1 && i % 4 === 0) {
              inFlightPushRaces++;
              foreignPush(); // the remote moves after our fetch: our push must be rejected and retried, not forced
            }
            if (attempt === 1 && i % 5 === 1 && !crashed.has(i)) {
              crashed.add(i);
              throw new Error(`injected crash of publisher ${i} between commit and push`);
            }
            await new Promise((r) => setTimeout(r, (i * 7) % 30));
          },
        });
        const bp = teamBlueprint(`team${i}.bugfix`);
        let published;
        try {
          published = await reg.publish(bp, { by: `dev${i}`, workspace: 'c'.repeat(64) });
        } catch (e) {
          assert.match((e as Error).message, /injected crash/);
          published = await reg.publish(bp, { by: `dev${i}`, workspace: 'c'.repeat(64) }); // the user runs it again
        }
        const hash = contentHash(BlueprintSchema.parse(bp));
        assert.equal(published.record.hash, hash);
        const sync = await reg.sync(Array.from({ length: 5 }, (_, k) => outcome(`team${i}.bugfix`, '1.0.0', hash, k)));
        return { i, sync };
      }),
    );
    for (const r of results) assert.equal(r.sync.queued, 0, `publisher ${r.i} left records queued: ${r.sync.error}`);
    assert.ok(crashed.size >= 4 && inFlightPushRaces >= 5, 'the injected failures happened');

    const check = await client(url, root, 'checker');
    const snap = await check.pull();
    assert.deepEqual(snap.problems, []);
    assert.equal(snap.versions.length, 20, 'every publisher\'s version is there');
    assert.equal(snap.outcomes.length, 100, 'every outcome is there');
    const files = git(bare, 'ls-tree', '-r', '--name-only', 'main').split('\n');
    for (let f = 1; f <= foreign; f++) assert.ok(files.includes(`foreign-${f}.txt`), `foreign commit ${f} survived`);
    const ff = everyUpdateFastForward(bare);
    assert.ok(ff.updates > 20);
    assert.deepEqual(ff.rewrites, [], 'no update rewrote history (no force push)');
    assert.equal(git(bare, 'config', 'receive.denyNonFastForwards'), 'true');
  });
});
