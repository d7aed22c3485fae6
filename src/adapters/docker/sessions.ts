import { hostname } from 'node:os';

/**
 * Session ids label every container (`shopfloor.session`) so orphan cleanup can tell a
 * live editor or CLI from a dead one: `<hostname>:<pid>`. A session on another host is
 * treated as live (we cannot check it), so cleanup never removes another machine's work.
 */
export function currentSessionId(pid = process.pid): string {
  return `${hostname()}:${pid}`;
}

/** True when the session's process is still running on this host, or it belongs to another host. */
export function isSessionLive(sessionId: string): boolean {
  const i = sessionId.lastIndexOf(':');
  if (i < 0) return true;
  if (sessionId.slice(0, i) !== hostname()) return true;
  const pid = Number(sessionId.slice(i + 1));
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
