import { randomBytes } from 'node:crypto';

/**
 * A new run id: `YYYYMMDD-HHMMSS-xxxxxx` (UTC time, 6 random hex digits). Sorts by start
 * time, and is a valid folder name and git branch component (`shopfloor/<run-id>`).
 */
export function newRunId(nowMs: number, random: () => string = () => randomBytes(3).toString('hex')): string {
  const iso = new Date(nowMs).toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${random()}`;
}

/** True for a string that can name a run folder (no separators, no `..`, at most 100 characters). No I/O. */
export function isRunId(runId: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(runId) && !runId.includes('..');
}
