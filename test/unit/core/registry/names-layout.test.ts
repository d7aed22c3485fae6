import { strict as assert } from 'node:assert';
import { checkRegistryName, compareSemver, latestVersion, parseRegistryPath, parseRegistryRef, RegistryNameError, REGISTRY_LAYOUT } from '../../../../src/core/registry';
import { sha256Hex } from '../../../../src/core/hash';

describe('core/registry: names, layout and versions', () => {
  it('accepts plain names, versions and run ids', () => {
    assert.equal(checkRegistryName('name', 'bugfix'), 'bugfix');
    assert.equal(checkRegistryName('name', 'team-a.bugfix2'), 'team-a.bugfix2');
    assert.equal(checkRegistryName('version', '1.2.3-rc.1'), '1.2.3-rc.1');
    assert.equal(checkRegistryName('run id', '20261203-134000-a1b2c3'), '20261203-134000-a1b2c3');
  });

  const hostile: Array<[string, RegExp]> = [
    ['../etc', /traversal/],
    ['a/b', /traversal/],
    ['a\\b', /traversal/],
    ['.hidden', /traversal/],
    ['a..b', /traversal/],
    ['con', /reserved device/],
    ['nul.json', /reserved device/],
    ['com1', /reserved device/],
    ['lpt9.x', /reserved device/],
    ['CON', /reserved device/],
    ['Nul.json', /reserved device/],
    ['Bugfix', /upper-case/],
    ['bugfіx', /non-ASCII character U\+0456/], // Cyrillic і
    ['bug\u200bfix', /non-ASCII character U\+200B/], // zero-width space
    ['ｂugfix', /non-ASCII/], // full-width b, NFKC folds it to ASCII
    ['a'.repeat(65), /longer than 64/],
    ['bug\u0000fix', /control character/],
    ['bugfix.', /ends with/],
    ['bugfix-', /ends with "-"/],
    ['', /empty/],
    ['1fix', /starting with a letter/],
    ['bug fix', /expected a-z/],
  ];
  for (const [value, why] of hostile)
    it(`refuses the name ${JSON.stringify(value)}`, () => {
      assert.throws(() => checkRegistryName('name', value), (e: unknown) => e instanceof RegistryNameError && why.test(e.message) && e.field === 'name');
    });

  it('refuses versions with build metadata, upper case or no semver shape, and bad tiers', () => {
    assert.throws(() => checkRegistryName('version', '1.0.0+build'), /build metadata/);
    assert.throws(() => checkRegistryName('version', '1.0.0-RC1'), /upper-case/);
    assert.throws(() => checkRegistryName('version', '1.0'), /semantic version/);
    assert.throws(() => checkRegistryName('version', '01.0.0'), /semantic version/);
    assert.throws(() => checkRegistryName('tier', 'galaxy'), /platform, domain, team/);
    assert.throws(() => checkRegistryName('name', 42), /not a string/);
  });

  it('parses name@version refs, checking both parts', () => {
    assert.deepEqual(parseRegistryRef('bugfix@1.0.0'), { name: 'bugfix', version: '1.0.0' });
    assert.throws(() => parseRegistryRef('../x@1.0.0'), /ref name/);
    assert.throws(() => parseRegistryRef('bugfix@../../1'), /ref version/);
    assert.throws(() => parseRegistryRef('bugfix'), /expected name@version/);
  });

  it('builds every path from checked parts only, and reads paths back', () => {
    assert.equal(REGISTRY_LAYOUT.blueprint('team', 'bugfix', '1.0.0'), 'blueprints/team/bugfix/1.0.0/blueprint.json');
    assert.equal(REGISTRY_LAYOUT.outcome('bugfix', '1.0.0', 'r-1'), 'outcomes/bugfix/1.0.0/r-1.json');
    const at = '2026-12-03T10:00:00.000Z';
    assert.equal(REGISTRY_LAYOUT.verdict('bugfix', '1.0.0', 'r-1', 'ab'.repeat(32), at), `verdicts/bugfix/1.0.0/r-1-${'ab'.repeat(6)}-${sha256Hex(at).slice(0, 8)}.json`);
    assert.notEqual(REGISTRY_LAYOUT.verdict('bugfix', '1.0.0', 'r-1', 'ab'.repeat(32), '2026-12-03T11:00:00.000Z'), REGISTRY_LAYOUT.verdict('bugfix', '1.0.0', 'r-1', 'ab'.repeat(32), at), 'a changed verdict is a new file');
    assert.equal(REGISTRY_LAYOUT.promotion('bugfix', '1.0.0'), 'promotions/bugfix/1.0.0.json');
    assert.throws(() => REGISTRY_LAYOUT.blueprint('team', '..', '1.0.0'), RegistryNameError);
    assert.throws(() => REGISTRY_LAYOUT.outcome('bugfix', '1.0.0', '../../x'), RegistryNameError);
    assert.throws(() => REGISTRY_LAYOUT.blueprint('../../tmp', 'bugfix', '1.0.0'), RegistryNameError);
    assert.deepEqual(parseRegistryPath('blueprints/team/bugfix/1.0.0/version.json'), { kind: 'blueprint-version', tier: 'team', name: 'bugfix', version: '1.0.0' });
    assert.deepEqual(parseRegistryPath('outcomes/bugfix/1.0.0/r-1.json'), { kind: 'run-outcome', name: 'bugfix', version: '1.0.0', file: 'r-1' });
    assert.equal(parseRegistryPath('blueprints/team/Bugfix/1.0.0/version.json'), undefined);
    assert.equal(parseRegistryPath('README.md'), undefined);
  });

  it('orders versions by semver precedence', () => {
    assert.ok(compareSemver('1.10.0', '1.9.0') > 0);
    assert.ok(compareSemver('1.0.0', '1.0.0-rc.1') > 0);
    assert.ok(compareSemver('1.0.0-rc.2', '1.0.0-rc.10') < 0);
    assert.ok(compareSemver('1.0.0-alpha', '1.0.0-alpha.1') < 0);
    assert.ok(compareSemver('1.0.0-1', '1.0.0-alpha') < 0);
    assert.equal(compareSemver('2.0.0', '2.0.0'), 0);
    assert.equal(latestVersion(['1.0.0', '1.10.0', '1.9.9', '1.10.0-rc.1']), '1.10.0');
    assert.equal(latestVersion([]), undefined);
  });
});
