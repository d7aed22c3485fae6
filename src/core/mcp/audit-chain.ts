import { AuditRecordSchema, type AuditRecord } from '../../contracts/mcp';
import { canonicalJson, sha256Hex } from '../hash';

/** `prev` of the first record. */
export const AUDIT_GENESIS = '0'.repeat(64);

/** A record's hash: SHA-256 of `prev` followed by the canonical JSON (RFC 8785 subset, core/hash.ts) of the record without `hash`. */
export function auditRecordHash(record: Omit<AuditRecord, 'hash'>): string {
  const { hash: _h, ...body } = record as AuditRecord;
  return sha256Hex(`${record.prev}${canonicalJson(body)}`);
}

/** Completes a record with `seq`, `prev` and `hash` after `last` (undefined for the first). */
export function chainAuditRecord(last: Pick<AuditRecord, 'seq' | 'hash'> | undefined, body: Omit<AuditRecord, 'seq' | 'prev' | 'hash'>): AuditRecord {
  const partial = { ...body, seq: (last?.seq ?? 0) + 1, prev: last?.hash ?? AUDIT_GENESIS };
  return { ...partial, hash: auditRecordHash(partial) };
}

/** Result of verifying an audit log: the records, or the first line (1-based) that breaks it and why. */
export type AuditVerification = { ok: true; records: AuditRecord[] } | { ok: false; line: number; problem: string };

/**
 * Verifies an audit log's text (JSONL, one record per line, a trailing newline): each
 * line parses and matches AuditRecordSchema, numbers run 1, 2, ..., each `prev` is the
 * previous line's `hash` and each `hash` is the record's own. An empty text is an empty,
 * valid log. A last line without its newline is a torn write (the process died mid-append)
 * and is reported as such.
 */
export function verifyAuditLog(text: string): AuditVerification {
  const records: AuditRecord[] = [];
  if (text === '') return { ok: true, records };
  const lines = text.split('\n');
  const torn = lines[lines.length - 1] !== '';
  if (!torn) lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    if (torn && i === lines.length - 1) return { ok: false, line, problem: 'the last line has no newline: a torn write' };
    let value: unknown;
    try {
      value = JSON.parse(lines[i]!);
    } catch {
      return { ok: false, line, problem: 'not JSON' };
    }
    const parsed = AuditRecordSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return { ok: false, line, problem: `${issue.path.join('.') || '(record)'}: ${issue.message}` };
    }
    const r = parsed.data;
    const prev = records[records.length - 1];
    if (r.seq !== line) return { ok: false, line, problem: `seq ${r.seq} where ${line} was expected (a record was removed or reordered)` };
    if (r.prev !== (prev?.hash ?? AUDIT_GENESIS)) return { ok: false, line, problem: 'prev is not the previous record\'s hash' };
    // The raw line is hashed, not the parsed record: a field added by hand would be dropped by the parse.
    if (auditRecordHash(value as AuditRecord) !== r.hash) return { ok: false, line, problem: 'hash does not match the record (the record was changed)' };
    records.push(r);
  }
  return { ok: true, records };
}
