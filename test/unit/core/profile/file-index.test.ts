import { strict as assert } from 'node:assert';
import { FileIndex, indexFiles } from '../../../../src/core/profile/file-index';
import { filesToRead } from '../../../../src/core/profile/profile';
import { VENDORED } from '../../../../src/core/profile/context';
import { languageShares } from '../../../../src/core/profile/languages';
import type { TrackedFile } from '../../../../src/core/profile/port';

const F = (path: string, mode: TrackedFile['mode'] = 'file'): TrackedFile => ({ path, mode });

/** The same questions answered the slow, obvious way (one scan per question). */
function naive(files: readonly TrackedFile[]) {
  const regular = files.filter((f) => f.mode !== 'symlink' && f.mode !== 'submodule').map((f) => f.path);
  const dirs = new Set<string>();
  for (const f of files) for (let d = f.path; d.includes('/'); ) dirs.add((d = d.slice(0, d.lastIndexOf('/'))));
  return { regular, dirs, languages: languageShares(regular) };
}

const LIST: TrackedFile[] = [
  F('.github/workflows/ci.yml'),
  F('README.md'),
  F('link.js', 'symlink'),
  F('node_modules/x/index.js'),
  F('package.json'),
  F('packages/a/package.json'),
  F('packages/a/src/index.ts'),
  F('packages/a/src/util.TS'),
  F('packages/a/test/index.test.ts', 'executable'),
  F('packages/b/vendor/lib/z.go'),
  F('packages/b/main.go'),
  F('sub', 'submodule'),
  F('tools/build/gen.py'),
];

describe('core/profile/file-index: one pass answers what the separate scans did', () => {
  for (const [label, files] of [
    ['git (sorted) order', LIST],
    ['unsorted order', [...LIST].reverse()],
  ] as const) {
    it(`membership, base names, folders, languages, counts (${label})`, () => {
      const idx = new FileIndex(files);
      const n = naive(files);
      for (const f of files) assert.equal(idx.has(f.path), n.regular.includes(f.path), f.path);
      for (const missing of ['', 'packages', 'packages/a', 'nope.js', 'zzz']) assert.equal(idx.has(missing), false, missing);
      assert.deepEqual([...idx.paths].sort(), [...n.regular].sort());
      assert.deepEqual([...idx.dirs()].sort(), [...n.dirs].sort());
      assert.deepEqual(idx.languages(), n.languages);
      assert.deepEqual(idx.byBase.get('package.json'), n.regular.filter((p) => p.endsWith('package.json')));
      assert.equal(idx.byBase.has('link.js'), false);
      assert.deepEqual([idx.symlinks, idx.submodules, idx.files.length], [1, 1, files.length]);
    });
  }

  it('filesToRead picks manifests outside vendored folders, CI and docs, never links', () => {
    const wanted = filesToRead(LIST, 400);
    assert.deepEqual(wanted, ['package.json', 'packages/a/package.json', '.github/workflows/ci.yml']);
    assert.ok(wanted.every((p) => !VENDORED.test(p)));
  });

  it('is built once per list object', () => {
    const files = [...LIST];
    assert.equal(indexFiles(files), indexFiles(files));
    assert.notEqual(indexFiles(files), indexFiles([...LIST]));
  });
});
