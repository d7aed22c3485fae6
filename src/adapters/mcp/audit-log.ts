import { closeSync, existsSync, fsync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditRecord } from '../../contracts/mcp';
import { chainAuditRecord, verifyAuditLog } from '../../core/mcp/audit-chain';

/**
 * The run's MCP audit log (`artifacts/tools/audit.jsonl`, AuditRecordSchema): one line per
 * call, written to the file (a synchronous write: in the OS's cache before the agent is
 * answered, so a killed process keeps it) and made durable by group commit: one fsync in
 * flight at a time covers every line written before it started (the technique of database
 * write-ahead logs), so a burst of calls costs one fsync, not one each. `flush` (awaited
 * before the evidence is written and at `close`) returns once every line is on disk.
 * Reopening an existing log continues its chain; a log that does not verify is refused
 * (Error naming the line) rather than extended.
 * I/O: one file descriptor held open until `close`.
 */
export class AuditLog {
  private fd: number;
  private last?: Pick<AuditRecord, 'seq' | 'hash'>;
  private readonly kept: AuditRecord[] = [];
  /** Lines written since the last fsync started; the fsync in flight, if any. */
  private dirty = false;
  private syncing?: Promise<void>;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) {
      const v = verifyAuditLog(readFileSync(path, 'utf8'));
      if (!v.ok) throw new Error(`MCP audit log ${path}: line ${v.line}: ${v.problem}`);
      this.kept.push(...v.records);
      this.last = v.records[v.records.length - 1];
    }
    this.fd = openSync(path, 'a');
  }

  /** Appends a record (seq, prev and hash are added) and starts its fsync; returns it. Appends are ordered by the event loop (synchronous writes). */
  append(body: Omit<AuditRecord, 'seq' | 'prev' | 'hash'>): AuditRecord {
    const record = chainAuditRecord(this.last, body);
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    this.last = record;
    this.kept.push(record);
    this.dirty = true;
    void this.sync();
    return record;
  }

  /** Resolves once every record appended so far is on disk (fsync'd). Rejects when an fsync failed. */
  async flush(): Promise<void> {
    while (this.dirty || this.syncing) await this.sync();
  }

  private sync(): Promise<void> {
    if (this.syncing || !this.dirty || this.fd < 0) return this.syncing ?? Promise.resolve();
    this.dirty = false;
    const fd = this.fd;
    this.syncing = new Promise<void>((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve()))).finally(() => {
      this.syncing = undefined;
      // Lines written while this fsync ran get the next one.
      if (this.dirty) void this.sync();
    });
    return this.syncing;
  }

  /** Every record of the log, oldest first. */
  records(): readonly AuditRecord[] {
    return this.kept;
  }

  /** Flushes, then closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.fd < 0) return;
    await this.flush().catch(() => undefined);
    if (this.fd < 0) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }
}
