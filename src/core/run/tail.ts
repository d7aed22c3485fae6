/**
 * The last `limit` characters of a growing text, kept without copying on every chunk:
 * chunks are joined only when twice over the limit, so memory stays under 2 × limit and
 * each character is copied a bounded number of times. Pure.
 */
export class TextTail {
  private parts: string[] = [];
  private length = 0;
  /** Characters pushed in all. */
  total = 0;

  constructor(readonly limit: number) {}

  push(text: string): void {
    this.total += text.length;
    this.parts.push(text);
    this.length += text.length;
    if (this.length > 2 * this.limit) this.compact();
  }

  /** The tail, at most `limit` characters. */
  text(): string {
    this.compact();
    return this.parts[0] ?? '';
  }

  private compact(): void {
    const t = this.parts.join('').slice(-this.limit);
    this.parts = t ? [t] : [];
    this.length = t.length;
  }
}
