import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { GitRepoReader, SEARCH_MAX_FILE_BYTES } from '../../../src/adapters/git/repo-reader';
import { draftPacket } from '../../../src/core/packet/draft';
import { git, tempRepo } from '../git/temp-repo';

/**
 * Issue 9 item 9: drafting is bounded. A tracked file far over the content-search limit
 * (a committed log or bundle) is left out of `git grep`, named in the notes, and a draft
 * can be cancelled while git is still searching.
 */
describe('drafting on a repository with a huge tracked file (real git)', function () {
  this.timeout(120_000);
  let repo: string;
  const BIG = 96 * 1024 * 1024;

  before(() => {
    repo = tempRepo().repo;
    fs.mkdirSync(join(repo, 'src'));
    fs.writeFileSync(join(repo, 'src', 'tokens.js'), 'function normalizeTokenTable(t) {\n  return t;\n}\nmodule.exports = { normalizeTokenTable };\n');
    // 96 MiB of text that mentions the identifier on every line: before the limit, every
    // line of it was a hit, and git inflated all of it on each search.
    const line = 'normalizeTokenTable called with a record of no interest to anyone at all\n';
    const fd = fs.openSync(join(repo, 'huge.log'), 'w');
    const chunk = line.repeat(Math.ceil((1024 * 1024) / line.length));
    for (let written = 0; written < BIG; written += chunk.length) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'add a huge log');
  });

  it('leaves files over the limit out of content search and says so', async () => {
    const reader = new GitRepoReader(repo);
    const skipped = await reader.searchSkipped();
    assert.deepEqual(skipped.map((f) => f.path), ['huge.log']);
    assert.ok(skipped[0]!.bytes > SEARCH_MAX_FILE_BYTES);
    const hits = await reader.grep({ patterns: ['normalizeTokenTable'], maxPerFile: 20 });
    assert.deepEqual([...new Set(hits.map((h) => h.path))], ['src/tokens.js']);

    const { packet, notes } = await draftPacket({ seed: { kind: 'issue', text: 'normalizeTokenTable drops the last entry of the table when it is given an empty record' }, reader: new GitRepoReader(repo) });
    assert.ok(!packet.scope.paths.some((p) => p.path === 'huge.log'), `scope: ${packet.scope.paths.map((p) => p.path).join(', ')}`);
    assert.ok(packet.scope.paths.some((p) => p.path === 'src/tokens.js'), `scope: ${packet.scope.paths.map((p) => p.path).join(', ')}`);
    assert.ok(notes.some((n) => /left out 1 tracked file.*huge\.log/.test(n)), notes.join('\n'));
  });

  it('a larger limit searches it again (the limit is the only reason it was left out)', async () => {
    const hits = await new GitRepoReader(repo, { searchMaxFileBytes: BIG * 2 }).grep({ patterns: ['normalizeTokenTable'], maxPerFile: 1 });
    assert.ok(hits.some((h) => h.path === 'huge.log'));
  });

  it('cancelling stops git and rejects with the abort reason; no git child is left', async () => {
    const abort = new AbortController();
    // With the limit raised, the search has 96 MiB to inflate and scan: the abort lands mid-way.
    const reader = new GitRepoReader(repo, { searchMaxFileBytes: BIG * 2, signal: abort.signal });
    const searching = reader.grep({ patterns: ['no-such-identifier-anywhere', 'another-absent-one'], ignoreCase: true, maxPerFile: 1 });
    setTimeout(() => abort.abort(new Error('drafting cancelled by the user')), 50);
    await assert.rejects(searching, /drafting cancelled by the user/);
    await assert.rejects(reader.listFiles(), /drafting cancelled by the user/);
    const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    assert.ok(!ps.split('\n').some((l) => l.includes('git') && l.includes('no-such-identifier-anywhere')), 'a git grep child is still running');
  });
});
