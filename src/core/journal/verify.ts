import { JournalRecordSchema, type JournalRecord } from '../../contracts';
import { GENESIS_HASH, recordHash } from './chain';

/** Why a journal line failed verification. */
export type JournalFault = 'unparsable' | 'invalid-record' | 'out-of-sequence' | 'broken-link' | 'hash-mismatch' | 'truncated' | 'unsealed' | 'bad-seal';

/** The first bad record: its 1-based line, the `seq` it should have had, and why. */
export interface JournalProblem {
  line: number;
  expectedSeq: number;
  fault: JournalFault;
  message: string;
}

/** Outcome of verifying a journal: every good record up to the first problem, if any. */
export interface JournalVerification {
  ok: boolean;
  /** The records that verified, in order (all of them when ok). */
  records: JournalRecord[];
  problem?: JournalProblem;
}

/**
 * Verifies a journal's text (JSONL) record by record and stops at the first bad one:
 * each line must parse, match JournalRecordSchema, carry seq = its index, link to the
 * previous record's hash (64 zeros for the first) and hash to its own `hash`. A final
 * line without its newline is reported as `truncated` (a write cut short). An empty
 * text is a valid, empty journal. Pure; never throws.
 */
export function verifyJournalText(text: string): JournalVerification {
  const records: JournalRecord[] = [];
  if (text === '') return { ok: true, records };
  const lines = text.split('\n');
  const complete = text.endsWith('\n');
  if (complete) lines.pop();
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < lines.length; i++) {
    const fail = (fault: JournalFault, message: string): JournalVerification => ({
      ok: false,
      records,
      problem: { line: i + 1, expectedSeq: i, fault, message: `record ${i} (line ${i + 1}): ${message}` },
    });
    const raw = lines[i]!;
    if (!complete && i === lines.length - 1) return fail('truncated', 'the last line is incomplete (no newline): the write was cut short');
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      return fail('unparsable', `not JSON: ${(e as Error).message}`);
    }
    const parsed = JournalRecordSchema.safeParse(value);
    if (!parsed.success) return fail('invalid-record', `not a journal record: ${parsed.error.issues[0]?.message ?? 'schema mismatch'}`);
    const r = parsed.data;
    if (r.seq !== i) return fail('out-of-sequence', `seq is ${r.seq}, expected ${i}`);
    if (r.prevHash !== prevHash) return fail('broken-link', `prevHash does not match the hash of record ${i - 1}`);
    let expected: string;
    try {
      // Hash the event as written, not as parsed: parsing drops unknown keys, which would hide an edit.
      expected = recordHash(r.prevHash, r.seq, r.at, (value as { event: JournalRecord['event'] }).event);
    } catch (e) {
      return fail('hash-mismatch', (e as Error).message);
    }
    if (expected !== r.hash) return fail('hash-mismatch', 'content does not match its hash (edited after it was written)');
    records.push(r);
    prevHash = r.hash;
  }
  return { ok: true, records };
}

/**
 * Checks a verified journal's seal (the `journal/sealed` record a finished run ends with):
 * a seal must be the last record and count the records before it; a run that has its
 * output (`output/created`) must be sealed. So a journal that lost its tail after the run
 * ended is told from an open run. A run stopped between its output and its seal (a kill in
 * that instant) also reads as unsealed: resuming it writes the seal. Pure; returns the
 * problem or undefined.
 */
export function checkSeal(records: readonly JournalRecord[]): JournalProblem | undefined {
  const at = records.findIndex((r) => r.event.type === 'journal/sealed');
  if (at >= 0) {
    const seal = records[at]!.event as Extract<JournalRecord['event'], { type: 'journal/sealed' }>;
    if (at !== records.length - 1) return { line: at + 2, expectedSeq: at + 1, fault: 'bad-seal', message: `record ${at + 1}: records follow the seal at record ${at}` };
    if (seal.records !== at) return { line: at + 1, expectedSeq: at, fault: 'bad-seal', message: `record ${at}: the seal counts ${seal.records} records before it, the journal has ${at}` };
    return undefined;
  }
  const out = records.findIndex((r) => r.event.type === 'output/created');
  if (out >= 0) return { line: records.length + 1, expectedSeq: records.length, fault: 'unsealed', message: `the run ended (output at record ${out}) but the journal has no seal after record ${records.length - 1}: its tail was cut, or the run stopped before sealing (resume it to seal)` };
  return undefined;
}
