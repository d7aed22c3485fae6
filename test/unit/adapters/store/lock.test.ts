import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, LockHeldError, type LockEnv } from '../../../../src/adapters/store/lock';

const env = (pid: number, alive: Set<number>, hostname = 'box'): LockEnv => ({ pid, hostname, isAlive: (p) => alive.has(p), now: () => new Date() });

describe('adapters/store/lock: single writer across processes', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sf-lock-'))));

  it('a second live process is refused and told who holds the lock', () => {
    const alive = new Set([100, 200]);
    const a = acquireLock(join(dir, 'l'), env(100, alive));
    assert.throws(() => acquireLock(join(dir, 'l'), env(200, alive)), (e: unknown) => e instanceof LockHeldError && /pid 100 on box/.test(e.message));
    a.release();
    const b = acquireLock(join(dir, 'l'), env(200, alive));
    assert.equal(JSON.parse(readFileSync(join(dir, 'l'), 'utf8')).pid, 200);
    b.release();
    assert.equal(existsSync(join(dir, 'l')), false);
  });

  it('takes over a lock whose pid is dead on this host', () => {
    acquireLock(join(dir, 'l'), env(100, new Set([100])));
    const b = acquireLock(join(dir, 'l'), env(200, new Set([200])));
    assert.equal(b.owner.pid, 200);
  });

  it('never takes over a lock from another host', () => {
    acquireLock(join(dir, 'l'), env(100, new Set(), 'other'));
    assert.throws(() => acquireLock(join(dir, 'l'), env(200, new Set())), LockHeldError);
  });

  it('treats an unreadable lock as stale only once it is old', () => {
    writeFileSync(join(dir, 'l'), '{"pid":');
    assert.throws(() => acquireLock(join(dir, 'l'), env(1, new Set())), LockHeldError);
    utimesSync(join(dir, 'l'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    assert.equal(acquireLock(join(dir, 'l'), env(1, new Set())).owner.pid, 1);
  });

  it('release leaves a lock that another process took over alone', () => {
    const a = acquireLock(join(dir, 'l'), env(100, new Set([100])));
    const b = acquireLock(join(dir, 'l'), env(200, new Set([200])));
    a.release();
    assert.equal(JSON.parse(readFileSync(join(dir, 'l'), 'utf8')).token, b.owner.token);
  });
});
