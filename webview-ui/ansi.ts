/**
 * ANSI colour in station logs (ECMA-48 SGR, `ESC [ n ; n m`): splits a line into text
 * segments, each with the classes of the colours and weight in force. Only SGR is read;
 * every other escape or control sequence is removed, and text is never parsed as HTML:
 * the renderer sets each segment as a text node (design.md: repository text is rendered
 * as text). Pure.
 */
export interface AnsiSegment {
  text: string;
  /** CSS classes: `ansi-fg-N` / `ansi-bg-N` (N 0-15, the terminal palette), `ansi-bold`, `ansi-dim`, `ansi-italic`, `ansi-underline`. */
  classes: string[];
}

// eslint-disable-next-line no-control-regex
const SEQUENCE = /\x1b\[([0-?]*)([ -/]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]?|[\x00-\x08\x0b-\x1f\x7f]/g;

interface Pen {
  fg?: number;
  bg?: number;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
}

function classesOf(p: Pen): string[] {
  const c: string[] = [];
  if (p.fg !== undefined) c.push(`ansi-fg-${p.fg}`);
  if (p.bg !== undefined) c.push(`ansi-bg-${p.bg}`);
  if (p.bold) c.push('ansi-bold');
  if (p.dim) c.push('ansi-dim');
  if (p.italic) c.push('ansi-italic');
  if (p.underline) c.push('ansi-underline');
  return c;
}

function applySgr(p: Pen, params: string): void {
  const codes = params === '' ? [0] : params.split(';').map((n) => (n === '' ? 0 : Number(n)));
  for (let i = 0; i < codes.length; i++) {
    const n = codes[i]!;
    if (n === 0) Object.assign(p, { fg: undefined, bg: undefined, bold: false, dim: false, italic: false, underline: false });
    else if (n === 1) p.bold = true;
    else if (n === 2) p.dim = true;
    else if (n === 3) p.italic = true;
    else if (n === 4) p.underline = true;
    else if (n === 22) p.bold = p.dim = false;
    else if (n === 23) p.italic = false;
    else if (n === 24) p.underline = false;
    else if (n >= 30 && n <= 37) p.fg = n - 30;
    else if (n === 39) p.fg = undefined;
    else if (n >= 40 && n <= 47) p.bg = n - 40;
    else if (n === 49) p.bg = undefined;
    else if (n >= 90 && n <= 97) p.fg = n - 90 + 8;
    else if (n >= 100 && n <= 107) p.bg = n - 100 + 8;
    else if (n === 38 || n === 48) {
      // 256-colour and true-colour forms: skip their arguments (the panel keeps to the theme's 16 colours).
      i += codes[i + 1] === 5 ? 2 : codes[i + 1] === 2 ? 4 : 0;
    }
  }
}

/** Splits one log line into coloured text segments (adjacent segments with the same classes are merged). */
export function ansiSegments(line: string): AnsiSegment[] {
  const pen: Pen = { bold: false, dim: false, italic: false, underline: false };
  const out: AnsiSegment[] = [];
  const push = (text: string) => {
    if (!text) return;
    const classes = classesOf(pen);
    const prev = out[out.length - 1];
    if (prev && prev.classes.join(' ') === classes.join(' ')) prev.text += text;
    else out.push({ text, classes });
  };
  let last = 0;
  for (const m of line.matchAll(SEQUENCE)) {
    push(line.slice(last, m.index));
    if (m[3] === 'm' && m[2] === '' && /^[0-9;]*$/.test(m[1] ?? '')) applySgr(pen, m[1] ?? '');
    last = m.index + m[0].length;
  }
  push(line.slice(last));
  return out;
}
