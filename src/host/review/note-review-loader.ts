import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { readEvidenceNote } from '../../adapters/git/notes-read';
import { runFolder } from '../../adapters/store/run-folder';
import { parseEvidenceNote, type EvidenceNote } from '../../core/run/evidence-note';
import { decideNoteReview, type NoteReviewDecision } from '../../core/run/note-review';
import { loadReview } from './review-loader';

/**
 * Reviewer mode from a git note: reads the refs/notes/shopfloor note of commit-ish `rev` in
 * `repo`, and when its trailer names a run whose folder `repo` has, loads and verifies that
 * folder (loadReview); decideNoteReview then says what to show. `note` and `decision` are
 * null when the commit has no note. Throws Error when `rev` names no commit (the message
 * says so) or git fails. I/O: git in `repo` (read-only), reads the run folder. No vscode:
 * the command (src/host/commands/reviewCommands.ts) shows the result.
 */
export async function loadNoteReview(repo: string, rev: string): Promise<{ commit: string; note: EvidenceNote | null; decision: NoteReviewDecision | null }> {
  const { commit, note } = await readEvidenceNote(repo, rev);
  if (note === null) return { commit, note: null, decision: null };
  const parsed = parseEvidenceNote(note);
  const runId = parsed.trailer?.runId;
  // The trailer's run id passed isRunId (parseEvidenceNote), so it names a folder inside the runs folder.
  const dir = runId ? runFolder(repo, runId).dir : undefined;
  const loaded = runId && dir && existsSync(dir) ? loadReview(repo, runId, 'review') : null;
  return { commit, note: parsed, decision: decideNoteReview(parsed, { rev, commit }, loaded, dir ? relative(repo, dir) || dir : '') };
}
