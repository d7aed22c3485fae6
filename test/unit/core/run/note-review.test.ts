import { strict as assert } from 'node:assert';
import type { ReviewView } from '../../../../src/contracts';
import { formatEvidenceNote, parseEvidenceNote } from '../../../../src/core/run/evidence-note';
import { decideNoteReview } from '../../../../src/core/run/note-review';

const RUN = '20261206-080000-abcdef';
const SHA = 'ab'.repeat(32);
const COMMIT = 'c'.repeat(40);
const source = { rev: `shopfloor/${RUN}`, commit: COMMIT };
const folder = `.shopfloor/runs/${RUN}`;
const note = parseEvidenceNote(formatEvidenceNote('# Shopfloor run: PR_READY\n', { runId: RUN, evidenceSha256: SHA }));

function loaded(over: Partial<ReviewView> = {}): ReviewView {
  return { runId: RUN, folder, mode: 'review', trusted: true, problems: [], bundle: null, evidenceSha256: SHA, verdict: null, logs: [], ...over };
}

describe('core/run/note-review: what reviewing a branch or commit note shows', () => {
  it('run folder here, evidence SHA-256 matches: the view as loadReview verified it (trusted stays trusted), no Markdown', () => {
    const d = decideNoteReview(note, source, loaded(), folder);
    assert.deepEqual(d, { view: loaded(), markdown: null });
  });

  it('run folder here but it does not verify: untrusted as loadReview says, even when the hashes match', () => {
    const d = decideNoteReview(note, source, loaded({ trusted: false, problems: ['journal: chain broken at record 3'] }), folder);
    assert.equal(d.view!.trusted, false);
    assert.deepEqual(d.view!.problems, ['journal: chain broken at record 3']);
  });

  it("SHA-256 mismatch: untrusted, with a problem naming both hashes; a folder without evidence.json too", () => {
    const d = decideNoteReview(note, source, loaded({ evidenceSha256: 'ef'.repeat(32) }), folder);
    assert.equal(d.view!.trusted, false);
    assert.equal(d.view!.problems.length, 1);
    assert.match(d.view!.problems[0]!, /abababababab.*efefefefefef.*not the same evidence/);
    assert.match(d.view!.problems[0]!, new RegExp(`shopfloor/${RUN} \\(cccccccccccc\\)`));
    const none = decideNoteReview(note, source, loaded({ evidenceSha256: null, trusted: false, problems: ['evidence.json is missing'] }), folder);
    assert.equal(none.view!.trusted, false);
    assert.match(none.view!.problems.at(-1)!, /no evidence.json to compare/);
  });

  it('a loaded view of another run (caller error) is untrusted, never trusted', () => {
    const d = decideNoteReview(note, source, loaded({ runId: '20261206-090000-ffffff' }), folder);
    assert.equal(d.view!.trusted, false);
    assert.match(d.view!.problems.join('\n'), /names run 20261206-080000-abcdef, the loaded run is 20261206-090000-ffffff/);
  });

  it('run folder absent: an untrusted view of the run with no bundle, and the note Markdown under a not-verified warning', () => {
    const d = decideNoteReview(note, source, null, folder);
    assert.equal(d.view!.trusted, false);
    assert.equal(d.view!.runId, RUN);
    assert.equal(d.view!.bundle, null);
    assert.equal(d.view!.evidenceSha256, null);
    assert.match(d.view!.problems[0]!, /run folder \.shopfloor\/runs\/20261206-080000-abcdef is not on this machine: only the evidence note's Markdown/);
    assert.match(d.markdown!, /^> \*\*Not verified by Shopfloor\.\*\*/);
    assert.match(d.markdown!, /# Shopfloor run: PR_READY\n$/);
  });

  it('a note without a usable trailer: no view (no run to name), only the Markdown marked as not verified with the reason', () => {
    const d = decideNoteReview(parseEvidenceNote('# hand-written\n'), { rev: COMMIT, commit: COMMIT }, null, folder);
    assert.equal(d.view, null);
    assert.match(d.markdown!, /^> \*\*Not verified by Shopfloor\.\*\*/);
    assert.match(d.markdown!, /cccccccccccc: the note has no Shopfloor trailer/);
    assert.match(d.markdown!, /# hand-written\n$/);
  });
});
