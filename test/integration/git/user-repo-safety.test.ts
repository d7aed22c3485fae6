import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { GitWorkspaceProvider } from '../../../src/adapters/git/worktree';
import { GitOutputPublisher, NOTES_REF } from '../../../src/adapters/git/output';
import { humanIdentity } from '../../../src/adapters/git/identity';
import { listNotedCommits, readEvidenceNote } from '../../../src/adapters/git/notes-read';
import { listRemotes } from '../../../src/adapters/git/push';
import { sha256Hex } from '../../../src/core/hash';
import { git, tempRepo } from './temp-repo';

/**
 * The user's repository is left as it was: Shopfloor's git commands there (workspace clone,
 * rev-parse, config reads, the output fetch, the evidence note and reading it back) run none of its hooks, its
 * fsmonitor, its maintenance, or filter/textconv drivers it configures. Each program writes
 * a marker file; the test first proves plain git would run them.
 */
describe('adapters/git: the user repository runs nothing of its own (real git)', () => {
  it('clone, publish and notes run no hook, fsmonitor, auto-gc or filter of the user repository', async () => {
    const t = tempRepo();
    const markers = join(t.root, 'markers');
    fs.mkdirSync(markers);
    const script = (name: string) => {
      const f = join(t.root, `${name}.sh`);
      fs.writeFileSync(f, `#!/bin/sh\ntouch '${join(markers, name)}'\nexit 0\n`, { mode: 0o755 });
      return f;
    };
    const hooks = join(t.repo, '.git', 'hooks');
    for (const h of ['reference-transaction', 'post-commit', 'pre-commit', 'post-checkout', 'post-index-change', 'pre-auto-gc', 'post-rewrite', 'pre-push'])
      fs.copyFileSync(script(h), join(hooks, h));
    fs.chmodSync(hooks, 0o755);
    for (const h of fs.readdirSync(hooks)) fs.chmodSync(join(hooks, h), 0o755);
    fs.writeFileSync(join(t.repo, '.gitattributes'), '* filter=evil diff=evil\n');
    // Committed with hooks off, before the programs are configured, so the set-up itself leaves no marker.
    git(t.repo, '-c', 'core.hooksPath=/dev/null', 'add', '.gitattributes');
    git(t.repo, '-c', 'core.hooksPath=/dev/null', 'commit', '-qm', 'attributes');
    git(t.repo, 'config', 'core.fsmonitor', script('fsmonitor'));
    git(t.repo, 'config', 'filter.evil.clean', script('filter-clean'));
    git(t.repo, 'config', 'filter.evil.smudge', script('filter-smudge'));
    git(t.repo, 'config', 'diff.evil.textconv', script('textconv'));
    git(t.repo, 'config', 'gc.auto', '1');
    git(t.repo, 'config', 'gc.autoDetach', 'false');
    const base = git(t.repo, 'rev-parse', 'HEAD');
    assert.deepEqual(fs.readdirSync(markers), []);

    const provider = new GitWorkspaceProvider(t.repo);
    assert.equal(await provider.resolveBase(undefined), base);
    await provider.stateDir();
    const ws = await provider.create('h1', base);
    fs.writeFileSync(join(ws.dir, 'index.js'), "module.exports = 'fixed';\n");
    const patch = (await ws.diff()).patch;
    const publisher = new GitOutputPublisher(t.repo);
    const req = { runId: 'h1', baseCommit: base, patch, approvedPatchSha256: sha256Hex(patch), message: 'Fix\n', note: '# evidence\n', evidenceSha256: 'a'.repeat(64), date: '2026-11-21T20:00:00.000Z' };
    const out = await publisher.publish(req);
    await publisher.publish(req);
    assert.equal(await humanIdentity(t.repo), 'Dev <dev@example.com>');
    await listRemotes(t.repo);
    // Reviewer mode reads the note back (also in restricted mode): as inert as the rest.
    assert.match((await readEvidenceNote(t.repo, out.branch)).note ?? '', /Shopfloor-Run: h1/);
    assert.equal((await listNotedCommits(t.repo))[0]?.commit, out.commit);
    assert.equal(git(t.repo, 'notes', `--ref=${NOTES_REF}`, 'list', out.commit).length > 0, true);
    assert.deepEqual(fs.readdirSync(markers), [], 'no program of the user repository ran');

    // The markers do work: plain git in the user's repository runs the hooks and the fsmonitor.
    git(t.repo, 'update-ref', 'refs/heads/probe', base);
    git(t.repo, 'status', '--porcelain');
    assert.ok(fs.existsSync(join(markers, 'reference-transaction')), 'the reference-transaction hook runs for plain git');
    assert.ok(fs.existsSync(join(markers, 'fsmonitor')), 'the fsmonitor runs for plain git');
  });
});
