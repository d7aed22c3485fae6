import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { NOTES_REF } from '../../../src/adapters/git/output';
import { sha256Hex } from '../../../src/core/hash';
import { formatEvidenceNote } from '../../../src/core/run/evidence-note';
import { RUN_LAYOUT } from '../../../src/core/run/layout';
import { loadNoteReview } from '../../../src/host/review/note-review-loader';
import { aFinishedRunFolder } from '../../support/run-folder-fixture';
import { git } from './temp-repo';

const RUN = '20261206-080000-abcdef';

/** A finished, verifying run folder in a git repository whose commit (branch shopfloor/<run>) carries the note `note(sha of its evidence.json)`. */
async function repoWithNote(note: (evidenceSha256: string) => string) {
  const f = await aFinishedRunFolder(RUN);
  git(f.repo, 'init', '-q', '-b', 'main');
  fs.writeFileSync(join(f.repo, '.gitignore'), '.shopfloor/\n');
  git(f.repo, 'add', '.gitignore');
  git(f.repo, 'commit', '-q', '-m', 'base');
  git(f.repo, 'branch', `shopfloor/${RUN}`);
  const sha = sha256Hex(fs.readFileSync(join(f.dir, RUN_LAYOUT.evidenceJson)));
  const file = join(f.repo, '..', `${RUN}-note.md`);
  fs.writeFileSync(file, note(sha));
  git(f.repo, 'notes', `--ref=${NOTES_REF}`, 'add', '-F', file, `shopfloor/${RUN}`);
  return { ...f, sha, commit: git(f.repo, 'rev-parse', 'HEAD') };
}

describe('host/review/note-review-loader: reviewing a branch from its evidence note (real git, real run folder)', () => {
  it('run folder here and the note names its evidence.json: trusted as loadReview says, the bundle shown, no Markdown', async () => {
    const r = await repoWithNote((sha) => formatEvidenceNote('# Shopfloor run: PR_READY\n', { runId: RUN, evidenceSha256: sha }));
    const { commit, decision } = await loadNoteReview(r.repo, `shopfloor/${RUN}`);
    assert.equal(commit, r.commit);
    assert.deepEqual(decision!.view!.problems, []);
    assert.equal(decision!.view!.trusted, true);
    assert.equal(decision!.view!.bundle?.runId, RUN);
    assert.equal(decision!.view!.mode, 'review');
    assert.equal(decision!.markdown, null);
  });

  it("the note names other evidence than the folder's: untrusted, and says the two are not the same evidence", async () => {
    const r = await repoWithNote(() => formatEvidenceNote('# Shopfloor run: PR_READY\n', { runId: RUN, evidenceSha256: 'e'.repeat(64) }));
    const { decision } = await loadNoteReview(r.repo, r.commit);
    assert.equal(decision!.view!.trusted, false);
    assert.match(decision!.view!.problems.join('\n'), /not the same evidence/);
  });

  it('the run folder is not here: untrusted, no bundle, and the note Markdown under a not-verified warning', async () => {
    const r = await repoWithNote((sha) => formatEvidenceNote('# Shopfloor run: PR_READY\n', { runId: RUN, evidenceSha256: sha }));
    fs.rmSync(r.dir, { recursive: true, force: true });
    const { decision } = await loadNoteReview(r.repo, 'main');
    assert.equal(decision!.view!.trusted, false);
    assert.equal(decision!.view!.bundle, null);
    assert.match(decision!.view!.problems[0]!, /is not on this machine/);
    assert.match(decision!.markdown!, /^> \*\*Not verified by Shopfloor\.\*\*[\s\S]*# Shopfloor run: PR_READY\n$/);
  });

  it('a note with a forged run id never reaches the file system: no view, only the Markdown, not verified', async () => {
    const r = await repoWithNote((sha) => `# evidence\n\nShopfloor-Run: ../../../etc\nShopfloor-Evidence-SHA256: ${sha}\n`);
    const { decision } = await loadNoteReview(r.repo, 'main');
    assert.equal(decision!.view, null);
    assert.match(decision!.markdown!, /is not a run id/);
  });

  it('a commit without a note: null, not an error; a rev that names nothing: a clear error', async () => {
    const r = await repoWithNote((sha) => formatEvidenceNote('# x\n', { runId: RUN, evidenceSha256: sha }));
    git(r.repo, 'commit', '-q', '--allow-empty', '-m', 'later');
    assert.deepEqual(await loadNoteReview(r.repo, 'main'), { commit: git(r.repo, 'rev-parse', 'HEAD'), note: null, decision: null });
    await assert.rejects(loadNoteReview(r.repo, 'nope'), /no commit "nope"/);
  });
});
