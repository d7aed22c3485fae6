import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditRecord } from '../../contracts/mcp';
import { chainAuditRecord, verifyAuditLog } from '../../core/mcp/audit-chain';

/**
 * The run's MCP audit log (`artifacts/tools/audit.jsonl`, AuditRecordSchema): appended one
 * line per call and fsync'd before `append` resolves, so a record the agent was answered
 * for survives a crash. Reopening an existing log continues its chain; a log that does not
 * verify is refused (Error naming the line) rather than extended.
 * I/O: one file descriptor held open until `close`.
 */
export class AuditLog {
  private fd: number;
  private last?: Pick<AuditRecord, 'seq' | 'hash'>;
  private readonly kept: AuditRecord[] = [];

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

  /** Appends a record (seq, prev and hash are added) durably; returns it. Appends are serialised by the caller's event loop (synchronous writes). */
  append(body: Omit<AuditRecord, 'seq' | 'prev' | 'hash'>): AuditRecord {
    const record = chainAuditRecord(this.last, body);
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    fsyncSync(this.fd);
    this.last = record;
    this.kept.push(record);
    return record;
  }

  /** Every record of the log, oldest first. */
  records(): readonly AuditRecord[] {
    return this.kept;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}
