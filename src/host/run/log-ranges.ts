import * as fs from 'node:fs';

/** Bytes read at a time when indexing or searching. */
const CHUNK = 1 << 20;
/** Characters of one line returned (the rest is cut; a log line longer than this is noise in a panel). */
export const LOG_LINE_CHARS = 2000;
/** How long one search may read before it reports where it stopped, in milliseconds. */
export const SEARCH_BUDGET_MS = 250;

/**
 * Terminal escape sequences other than colour (SGR, `ESC [ ... m`) and other control
 * characters, which a text log shows as noise; the panel renders SGR as theme colours.
 */
// eslint-disable-next-line no-control-regex
export const LOG_CONTROL = /\x1b\[(?![0-9;]*m)[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*(?:\x07|\x1b\\)|\x1b(?!\[)|[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f]/g;
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;

/** One line as the panel shows it: CR dropped, control sequences removed (colours kept), length capped. */
export function cleanLogLine(raw: string): string {
  return raw.replace(/\r$/, '').replace(LOG_CONTROL, '').slice(0, LOG_LINE_CHARS);
}

/** Where a search stopped: the matching line, or null with `complete` false when its time ran out first. */
export interface LogSearchResult {
  line: number | null;
  /** False when the search stopped at its time budget before reaching the end (or start) of the log. */
  complete: boolean;
  /** The last line looked at; a caller may go on from here. */
  searchedTo: number;
}

/**
 * The lines of a growing log file (a station's output in the run folder), read by range.
 * Indexes the byte offset where each line starts, incrementally: each call reads only the
 * bytes appended since the last one. A last line without its newline yet is a line (it is
 * shown as it grows). LF and CRLF endings; a file that shrank (rewritten) is indexed anew.
 * Offsets live in a growing Float64Array (8 bytes a line: 8 MB for a million lines).
 * All methods do synchronous file I/O on `file`; a missing file is an empty log.
 */
export class LogFileLines {
  private starts = new Float64Array(1024);
  /** Lines whose start is known (starts[0..count)), a partial last line included once it has a byte. */
  private count = 0;
  /** Bytes of the file indexed so far. */
  private indexed = 0;

  constructor(readonly file: string) {}

  /** Reads what was appended since the last call and returns the total number of lines. */
  total(): number {
    this.refresh();
    return this.count;
  }

  /**
   * Lines [from, from+count) after `cleanLogLine`, clamped to the log (fewer, or none, past
   * its end), and the total line count at the time of reading.
   */
  lines(from: number, count: number): { lines: string[]; total: number } {
    const total = this.total();
    const a = Math.max(0, Math.min(from, total));
    const b = Math.max(a, Math.min(from + count, total));
    return { lines: this.rawLines(a, b).map(cleanLogLine), total };
  }

  /**
   * The next (`direction` 'next': after `fromLine`) or previous ('previous': before it)
   * line containing `query`, case-insensitive plain text, matched on the line without its
   * colour codes. Reads the file in chunks and stops after `budgetMs` with `complete: false`.
   * An empty query matches nothing.
   */
  search(query: string, fromLine: number, direction: 'next' | 'previous', budgetMs = SEARCH_BUDGET_MS): LogSearchResult {
    const total = this.total();
    const q = query.toLowerCase();
    if (!q) return { line: null, complete: true, searchedTo: fromLine };
    const deadline = Date.now() + budgetMs;
    const step = 4096;
    if (direction === 'next') {
      for (let at = Math.max(0, fromLine + 1); at < total; at += step) {
        const block = this.rawLines(at, Math.min(total, at + step));
        for (let i = 0; i < block.length; i++) if (matches(block[i]!, q)) return { line: at + i, complete: true, searchedTo: at + i };
        if (Date.now() > deadline && at + step < total) return { line: null, complete: false, searchedTo: at + block.length - 1 };
      }
      return { line: null, complete: true, searchedTo: total - 1 };
    }
    for (let end = Math.min(total, fromLine); end > 0; end -= step) {
      const at = Math.max(0, end - step);
      const block = this.rawLines(at, end);
      for (let i = block.length - 1; i >= 0; i--) if (matches(block[i]!, q)) return { line: at + i, complete: true, searchedTo: at + i };
      if (Date.now() > deadline && at > 0) return { line: null, complete: false, searchedTo: at };
    }
    return { line: null, complete: true, searchedTo: 0 };
  }

  /** Raw text of lines [a, b), without their line endings (b <= count). */
  private rawLines(a: number, b: number): string[] {
    if (b <= a) return [];
    const start = this.starts[a]!;
    const end = b < this.count ? this.starts[b]! : this.indexed;
    const buf = readRange(this.file, start, end - start);
    const text = buf.toString('utf8');
    const parts = text.split('\n');
    // The range ends at the start of line b (after a newline) or at the end of the file.
    if (parts.length > b - a) parts.length = b - a;
    return parts.map((p) => (p.endsWith('\r') ? p.slice(0, -1) : p));
  }

  private refresh(): void {
    let size: number;
    try {
      size = fs.statSync(this.file).size;
    } catch {
      size = 0;
    }
    if (size < this.indexed) {
      this.count = 0;
      this.indexed = 0;
    }
    if (size === this.indexed) return;
    const fd = fs.openSync(this.file, 'r');
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      let pos = this.indexed;
      // A line starts at the first byte after a newline (or at 0), once that byte exists.
      let pendingStart = this.pendingStart();
      while (pos < size) {
        const n = fs.readSync(fd, buf, 0, Math.min(CHUNK, size - pos), pos);
        if (n <= 0) break;
        for (let i = 0; i < n; i++) {
          if (pendingStart) {
            this.push(pos + i);
            pendingStart = false;
          }
          if (buf[i] === 0x0a) pendingStart = true;
        }
        pos += n;
      }
      this.indexed = pos;
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Whether the next byte after what is indexed starts a new line. */
  private pendingStart(): boolean {
    if (this.indexed === 0) return true;
    const last = readRange(this.file, this.indexed - 1, 1);
    return last[0] === 0x0a;
  }

  private push(offset: number): void {
    if (this.count === this.starts.length) {
      const grown = new Float64Array(this.starts.length * 2);
      grown.set(this.starts);
      this.starts = grown;
    }
    this.starts[this.count++] = offset;
  }
}

function matches(raw: string, q: string): boolean {
  const lower = raw.toLowerCase();
  return (lower.includes('\x1b') ? lower.replace(SGR, '') : lower).includes(q);
}

function readRange(file: string, start: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  if (length === 0) return buf;
  const fd = fs.openSync(file, 'r');
  try {
    let got = 0;
    while (got < length) {
      const n = fs.readSync(fd, buf, got, length - got, start + got);
      if (n <= 0) break;
      got += n;
    }
    return got < length ? buf.subarray(0, got) : buf;
  } finally {
    fs.closeSync(fd);
  }
}
