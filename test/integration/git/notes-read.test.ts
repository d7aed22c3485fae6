import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { listNotedCommits, readEvidenceNote } from '../../../src/adapters/git/notes-read';
import { GitOutputPublisher, NOTES_REF } from '../../../src/adapters/git/output';
import { sha256Hex } from '../../../src/core/hash';
import { parseEvidenceNote } from '../../../src/core/run/evidence-note';
import { git, tempRepo } from './temp-repo';

describe('adapters/git/notes-read: evidence notes of a branch or commit (real git)', () => {
  it('no notes ref yet: a commit has no note (null, not an error) and nothing is listed', async () => {
    const t = tempRepo();
    assert.deepEqual(await readEvidenceNote(t.repo, 'main'), { commit: t.head, note: null });
    assert.deepEqual(await listNotedCommits(t.repo), []);
  });

  it('a rev that names no commit is a clear error; an option-like rev is refused', async () => {
    const t = tempRepo();
    await assert.rejects(readEvidenceNote(t.repo, 'no-such-branch'), /no commit "no-such-branch"/);
    await assert.rejects(readEvidenceNote(t.repo, 'f'.repeat(40)), /no commit/);
    await assert.rejects(readEvidenceNote(t.repo, '--output=/tmp/x'), /not a branch or commit/);
    // a tree is not a commit
    await assert.rejects(readEvidenceNote(t.repo, 'main^{tree}'), /no commit/);
  });

  it('reads the note the output publisher wrote, by branch and by commit; lists it with its branch; another commit has none', async () => {
    const t = tempRepo();
    const patch = [
      'diff --git a/index.js b/index.js',
      '--- a/index.js',
      '+++ b/index.js',
      '@@ -1 +1 @@',
      "-module.exports = 'broken';",
      "+module.exports = 'fixed';",
      '',
    ].join('\n');
    const evidenceSha256 = sha256Hex('{"runId":"20261206-080000-abcdef"}\n');
    const out = await new GitOutputPublisher(t.repo).publish({
      runId: '20261206-080000-abcdef',
      baseCommit: t.head,
      patch,
      approvedPatchSha256: sha256Hex(patch),
      message: 'Fix index\n',
      note: '# Shopfloor run 20261206-080000-abcdef: PR_READY\n\nAll green.\n',
      evidenceSha256,
      date: '2026-12-06T08:00:00.000Z',
    });
    for (const rev of [out.branch, out.commit, out.commit.slice(0, 10)]) {
      const r = await readEvidenceNote(t.repo, rev);
      assert.equal(r.commit, out.commit, rev);
      const parsed = parseEvidenceNote(r.note ?? '');
      assert.deepEqual(parsed.trailer, { runId: '20261206-080000-abcdef', evidenceSha256 }, rev);
      assert.equal(parsed.markdown, '# Shopfloor run 20261206-080000-abcdef: PR_READY\n\nAll green.\n');
    }
    assert.deepEqual(await readEvidenceNote(t.repo, 'main'), { commit: t.head, note: null });

    // a note on a commit no branch points at, one on a blob, and one on an object the repository lacks
    fs.writeFileSync(join(t.repo, 'b.txt'), 'b\n');
    git(t.repo, 'add', 'b.txt');
    git(t.repo, 'commit', '-q', '-m', 'second');
    const second = git(t.repo, 'rev-parse', 'HEAD');
    git(t.repo, 'commit', '-q', '--allow-empty', '-m', 'third');
    git(t.repo, 'notes', `--ref=${NOTES_REF}`, 'add', '-m', 'hand-written', second);
    git(t.repo, 'notes', `--ref=${NOTES_REF}`, 'add', '-m', 'on a blob', git(t.repo, 'rev-parse', 'HEAD:index.js'));
    const listed = await listNotedCommits(t.repo);
    assert.deepEqual(
      listed.map((c) => [c.commit, c.branches]).sort(),
      [
        [out.commit, [out.branch]],
        [second, []],
      ].sort(),
    );
    assert.equal(listed.find((c) => c.commit === second)?.subject, 'second');
    assert.equal((await readEvidenceNote(t.repo, second)).note, 'hand-written\n');
    assert.equal(parseEvidenceNote('hand-written\n').trailer, null);
  });
});
