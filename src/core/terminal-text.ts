/**
 * Text from a repository, a station or an agent shown on a terminal: control characters
 * (C0 except tab and newline, DEL, C1, and the Unicode bidi overrides) are shown as `\xNN`
 * / `\u{NNNN}` escapes, so an escape sequence in a log or a file name cannot move the
 * cursor, rewrite what a reviewer sees at a gate, retitle the window or hide text
 * (ECMA-48 control functions; Unicode TR#9 for the bidi controls; "Trojan Source",
 * CVE-2021-42574). Pure.
 */
export function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const n = c.codePointAt(0)!;
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
  });
}
