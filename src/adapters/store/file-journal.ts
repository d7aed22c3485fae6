import * as nodeFs from 'node:fs';
import { dirname } from 'node:path';
import type { JournalRecord, RunEvent } from '../../contracts';
import { buildRecord, recordTime, serializeRecord, verifyJournalText, type JournalProblem } from '../../core/journal';
import type { RunJournal } from '../../core/run/ports';
import { acquireLock, type HeldLock, type LockEnv } from './lock';

/** The file operations an append uses; tests inject failures (ENOSPC) through this. */
export interface JournalFs {
  openSync(path: string, flags: number, mode?: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  fsyncSync(fd: number): void;
  ftruncateSync(fd: number, len: number): void;
  closeSync(fd: number): void;
}

/** The journal on disk does not verify beyond a cut-short last line: it is not appended to. */
export class JournalCorruptError extends Error {
  constructor(
    readonly path: string,
    readonly problem: JournalProblem,
  ) {
    super(`${path}: ${problem.message}`);
    this.name = 'JournalCorruptError';
  }
}

export interface OpenJournalOptions {
  /** Milliseconds since the epoch, for record timestamps. */
  now?: () => number;
  fs?: JournalFs;
  lockEnv?: LockEnv;
}

/**
 * The run journal file: append-only JSONL, one hash-chained record per line, fsync'd on
 * every append, with one writer at a time (`journal.jsonl.lock`, see lock.ts).
 *
 * Each append writes the whole line with one positional write at the last good length
 * and fsyncs. If the write fails or is short (ENOSPC, EIO), the file is truncated back to
 * the last good length, so the journal stays readable and verifiable; the error is
 * rethrown. Opening repairs only a cut-short last line (a write the process never saw
 * finish, e.g. power loss); any other fault throws JournalCorruptError.
 */
export class FileJournal implements RunJournal {
  private last: JournalRecord | undefined;
  private size: number;
  private closed = false;

  private constructor(
    readonly path: string,
    readonly existing: readonly JournalRecord[],
    private readonly fd: number,
    private readonly lock: HeldLock,
    private readonly fs: JournalFs,
    private readonly now: () => number,
    size: number,
    /** Bytes dropped from a cut-short last line when opening. */
    readonly repairedBytes: number,
  ) {
    this.last = existing[existing.length - 1];
    this.size = size;
  }

  /** Opens (creating when absent) the journal at `path` and takes its lock. Throws LockHeldError, JournalCorruptError. */
  static open(path: string, options: OpenJournalOptions = {}): FileJournal {
    const fs = options.fs ?? nodeFs;
    const now = options.now ?? Date.now;
    nodeFs.mkdirSync(dirname(path), { recursive: true });
    const lock = acquireLock(`${path}.lock`, options.lockEnv);
    try {
      const created = !nodeFs.existsSync(path);
      const fd = fs.openSync(path, nodeFs.constants.O_RDWR | nodeFs.constants.O_CREAT, 0o644);
      if (created) fsyncDir(dirname(path));
      const text = nodeFs.readFileSync(path, 'utf8');
      const v = verifyJournalText(text);
      let size = Buffer.byteLength(text);
      let repaired = 0;
      if (!v.ok) {
        if (v.problem!.fault !== 'truncated') {
          fs.closeSync(fd);
          throw new JournalCorruptError(path, v.problem!);
        }
        const good = Buffer.byteLength(v.records.map(serializeRecord).join(''));
        repaired = size - good;
        fs.ftruncateSync(fd, good);
        fs.fsyncSync(fd);
        size = good;
      }
      return new FileJournal(path, v.records, fd, lock, fs, now, size, repaired);
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  /** Records appended so far, the existing ones included. */
  get length(): number {
    return this.last ? this.last.seq + 1 : 0;
  }

  async append(event: RunEvent | ((at: string) => RunEvent)): Promise<JournalRecord> {
    return this.appendSync(event);
  }

  /**
   * Synchronous append; see the class comment for the failure contract. The record's time
   * is the clock's, raised to the previous record's when the clock went back (NTP, a
   * suspended VM): durations between records are never negative (RunJournal.append).
   */
  appendSync(event: RunEvent | ((at: string) => RunEvent)): JournalRecord {
    if (this.closed) throw new Error(`${this.path}: journal is closed`);
    const at = recordTime(this.now(), this.last);
    const record = buildRecord(this.last, typeof event === 'function' ? event(at) : event, at);
    const buf = Buffer.from(serializeRecord(record), 'utf8');
    try {
      const n = this.fs.writeSync(this.fd, buf, 0, buf.length, this.size);
      if (n !== buf.length) throw Object.assign(new Error(`short write to ${this.path}: ${n} of ${buf.length} bytes`), { code: 'EIO' });
      this.fs.fsyncSync(this.fd);
    } catch (e) {
      this.rollback();
      throw e;
    }
    this.size += buf.length;
    this.last = record;
    return record;
  }

  /** Releases the lock and closes the file; safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.fs.closeSync(this.fd);
    } finally {
      this.lock.release();
    }
  }

  private rollback(): void {
    try {
      this.fs.ftruncateSync(this.fd, this.size);
      this.fs.fsyncSync(this.fd);
    } catch {
      // The file may now end in a partial line; opening it again drops that line (see open).
      this.closed = true;
      this.fs.closeSync(this.fd);
      this.lock.release();
    }
  }
}

/** fsyncs a directory so a newly created file's entry survives a crash (no-op where unsupported). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = nodeFs.openSync(dir, 'r');
    nodeFs.fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open directories; the rename/creation is still ordered.
  } finally {
    if (fd !== undefined) nodeFs.closeSync(fd);
  }
}

/** Reads and verifies a journal without taking its lock (for `shopfloor verify`, `show`, `runs`). */
export function readJournal(path: string): ReturnType<typeof verifyJournalText> {
  return verifyJournalText(nodeFs.readFileSync(path, 'utf8'));
}
