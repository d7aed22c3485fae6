import type { JournalRecord, RunEvent } from '../../contracts';
import { canonicalJson, sha256Hex } from '../hash';

/** `prevHash` of the first record of every journal: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Hash of one record: SHA-256 (lowercase hex) over `prevHash` followed by the canonical
 * JSON of `{seq, at, event}` (src/contracts/run-event.ts). Throws TypeError when the
 * event holds a value with no canonical form (NaN, a function).
 */
export function recordHash(prevHash: string, seq: number, at: string, event: RunEvent): string {
  return sha256Hex(prevHash + canonicalJson({ seq, at, event }));
}

/**
 * Builds the record that follows `prev` (or the first record when `prev` is undefined).
 * `at` is an RFC 3339 UTC timestamp; pure, so the caller decides the clock.
 */
export function buildRecord(prev: JournalRecord | undefined, event: RunEvent, at: string): JournalRecord {
  const seq = prev ? prev.seq + 1 : 0;
  const prevHash = prev ? prev.hash : GENESIS_HASH;
  return { seq, at, prevHash, hash: recordHash(prevHash, seq, at, event), event };
}

/** One JSONL line for a record, newline included: what an append writes in one go. */
export function serializeRecord(record: JournalRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/**
 * The time of the next record: `nowMs` (milliseconds since the epoch) as RFC 3339, raised
 * to `last`'s time when the clock went back, so record times never decrease (see
 * RunJournal.append). Pure.
 */
export function recordTime(nowMs: number, last: JournalRecord | undefined): string {
  const floor = last ? Date.parse(last.at) : -Infinity;
  return new Date(Math.max(nowMs, floor)).toISOString();
}
