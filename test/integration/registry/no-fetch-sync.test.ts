import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { bareRegistry, client, everyUpdateFastForward, freePort, outcome, scratch } from './support';

/**
 * The sync path that skips the fetch (src/adapters/registry/clone.ts: a checkout left clean
 * at the commit both `main` and `origin/main` point at pushes on top without fetching),
 * observed from the remote's side: the registry is served by `git daemon --verbose`, which
 * logs every request, so a fetch is an `upload-pack` request and a push a `receive-pack`
 * request in its log. Each check first shows the log records what it looks for (the cold
 * sync's fetch, every sync's push), so an absent fetch is a real absence.
 */
describe('registry: a second sync with nobody else pushing does not fetch; after another push it fetches, re-applies and lands', function () {
  this.timeout(120_000);
  let daemon: ChildProcess | undefined;
  let log = '';
  let seen = 0;
  after(() => daemon?.kill());

  /** The requests the daemon served since the last call (`upload-pack`, `receive-pack`), once every connection so far has ended. */
  const requests = async (): Promise<string[]> => {
    for (let i = 0; i < 200; i++) {
      const opened = (log.match(/Connection from/g) ?? []).length;
      const closed = (log.match(/Disconnected/g) ?? []).length;
      if (opened === closed) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const all = [...log.matchAll(/Request (upload-pack|receive-pack) for/g)].map((m) => m[1]!);
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  };
  const count = (rs: string[], what: string) => rs.filter((r) => r === what).length;

  it('counts fetches honestly across three syncs', async () => {
    const root = scratch();
    const bare = await bareRegistry(root);
    const port = await freePort();
    daemon = spawn('git', ['daemon', '--verbose', '--reuseaddr', `--base-path=${root}`, '--export-all', '--enable=receive-pack', '--listen=127.0.0.1', `--port=${port}`, root], { stdio: ['ignore', 'ignore', 'pipe'] });
    daemon.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const url = `git://127.0.0.1:${port}/registry.git`;
    for (let i = 0; i < 100 && !/Ready to rumble/.test(log); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(log, /Ready to rumble/, 'the daemon started');
    const a = await client(url, root, 'a');
    const b = await client(url, root, 'b');
    const hash = 'a'.repeat(64);

    // Cold: nothing known about the remote, so the first sync fetches (and the log shows it).
    assert.equal((await a.sync([outcome('bugfix', '1.0.0', hash, 1)])).delivered, 1);
    const cold = await requests();
    assert.ok(count(cold, 'upload-pack') >= 1, `the cold sync fetched: ${cold.join(', ')}`);
    assert.equal(count(cold, 'receive-pack'), 1);

    // Nobody else pushed: the checkout is known clean at origin/main, so no fetch, one push.
    assert.equal((await a.sync([outcome('bugfix', '1.0.0', hash, 2)])).delivered, 1);
    const warm = await requests();
    assert.equal(count(warm, 'receive-pack'), 1, `the warm sync pushed: ${warm.join(', ')}`);
    assert.equal(count(warm, 'upload-pack'), 0, 'the warm sync did not fetch');

    // Another clone pushes; the next sync of the first is rejected on its optimistic push, fetches, re-applies and lands.
    assert.equal((await b.sync([outcome('bugfix', '1.0.0', hash, 3)])).delivered, 1);
    await requests();
    const r = await a.sync([outcome('bugfix', '1.0.0', hash, 4)]);
    assert.deepEqual([r.delivered, r.queued, r.error], [1, 0, undefined]);
    const raced = await requests();
    assert.ok(count(raced, 'upload-pack') >= 1, `the sync after another push fetched: ${raced.join(', ')}`);
    assert.equal(count(raced, 'receive-pack'), 2, 'one rejected optimistic push, one that landed');

    // Every record is there and every update of main was a fast-forward (no force push rewrote it).
    const snap = await b.pull();
    assert.deepEqual(snap.outcomes.map((o) => o.runId).sort(), [1, 2, 3, 4].map((i) => `run-bugfix-${i}`));
    const ff = everyUpdateFastForward(bare);
    assert.equal(ff.updates, 4);
    assert.deepEqual(ff.rewrites, []);
  });
});
