import { isRunId } from './run-id';

/**
 * The evidence note Shopfloor attaches to an output commit (git note under
 * refs/notes/shopfloor, src/adapters/git/output.ts), format 1:
 *
 *     <evidence Markdown, trailing whitespace trimmed>
 *     <blank line>
 *     Shopfloor-Run: <run id>
 *     Shopfloor-Evidence-SHA256: <64 lowercase hex digits: SHA-256 of the run's evidence.json>
 *
 * The trailer is the note's last paragraph (after the last blank line), one `Key: value`
 * line each, in the style of git commit trailers, so the Markdown still reads as Markdown
 * and `git notes show` stays readable. Keys are matched exactly; other `Shopfloor-*` keys
 * are ignored (a later format may add some). The journal seal is not in the trailer: the
 * note is written before the journal is sealed (the seal counts the records before it,
 * the output record included), so its hash does not exist yet.
 */
export const EVIDENCE_NOTE_TRAILER = { run: 'Shopfloor-Run', evidenceSha256: 'Shopfloor-Evidence-SHA256' } as const;

/** What a note's trailer says: which run the note is of, and which evidence.json it rendered. */
export interface EvidenceNoteTrailer {
  runId: string;
  /** SHA-256 (lowercase hex) of the run's evidence.json bytes. */
  evidenceSha256: string;
}

/**
 * A parsed note: the Markdown without its trailer, and the trailer, or why there is no
 * usable one (`problem`, a sentence; `trailer` is then null). Exactly one of `trailer` and
 * `problem` is null.
 */
export interface EvidenceNote {
  markdown: string;
  trailer: EvidenceNoteTrailer | null;
  problem: string | null;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const TRAILER_LINE = /^(Shopfloor-[A-Za-z0-9-]+):[ \t]*(.*?)[ \t]*$/;

/**
 * The note text for `markdown` of run `t.runId` whose evidence.json has SHA-256
 * `t.evidenceSha256` (the format above). A trailer already at the end of `markdown` is
 * replaced, so formatting a formatted note gives the same note. Pure. Throws Error for a
 * run id isRunId refuses or a hash that is not 64 lowercase hex digits (nothing would
 * parse it back).
 */
export function formatEvidenceNote(markdown: string, t: EvidenceNoteTrailer): string {
  if (!isRunId(t.runId)) throw new Error(`not a run id: ${JSON.stringify(t.runId)}`);
  if (!SHA256_HEX.test(t.evidenceSha256)) throw new Error(`not a SHA-256 (64 lowercase hex digits): ${JSON.stringify(t.evidenceSha256)}`);
  const body = splitTrailer(markdown).body.trimEnd();
  return `${body}\n\n${EVIDENCE_NOTE_TRAILER.run}: ${t.runId}\n${EVIDENCE_NOTE_TRAILER.evidenceSha256}: ${t.evidenceSha256}\n`;
}

/**
 * Reads a note written by formatEvidenceNote. Pure; never throws. A note without a
 * trailer (written before format 1, or by hand), with a key missing or given twice (an
 * appended or edited note: which line to believe is not ours to guess), a run id isRunId
 * refuses (it would name a folder outside the runs folder) or a malformed hash gives
 * `trailer: null` and the problem. CRLF line ends are accepted.
 */
export function parseEvidenceNote(text: string): EvidenceNote {
  const { body, lines } = splitTrailer(text.replace(/\r\n/g, '\n'));
  const markdown = body.trimEnd() + (body.trim() ? '\n' : '');
  const fail = (problem: string): EvidenceNote => ({ markdown, trailer: null, problem });
  if (!lines.length) return fail(`the note has no Shopfloor trailer (${EVIDENCE_NOTE_TRAILER.run}, ${EVIDENCE_NOTE_TRAILER.evidenceSha256}): it does not say which run or evidence it is`);
  const values = new Map<string, string[]>();
  for (const [key, value] of lines) values.set(key, [...(values.get(key) ?? []), value]);
  const one = (key: string): string | { problem: string } => {
    const v = values.get(key) ?? [];
    if (v.length === 0) return { problem: `the note's trailer has no ${key} line` };
    if (v.length > 1) return { problem: `the note's trailer has ${v.length} ${key} lines: it was appended to or edited` };
    return v[0]!;
  };
  const runId = one(EVIDENCE_NOTE_TRAILER.run);
  if (typeof runId !== 'string') return fail(runId.problem);
  const sha = one(EVIDENCE_NOTE_TRAILER.evidenceSha256);
  if (typeof sha !== 'string') return fail(sha.problem);
  if (!isRunId(runId)) return fail(`the note's ${EVIDENCE_NOTE_TRAILER.run} ${JSON.stringify(runId.slice(0, 120))} is not a run id`);
  if (!SHA256_HEX.test(sha)) return fail(`the note's ${EVIDENCE_NOTE_TRAILER.evidenceSha256} ${JSON.stringify(sha.slice(0, 120))} is not a SHA-256 (64 lowercase hex digits)`);
  return { markdown, trailer: { runId, evidenceSha256: sha }, problem: null };
}

/**
 * `text` split into its body and its trailer lines: the last paragraph when every one of
 * its lines is a `Shopfloor-*: value` line and a blank line (or nothing) precedes it;
 * otherwise no trailer and the whole text is the body.
 */
function splitTrailer(text: string): { body: string; lines: Array<[string, string]> } {
  const trimmed = text.trimEnd();
  const cut = trimmed.lastIndexOf('\n\n');
  const last = cut < 0 ? trimmed : trimmed.slice(cut + 2);
  const parsed = last.split('\n').map((l) => TRAILER_LINE.exec(l));
  if (!last.trim() || parsed.some((m) => m === null)) return { body: text, lines: [] };
  return { body: cut < 0 ? '' : trimmed.slice(0, cut), lines: parsed.map((m) => [m![1]!, m![2]!]) };
}
