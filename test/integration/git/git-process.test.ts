import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitProcess } from '../../../src/adapters/git/git-process';
import { GitWorkspaceProvider } from '../../../src/adapters/git/worktree';

function repo(): { dir: string; head: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sf-gitproc-'));
  const g = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { cwd: dir, encoding: 'utf8' }).trim();
  g('init', '-q');
  writeFileSync(join(dir, 'a.txt'), 'a\n');
  g('add', '-A');
  g('commit', '-qm', 'one');
  return { dir, head: g('rev-parse', 'HEAD') };
}

describe('adapters/git/git-process: git as a plain process (real git)', () => {
  it('runs with the given -c settings, ignores the caller\'s GIT_* variables, and rejects with git\'s stderr', async () => {
    const { dir } = repo();
    const other = repo();
    const saved = process.env.GIT_DIR;
    process.env.GIT_DIR = join(other.dir, '.git');
    try {
      const git = gitProcess({ cwd: dir, config: ['core.hooksPath=/dev/null'] });
      assert.equal((await git.raw(['config', 'core.hooksPath'])).trim(), '/dev/null');
      assert.equal((await git.raw(['rev-parse', '--show-toplevel'])).trim(), execFileSync('realpath', [dir], { encoding: 'utf8' }).trim(), 'GIT_DIR of the caller did not redirect the command');
      await assert.rejects(git.raw(['rev-parse', '--verify', 'no-such-ref']), /fatal|needed a single revision/);
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
    }
  });

  it('a run workspace is a clone at the base commit with its own identity; attach refuses a commit the clone lacks', async () => {
    const { dir, head } = repo();
    const p = new GitWorkspaceProvider(dir, mkdtempSync(join(tmpdir(), 'sf-gitproc-ws-')));
    const ws = await p.create('20261206-000000-abcdef', head);
    const g = (...a: string[]) => execFileSync('git', ['-c', `safe.directory=${ws.dir}`, ...a], { cwd: ws.dir, encoding: 'utf8' }).trim();
    assert.equal(g('rev-parse', 'HEAD'), head);
    assert.equal(g('config', 'user.name'), 'Shopfloor');
    assert.equal(g('config', 'commit.gpgsign'), 'false');
    assert.ok(await p.attach('20261206-000000-abcdef', ws.dir, head));
    assert.equal(await p.attach('20261206-000000-abcdef', ws.dir, 'f'.repeat(40)), undefined);
  });
});
