import { strict as assert } from 'node:assert';
import { rankScope } from '../../../../src/core/packet/scope';
import { parseSeed } from '../../../../src/core/packet/seed';
import { profileRepository } from '../../../../src/core/profile/profile';
import type { GrepQuery } from '../../../../src/core/profile/port';
import { FakeRepoReader } from '../profile/fake-reader';

/** A monorepo where `splitQuoted` appears in two packages; the seed names one package and no path. */
const FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'] }),
  'packages/quoter/package.json': JSON.stringify({ name: 'quoter', main: 'lib/index.js' }),
  'packages/quoter/lib/index.js': 'function splitQuoted(s) {\n  return s.split(\'"\');\n}\nmodule.exports = { splitQuoted };\n',
  'packages/other/package.json': JSON.stringify({ name: 'other', main: 'index.js' }),
  'packages/other/index.js': 'function splitQuoted(s) {\n  return [s];\n}\nmodule.exports = { splitQuoted };\n',
};

class RecordingReader extends FakeRepoReader {
  readonly queries: GrepQuery[] = [];
  override async grep(q: GrepQuery) {
    this.queries.push(q);
    return super.grep(q);
  }
}

describe('core/packet/scope: the early content search gives what the narrowed one gave', () => {
  const seed = 'quoter: `splitQuoted` drops escaped quotes, splitQuoted(\'a\\\\"b\') should give one segment.';

  it('large repository, package named but no path: searched at once, then narrowed to the package', async () => {
    const reader = new RecordingReader(FILES);
    const facts = parseSeed('issue', seed);
    const r = await rankScope(facts, reader.listFiles(), profileRepository(reader), reader, { largeRepoFiles: 1 });
    assert.equal(reader.queries.length, 1);
    assert.equal(reader.queries[0]!.paths, undefined);
    assert.deepEqual(r.paths.map((p) => p.path), ['packages/quoter/lib/index.js']);
    assert.ok(r.notes.some((n) => /limited to 1 folder/.test(n)));
  });

  it('small repository: the whole repository is searched, both definitions ranked', async () => {
    const reader = new RecordingReader(FILES);
    const r = await rankScope(parseSeed('issue', seed), await reader.listFiles(), await profileRepository(reader), reader);
    assert.deepEqual(r.paths.map((p) => p.path).sort(), ['packages/other/index.js', 'packages/quoter/lib/index.js']);
    assert.equal(r.paths[0]!.path, 'packages/quoter/lib/index.js');
  });

  it('large repository, a path named: search limited to its folder, plus the named package folder', async () => {
    const reader = new RecordingReader(FILES);
    const facts = parseSeed('issue', `${seed}\nSee packages/other/index.js line 2.`);
    const r = await rankScope(facts, reader.listFiles(), profileRepository(reader), reader, { largeRepoFiles: 1 });
    assert.deepEqual(reader.queries.map((q) => q.paths), [['packages/other'], ['packages/quoter/lib']]);
    assert.deepEqual(r.paths.map((p) => p.path).sort(), ['packages/other/index.js', 'packages/quoter/lib/index.js']);
  });
});
