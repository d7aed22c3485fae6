import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scenariosResolver } from '../../../src/app/run-setup';

/** Holdout scenarios come only from the user's holdout root (design.md "Isolation and security defaults"). */
describe('app/run-setup scenariosResolver: scenarios only from under the holdout root', () => {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'sf-holdout-')));
  const repo = join(base, 'repo');
  const root = join(base, 'holdout');
  const secret = join(base, 'secret');
  mkdirSync(join(repo, '.shopfloor'), { recursive: true });
  mkdirSync(join(root, 'parser'), { recursive: true });
  mkdirSync(secret);
  writeFileSync(join(secret, 'canary.txt'), 'token\n');
  symlinkSync(secret, join(root, 'escape'));
  const resolve = scenariosResolver(repo, root);

  it('a relative path under the root resolves to its real path', () => {
    assert.deepEqual(resolve('parser'), { hostPath: join(root, 'parser') });
  });

  it('an absolute path outside the root is refused, even one that exists', () => {
    const r = resolve(secret);
    assert.ok('refused' in r && /an absolute path is not allowed/.test(r.refused), JSON.stringify(r));
  });

  it('a ../ escape is refused', () => {
    const r = resolve('../secret');
    assert.ok('refused' in r && /"\.\." is not allowed/.test(r.refused), JSON.stringify(r));
    const r2 = resolve('parser/../../secret');
    assert.ok('refused' in r2, JSON.stringify(r2));
  });

  it('a symlink inside the root that points out of it is refused', () => {
    const r = resolve('escape');
    assert.ok('refused' in r && /outside the holdout root .* \(through a symlink\)/.test(r.refused), JSON.stringify(r));
    assert.ok('refused' in resolve('escape/canary.txt'));
  });

  it('a holdout root inside the repository is refused', () => {
    mkdirSync(join(repo, '.shopfloor', 'holdout', 'parser'), { recursive: true });
    const r = scenariosResolver(repo, join(repo, '.shopfloor', 'holdout'))('parser');
    assert.ok('refused' in r && /holdout root .* is inside the repository/.test(r.refused), JSON.stringify(r));
  });

  it('a registry reference is refused as not available yet; a missing folder says not found', () => {
    const r = resolve('registry:acme/parser@1');
    assert.ok('refused' in r && /registry scenarios are not available yet/.test(r.refused), JSON.stringify(r));
    const m = resolve('nope');
    assert.ok('refused' in m && /not found under the holdout root/.test(m.refused), JSON.stringify(m));
  });
});
