import * as nodeFs from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { randomBytes } from 'node:crypto';

/** Who holds a lock: written as JSON into the lock file. */
export interface LockOwner {
  pid: number;
  hostname: string;
  token: string;
  at: string;
}

/** Another live process holds the lock. */
export class LockHeldError extends Error {
  constructor(
    readonly lockPath: string,
    readonly owner: Partial<LockOwner> | undefined,
  ) {
    super(
      owner?.pid
        ? `${lockPath} is held by pid ${owner.pid} on ${owner.hostname ?? '?'} (another window or process is running this run)`
        : `${lockPath} is held by another process`,
    );
    this.name = 'LockHeldError';
  }
}

/** A held lock; `release` removes the file only if it is still ours. */
export interface HeldLock {
  readonly path: string;
  readonly owner: LockOwner;
  release(): void;
}

/** Seams for tests: process liveness and identity. */
export interface LockEnv {
  pid: number;
  hostname: string;
  isAlive(pid: number): boolean;
  now(): Date;
}

const defaultEnv = (): LockEnv => ({ pid: process.pid, hostname: osHostname(), isAlive: pidAlive, now: () => new Date() });

/** True when a process with `pid` exists on this machine (EPERM: exists, owned by someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): { owner?: Partial<LockOwner>; raw?: string; mtimeMs?: number } {
  try {
    const raw = nodeFs.readFileSync(path, 'utf8');
    const mtimeMs = nodeFs.statSync(path).mtimeMs;
    try {
      return { owner: JSON.parse(raw) as Partial<LockOwner>, raw, mtimeMs };
    } catch {
      return { raw, mtimeMs };
    }
  } catch {
    return {};
  }
}

/**
 * Takes the single-writer lock at `lockPath` by creating it with O_EXCL and writing
 * {pid, hostname, token, at}. When the file exists and names a dead pid on this host (or
 * is unreadable and older than 10 s: a crash while writing it), the lock is stale and is
 * taken over: it is removed only if it still holds what was judged stale, then created
 * again with O_EXCL, so of two windows taking over at once only one wins. A lock naming
 * another host cannot be judged and is never taken over. Throws LockHeldError.
 */
export function acquireLock(lockPath: string, env: LockEnv = defaultEnv()): HeldLock {
  const owner: LockOwner = { pid: env.pid, hostname: env.hostname, token: randomBytes(8).toString('hex'), at: env.now().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = nodeFs.openSync(lockPath, nodeFs.constants.O_WRONLY | nodeFs.constants.O_CREAT | nodeFs.constants.O_EXCL, 0o644);
      try {
        nodeFs.writeSync(fd, JSON.stringify(owner));
        nodeFs.fsyncSync(fd);
      } finally {
        nodeFs.closeSync(fd);
      }
      return {
        path: lockPath,
        owner,
        release: () => {
          const now = readOwner(lockPath);
          if (now.owner?.token === owner.token) nodeFs.rmSync(lockPath, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const held = readOwner(lockPath);
    if (held.raw === undefined) continue; // vanished between open and read: try again
    const stale = held.owner
      ? held.owner.hostname === env.hostname && typeof held.owner.pid === 'number' && !env.isAlive(held.owner.pid)
      : env.now().getTime() - (held.mtimeMs ?? 0) > 10_000;
    if (!stale) throw new LockHeldError(lockPath, held.owner);
    // Remove only what we judged stale; a lock another process just took is left alone.
    if (readOwner(lockPath).raw === held.raw) nodeFs.rmSync(lockPath, { force: true });
  }
  throw new LockHeldError(lockPath, readOwner(lockPath).owner);
}
