/** Longest line an agent stream parser looks at, in characters; longer lines are cut here (a flood guard: one line never holds the parser's memory hostage). */
export const MAX_STREAM_LINE_CHARS = 1_000_000;

/**
 * Splits a stream of text chunks into lines (LF or CRLF), for the JSONL agent streams.
 * A line longer than `maxChars` is cut: its first `maxChars` characters are returned once
 * with `cut: true`, the rest up to the next line break is dropped. Pure.
 */
export class LineSplitter {
  private buffer = '';
  private dropping = false;

  constructor(private readonly maxChars = MAX_STREAM_LINE_CHARS) {}

  /** The complete lines in `chunk` (and what was buffered before it). */
  push(chunk: string): { line: string; cut: boolean }[] {
    const out: { line: string; cut: boolean }[] = [];
    let rest = chunk;
    for (;;) {
      const nl = rest.indexOf('\n');
      if (nl < 0) break;
      const piece = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      if (this.dropping) {
        this.dropping = false;
        this.buffer = '';
        continue;
      }
      const line = (this.buffer + piece).replace(/\r$/, '');
      this.buffer = '';
      if (line.length > this.maxChars) out.push({ line: line.slice(0, this.maxChars), cut: true });
      else out.push({ line, cut: false });
    }
    if (!this.dropping) {
      this.buffer += rest;
      if (this.buffer.length > this.maxChars) {
        out.push({ line: this.buffer.slice(0, this.maxChars), cut: true });
        this.buffer = '';
        this.dropping = true;
      }
    }
    return out;
  }

  /** What is left after the stream ended (a last line without a line break), if anything. */
  end(): { line: string; cut: boolean }[] {
    const line = this.buffer.replace(/\r$/, '');
    this.buffer = '';
    const wasDropping = this.dropping;
    this.dropping = false;
    return line && !wasDropping ? [{ line, cut: false }] : [];
  }
}
