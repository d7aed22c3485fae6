import type { ReviewView } from '../../contracts';
import type { EvidenceNote } from './evidence-note';

/** Where the note was read from, for the problems shown to the reviewer. */
export interface NoteSource {
  /** What the reviewer picked: a branch name or a commit id. */
  rev: string;
  /** Full id of the commit the note is attached to. */
  commit: string;
}

/**
 * What reviewing a note shows: the panel's review view (null when the note names no run,
 * so there is no run to show), and the Markdown document to open beside it (null when the
 * run folder is here and the panel shows the bundle). The Markdown begins with a warning
 * that it is not verified: only a run folder can be verified.
 */
export interface NoteReviewDecision {
  view: ReviewView | null;
  markdown: string | null;
}

/**
 * Decides what reviewing the evidence note of `source` shows. Pure (the caller reads the
 * note and, when the run folder named by the trailer exists, loads it with loadReview and
 * passes the view as `loaded`; null when it does not exist):
 * - run folder present: `loaded` as loadReview verified it, plus a problem (untrusted) when
 *   the note's evidence SHA-256 is not the SHA-256 of the folder's evidence.json: the note
 *   on the commit is not the evidence of the run folder found here;
 * - run folder absent: an untrusted view of the run with no bundle, saying the folder is not
 *   on this machine, and the note's Markdown to read, marked as not verified;
 * - no usable trailer: no view (no run id to name one), only the Markdown, marked as not
 *   verified with the parser's problem.
 * `folder` is where the run folder would be (workspace-relative), for the absent case.
 */
export function decideNoteReview(note: EvidenceNote, source: NoteSource, loaded: ReviewView | null, folder: string): NoteReviewDecision {
  const at = `${source.rev === source.commit ? source.commit.slice(0, 12) : `${source.rev} (${source.commit.slice(0, 12)})`}`;
  if (!note.trailer) {
    const problems = [`the evidence note of ${at}: ${note.problem ?? 'no trailer'}`];
    return { view: null, markdown: unverifiedMarkdown(note.markdown, problems) };
  }
  const { runId, evidenceSha256 } = note.trailer;
  if (loaded) {
    const problems = [...loaded.problems];
    if (loaded.runId !== runId) problems.push(`the evidence note of ${at} names run ${runId}, the loaded run is ${loaded.runId}`);
    if (loaded.evidenceSha256 !== evidenceSha256)
      problems.push(
        loaded.evidenceSha256
          ? `the evidence note of ${at} is of evidence.json SHA-256 ${evidenceSha256.slice(0, 12)}, the run folder's evidence.json is ${loaded.evidenceSha256.slice(0, 12)}: the note and the run folder are not the same evidence`
          : `the evidence note of ${at} is of evidence.json SHA-256 ${evidenceSha256.slice(0, 12)}, and the run folder has no evidence.json to compare`,
      );
    return { view: { ...loaded, mode: 'review', trusted: loaded.trusted && problems.length === 0, problems }, markdown: null };
  }
  const problems = [
    `the run folder ${folder} is not on this machine: only the evidence note's Markdown (on ${at}) is available, and a note alone cannot be verified (no journal, no files bound by hash)`,
  ];
  return {
    view: { runId, folder, mode: 'review', trusted: false, problems, bundle: null, evidenceSha256: null, verdict: null, logs: [] },
    markdown: unverifiedMarkdown(note.markdown, problems),
  };
}

/** The note's Markdown under a quoted warning, so the document itself says it is not verified. */
function unverifiedMarkdown(markdown: string, problems: string[]): string {
  const warning = ['> **Not verified by Shopfloor.** This is the text of a git note (refs/notes/shopfloor), shown as found:', '>', ...problems.map((p) => `> - ${p}`)];
  return `${warning.join('\n')}\n\n${markdown.trimEnd()}\n`;
}
