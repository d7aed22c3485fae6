import { StringDecoder } from 'node:string_decoder';

/**
 * Incremental Server-Sent Events reader (the WHATWG event-stream format): bytes in, the
 * `data` of each complete event out (multi-line data joined with `\n`). Chunks may split
 * anywhere, inside a line, a CRLF or a UTF-8 sequence; a partial event waits for the next chunk.
 */
export class SseReader {
  private readonly decoder = new StringDecoder('utf8');
  private buf = '';
  private data: string[] = [];
  private pendingCr = false;

  constructor(private readonly onData: (data: string) => void) {}

  feed(chunk: Buffer | string): void {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    // A CR ending the last chunk was a line end; a LF starting this one belongs to it.
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    this.buf += text;
    let start = 0;
    for (let i = 0; i < this.buf.length; i++) {
      const c = this.buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(this.buf.slice(start, i));
      if (c === 13) {
        if (i + 1 === this.buf.length) this.pendingCr = true;
        else if (this.buf.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    this.buf = this.buf.slice(start);
  }

  /** Dispatches a last event the stream ended without a blank line after. */
  end(): void {
    this.buf += this.decoder.end();
    if (this.buf) this.line(this.buf);
    this.buf = '';
    this.line('');
  }

  private line(l: string): void {
    if (l === '') {
      if (this.data.length) this.onData(this.data.join('\n'));
      this.data = [];
      return;
    }
    if (l.startsWith('data:')) this.data.push(l.slice(l.startsWith('data: ') ? 6 : 5));
  }
}
