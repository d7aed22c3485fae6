import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectorySetupCache, summarizeTree, type DirectorySetupCacheOptions } from '../../../../src/adapters/local/setup-cache';
import type { RunWorkspace } from '../../../../src/core/run/ports';

const git = (dir: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8' }).trim();

/** A git repository whose node_modules is ignored, with `node_modules/dep` installed (a file, an executable, a relative symlink). */
function repoWithTree(scratch: string, name: string, content = 'module.exports = 1;\n'): RunWorkspace {
  const dir = join(scratch, name);
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q');
  fs.writeFileSync(join(dir, '.gitignore'), 'node_modules/\n.shopfloor/\ndist/\n');
  fs.writeFileSync(join(dir, 'package.json'), '{"name":"app"}\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  install(dir, content);
  return { dir } as RunWorkspace;
}

function install(dir: string, content = 'module.exports = 1;\n'): void {
  fs.mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
  fs.mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  fs.writeFileSync(join(dir, 'node_modules', 'dep', 'index.js'), content);
  fs.writeFileSync(join(dir, 'node_modules', 'dep', 'cli.js'), '#!/usr/bin/env node\n', { mode: 0o755 });
  fs.symlinkSync('../dep/cli.js', join(dir, 'node_modules', '.bin', 'dep'));
}

/** An empty clone-like workspace: a git repository with the same ignore file and nothing installed. */
function emptyWorkspace(scratch: string, name: string): RunWorkspace {
  const dir = join(scratch, name);
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q');
  fs.writeFileSync(join(dir, '.gitignore'), 'node_modules/\n.shopfloor/\ndist/\n');
  return { dir } as RunWorkspace;
}

function assertRestored(ws: RunWorkspace, content = 'module.exports = 1;\n'): void {
  assert.equal(fs.readFileSync(join(ws.dir, 'node_modules', 'dep', 'index.js'), 'utf8'), content);
  assert.equal(fs.readlinkSync(join(ws.dir, 'node_modules', '.bin', 'dep')), '../dep/cli.js', 'the symlink is kept verbatim (relative, not resolved)');
  assert.equal(fs.statSync(join(ws.dir, 'node_modules', 'dep', 'cli.js')).mode & 0o111, 0o111, 'the executable bit is kept');
}

for (const copy of ['auto', 'node'] as const) {
  describe(`adapters/local/setup-cache: set-up results on the host (copy: ${copy})`, () => {
    let scratch: string;
    let notes: string[];
    const cacheIn = (root: string, o: DirectorySetupCacheOptions = {}) => new DirectorySetupCache(root, { copy, onNote: (m) => notes.push(m), ...o });
    beforeEach(() => {
      scratch = fs.mkdtempSync(join(tmpdir(), 'sf-setup-cache-'));
      notes = [];
    });
    afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

    it('saves the ignored files and restores them into another workspace, symlinks and modes kept, with a version 2 manifest', async () => {
      const cache = cacheIn(join(scratch, 'store'));
      const a = repoWithTree(scratch, 'a');
      fs.mkdirSync(join(a.dir, 'dist'));
      fs.writeFileSync(join(a.dir, 'dist', 'built.js'), 'built');
      const b = emptyWorkspace(scratch, 'b');
      assert.equal(await cache.restore('k1', b), false, 'nothing saved yet');
      assert.equal(await cache.has('k1'), false);
      await cache.save('k1', a);
      assert.equal(await cache.has('k1'), true);
      assert.equal(await cache.has('../k1'), false, 'a key that is a path is no entry');
      assert.equal(await cache.restore('k1', b), true);
      assertRestored(b);
      assert.equal(fs.readFileSync(join(b.dir, 'dist', 'built.js'), 'utf8'), 'built', 'a full set-up keeps every ignored file');
      const manifest = JSON.parse(fs.readFileSync(join(scratch, 'store', 'k1', 'entries.json'), 'utf8'));
      assert.equal(manifest.version, 2);
      const nm = manifest.entries.find((e: { path: string }) => e.path === 'node_modules');
      assert.deepEqual(nm, await summarizeTree(join(a.dir, 'node_modules'), 'node_modules'), 'the manifest describes the tree as installed');
      assert.equal(nm.files, 3);
      assert.deepEqual(fs.readdirSync(join(scratch, 'store')), ['k1'], 'no temporary folder left');
      assert.deepEqual(notes, []);
    });

    it('a truncated or missing file in the store is detected: the entry is removed, restore says false, and the next save rebuilds it', async () => {
      const root = join(scratch, 'store');
      const cache = cacheIn(root);
      const a = repoWithTree(scratch, 'a', 'x'.repeat(4096));
      await cache.save('k', a);
      fs.truncateSync(join(root, 'k', 'files', 'node_modules', 'dep', 'index.js'), 100);
      const b = emptyWorkspace(scratch, 'b');
      assert.equal(await cache.restore('k', b), false);
      assert.equal(fs.existsSync(join(root, 'k')), false, 'the corrupt entry is gone');
      assert.equal(fs.existsSync(join(b.dir, 'node_modules')), false, 'nothing of it reached the workspace');
      assert.match(notes.join('\n'), /does not match its manifest.*bytes/);

      await cache.save('k', a);
      fs.rmSync(join(root, 'k', 'files', 'node_modules', '.bin', 'dep'));
      assert.equal(await cache.restore('k', b), false, 'a partial entry (a file missing) is not used either');
      assert.equal(fs.existsSync(join(root, 'k')), false);

      await cache.save('k', a);
      // Same size, another name: the counts and bytes agree, the names do not.
      fs.renameSync(join(root, 'k', 'files', 'node_modules', 'dep', 'cli.js'), join(root, 'k', 'files', 'node_modules', 'dep', 'cli.cjs'));
      assert.equal(await cache.restore('k', b), false);
      assert.match(notes.at(-1)!, /names, types or sizes differ/);

      await cache.save('k', a);
      assert.equal(await cache.restore('k', b), true, 'rebuilt by the next save');
      assertRestored(b, 'x'.repeat(4096));
    });

    it('a version 1 manifest (a plain array, no sizes) is stale: removed, restore says false', async () => {
      const root = join(scratch, 'store');
      fs.mkdirSync(join(root, 'old', 'files', 'node_modules', 'dep'), { recursive: true });
      fs.writeFileSync(join(root, 'old', 'files', 'node_modules', 'dep', 'index.js'), 'old');
      fs.writeFileSync(join(root, 'old', 'entries.json'), JSON.stringify(['node_modules']));
      const b = emptyWorkspace(scratch, 'b');
      assert.equal(await cacheIn(root).has('old'), false, 'a stale entry is not offered');
      assert.equal(await cacheIn(root).restore('old', b), false);
      assert.equal(fs.existsSync(join(root, 'old')), false);
      assert.equal(fs.existsSync(join(b.dir, 'node_modules')), false);
      assert.match(notes.join('\n'), /old or unreadable manifest/);
    });

    it('dependency trees go to the shared store: another repository with the same key restores them; full set-up results stay per repository', async () => {
      const shared = join(scratch, 'home', 'dependency-trees');
      const cacheA = cacheIn(join(scratch, 'repo-a-state', 'setup-cache'), { shared });
      const cacheB = cacheIn(join(scratch, 'repo-b-state', 'setup-cache'), { shared });
      const a = repoWithTree(scratch, 'a');
      fs.mkdirSync(join(a.dir, 'dist'));
      fs.writeFileSync(join(a.dir, 'dist', 'built.js'), 'of this commit');
      await cacheA.save('lockfile-key', a, { only: 'dependency-trees' });
      await cacheA.save('commit-key', a);
      assert.equal(fs.statSync(shared).mode & 0o777, 0o700, 'the shared store is the user\'s alone');
      assert.deepEqual(fs.readdirSync(shared), ['lockfile-key']);
      assert.deepEqual(fs.readdirSync(join(scratch, 'repo-a-state', 'setup-cache')), ['commit-key']);

      const b = emptyWorkspace(scratch, 'b');
      assert.equal(await cacheB.has('lockfile-key'), true, 'the shared store answers for every repository');
      assert.equal(await cacheB.has('commit-key'), false);
      assert.equal(await cacheB.restore('commit-key', b), false, 'another repository never gets this one\'s full set-up');
      assert.equal(await cacheB.restore('lockfile-key', b), true);
      assertRestored(b);
      assert.equal(fs.existsSync(join(b.dir, 'dist')), false, 'only dependency trees are shared');
    });

    it('prunes the least recently used entries after a save, by count and by bytes; the entry just saved is kept', async () => {
      const root = join(scratch, 'store');
      const cache = cacheIn(root, { limits: { repo: { entries: 2 } } });
      const a = repoWithTree(scratch, 'a');
      await cache.save('k1', a);
      await cache.save('k2', a);
      const past = (s: number) => new Date(Date.now() - s * 1000);
      fs.utimesSync(join(root, 'k1', 'last-used'), past(100), past(100));
      fs.utimesSync(join(root, 'k2', 'last-used'), past(50), past(50));
      assert.equal(await cache.restore('k1', emptyWorkspace(scratch, 'b')), true, 'k1 used again: now the most recent');
      fs.mkdirSync(join(root, 'k0.tmp-1-dead'), { recursive: true });
      fs.utimesSync(join(root, 'k0.tmp-1-dead'), past(7200), past(7200));
      fs.mkdirSync(join(root, 'k0.tmp-2-live'), { recursive: true });
      await cache.save('k3', a);
      assert.deepEqual(fs.readdirSync(root).sort(), ['k0.tmp-2-live', 'k1', 'k3'], 'k2 least recently used; a dead save swept, a live one left');
      assert.match(notes.join('\n'), /removed entry k2/);

      const bytes = JSON.parse(fs.readFileSync(join(root, 'k3', 'entries.json'), 'utf8')).entries.reduce((n: number, e: { bytes: number }) => n + e.bytes, 0);
      const small = cacheIn(root, { limits: { repo: { entries: 10, bytes: bytes * 2 } } });
      await small.save('k4', a);
      assert.deepEqual(fs.readdirSync(root).filter((n) => !n.includes('.tmp-')).sort(), ['k3', 'k4'], 'two entries fit the byte cap');
    });

    it('a dependency-tree save with no node_modules keeps nothing; a key that is a path is refused', async () => {
      const cache = cacheIn(join(scratch, 'store'));
      const c = emptyWorkspace(scratch, 'c');
      await cache.save('empty', c, { only: 'dependency-trees' });
      assert.equal(await cache.restore('empty', c), false);
      await assert.rejects(cache.save('../x', c), /not a cache key/);
      assert.equal(await cache.restore('../x', c), false);
    });
  });
}
