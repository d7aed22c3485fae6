import * as fs from 'node:fs';
import { dirname } from 'node:path';
import { OUTPUT_TAIL_CHARS } from '../../contracts';
import type { ArtifactLog, LogSummary } from '../../core/run/ports';
import { fsyncDir } from './file-journal';

/**
 * A station command's log on disk, written as the output arrives (ArtifactStore.openLog).
 *
 * Each `append` is one `writeSync` to an open descriptor: the bytes are in the kernel
 * before it returns, so a SIGKILL of this process keeps them; `close` fsyncs the file and
 * its folder, so a finished log also survives a power cut. Appends are synchronous on
 * purpose: output callbacks are synchronous, and the order of chunks is the log.
 *
 * At `capBytes` UTF-8 bytes the log is cut on a character boundary with a marker line;
 * later text is counted and only its last `tailChars` characters are kept in memory, and
 * `close` appends them after a second marker saying how much was not kept. A write error
 * (disk full) stops writing; `close` then rethrows it, as `ArtifactStore.write` would.
 */
export class FileLog implements ArtifactLog {
  private fd: number | undefined;
  private bytes = 0;
  private kept = 0;
  private truncated = false;
  private tail: string[] = [];
  private tailLength = 0;
  private error: unknown;
  private summary?: LogSummary;

  constructor(
    private readonly path: string,
    private readonly relPath: string,
    private readonly capBytes: number,
    private readonly tailChars = OUTPUT_TAIL_CHARS,
  ) {
    fs.mkdirSync(dirname(path), { recursive: true });
    this.fd = fs.openSync(path, 'w', 0o644);
  }

  append(text: string): void {
    if (this.summary || !text) return;
    const buf = Buffer.from(text, 'utf8');
    this.bytes += buf.length;
    if (this.truncated) return this.keepTail(text);
    const room = this.capBytes - this.kept;
    if (buf.length <= room) {
      this.write(buf);
      this.kept += buf.length;
      return;
    }
    let cut = Math.max(0, room);
    // Never split a UTF-8 sequence: back off over continuation bytes (10xxxxxx).
    while (cut > 0 && (buf[cut]! & 0xc0) === 0x80) cut--;
    this.write(buf.subarray(0, cut));
    this.kept += cut;
    this.truncated = true;
    this.write(Buffer.from(`\n[shopfloor: log cut here after ${this.kept} bytes (cap ${this.capBytes}); the rest is counted, and its last ${this.tailChars} characters follow at the end]\n`));
    this.keepTail(buf.subarray(cut).toString('utf8'));
  }

  async close(): Promise<LogSummary> {
    if (this.summary) return this.summary;
    if (this.truncated) {
      const tail = this.tail.join('').slice(-this.tailChars);
      this.write(Buffer.from(`\n[shopfloor: ${this.bytes - this.kept} of ${this.bytes} bytes were not kept above; the last ${tail.length} characters of the output:]\n${tail}`));
    }
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) {
      try {
        if (this.error === undefined) fs.fsyncSync(fd);
      } catch (e) {
        this.error = e;
      } finally {
        fs.closeSync(fd);
      }
    }
    this.summary = { relPath: this.relPath, bytes: this.bytes, truncated: this.truncated };
    if (this.error !== undefined) throw this.error;
    fsyncDir(dirname(this.path));
    return this.summary;
  }

  private write(buf: Buffer): void {
    if (this.fd === undefined || this.error !== undefined || buf.length === 0) return;
    try {
      let off = 0;
      while (off < buf.length) off += fs.writeSync(this.fd, buf, off, buf.length - off);
    } catch (e) {
      this.error = e;
    }
  }

  private keepTail(text: string): void {
    this.tail.push(text);
    this.tailLength += text.length;
    // Joined only when twice over the limit, so a long run of small chunks costs no copies per chunk.
    if (this.tailLength > 2 * this.tailChars) {
      const t = this.tail.join('').slice(-this.tailChars);
      this.tail = [t];
      this.tailLength = t.length;
    }
  }
}
