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

describe('core/packet/scope: names a seed uses for code resolve to the defining file (npm conventions)', () => {
  const rank = async (files: Record<string, string>, seed: string) => {
    const reader = new FakeRepoReader(files);
    const r = await rankScope(parseSeed('advisory', seed), await reader.listFiles(), await profileRepository(reader), reader);
    return r.paths.map((p) => p.path);
  };

  it('a package named by a token shorter than a content word ("xq") counts as named: its entry is in scope', async () => {
    const paths = await rank({ 'package.json': JSON.stringify({ name: 'xq', main: 'lib/index.js' }), 'lib/index.js': 'module.exports = {};\n', 'lib/other.js': '1;\n' }, 'xq before 1.2.3 lets an attacker hang the process with a crafted input.');
    assert.equal(paths[0], 'lib/index.js');
  });

  it('the module the entry binds and the seed names in words (parsing → parse) ranks first, above the entry', async () => {
    const files = {
      'package.json': JSON.stringify({ name: 'querykit', main: 'lib/index.js' }),
      'lib/index.js': "var stringify = require('./stringify');\nvar parse = require('./parse');\nmodule.exports = { parse: parse, stringify: stringify };\n",
      'lib/parse.js': 'module.exports = function (str) { return {}; };\n',
      'lib/stringify.js': 'module.exports = function (obj) { return ""; };\n',
    };
    const paths = await rank(files, 'querykit lets an attacker pollute objects while parsing a crafted query string.');
    assert.deepEqual(paths.slice(0, 2), ['lib/parse.js', 'lib/index.js']);
    assert.ok(!paths.includes('lib/stringify.js'));
  });

  it('a member the seed writes as code (`kit.Range` via "new Range") resolves through the entry to its module', async () => {
    const files = {
      'package.json': JSON.stringify({ name: 'verkit', main: 'index.js' }),
      'index.js': "module.exports = {\n  Range: require('./classes/range'),\n  Other: require('./classes/other'),\n};\n",
      'classes/range.js': 'class Range {}\nmodule.exports = Range;\n',
      'classes/other.js': 'class Other {}\nmodule.exports = Other;\n',
    };
    const paths = await rank(files, 'verkit is slow via the function new Range when untrusted data is given.');
    assert.equal(paths[0], 'classes/range.js');
  });

  it('an entry that only re-exports a module (module.exports = require(...)) hands its rank to that module', async () => {
    const files = {
      'package.json': JSON.stringify({ name: 'tracelog', main: './src/index.js' }),
      'src/index.js': "if (typeof window !== 'undefined') module.exports = require('./web.js');\nelse module.exports = require('./node.js');\n",
      'src/node.js': 'exports.log = function () {};\n',
      'src/web.js': 'exports.log = function () {};\n',
    };
    const paths = await rank(files, 'tracelog is vulnerable to a denial of service when untrusted input is logged.');
    assert.ok(paths.includes('src/node.js') && paths.includes('src/web.js'), paths.join(', '));
    assert.ok(paths.indexOf('src/node.js') < paths.indexOf('src/index.js') && paths.indexOf('src/web.js') < paths.indexOf('src/index.js'), paths.join(', '));
  });

  it('for a change to code, the implementation ranks above its type declarations', async () => {
    const files = {
      'package.json': JSON.stringify({ name: 'wrapper', main: 'index.js' }),
      'index.js': 'module.exports = function wrapText(s) { return s; };\n',
      'index.d.ts': 'declare function wrapText(s: string): string;\n// wrapText options\n// wrapText result\nexport = wrapText;\n',
    };
    const paths = await rank(files, 'The `wrapText` function hangs on long input (ReDoS).');
    assert.equal(paths[0], 'index.js');
    assert.ok(paths.indexOf('index.d.ts') > 0);
  });
});
