import type { OutputSink } from '../../core/container';

/**
 * One output stream of an exec with a byte cap. Bytes up to the cap go to the sink
 * unchanged (no bytes lost before the cap); crossing it sends one truncation marker;
 * after that bytes are only counted, so memory stays flat however much a command writes.
 */
export class CappedOutput {
  total = 0;
  truncated = false;
  private delivered = 0;

  constructor(
    private readonly name: 'stdout' | 'stderr',
    private readonly cap: number,
    private readonly sink: OutputSink | undefined,
  ) {}

  /** Delivers a chunk; the returned promise (if any) is the sink's backpressure. */
  write(chunk: Buffer): void | Promise<void> {
    this.total += chunk.length;
    if (this.truncated || !this.sink) {
      if (!this.truncated && this.total > this.cap) this.truncated = true;
      return;
    }
    const room = this.cap - this.delivered;
    if (chunk.length <= room) {
      this.delivered += chunk.length;
      return this.sink(chunk);
    }
    this.truncated = true;
    const head = chunk.subarray(0, room);
    this.delivered += room;
    const marker = Buffer.from(`\n[shopfloor: ${this.name} truncated after ${this.cap} bytes; the rest is counted, not kept]\n`);
    const r1 = head.length > 0 ? this.sink(head) : undefined;
    return r1 instanceof Promise ? r1.then(() => this.sink!(marker)) : this.sink(marker);
  }
}
