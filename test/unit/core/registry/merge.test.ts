import { strict as assert } from 'node:assert';
import { blueprintDiff, mergeBlueprint, stableJson } from '../../../../src/core/registry';
import { aBlueprint } from '../../../support/builders';

const base = { ...aBlueprint().with('name', 'bugfix-base').with('tier', 'team').build() } as unknown as Record<string, unknown>;
type B = Record<string, any>;

describe('core/registry: three-way merge of a fork with its parent', () => {
  it('keeps the local edit and takes the parent\'s change elsewhere; identity stays local', () => {
    const local: B = structuredClone(base);
    Object.assign(local, { name: 'ours', forkOf: 'bugfix-base@1.0.0', version: '2.0.0' });
    local.stations[1].prompt = 'Keep the public API stable.';
    const theirs: B = structuredClone(base);
    theirs.version = '1.1.0';
    theirs.maxRevisions = 3;
    const m = mergeBlueprint(base, local, theirs);
    assert.ok(m.ok, !m.ok ? m.why : '');
    const merged = m.merged as B;
    assert.equal(merged.stations[1].prompt, 'Keep the public API stable.');
    assert.equal(merged.maxRevisions, 3);
    assert.deepEqual([merged.name, merged.version, merged.forkOf], ['ours', '2.0.0', 'bugfix-base@1.0.0']);
    assert.equal(m.changed, true);
  });

  it('stops on a conflict and shows both sides', () => {
    const local: B = structuredClone(base);
    local.maxRevisions = 1;
    const theirs: B = structuredClone(base);
    theirs.maxRevisions = 4;
    const m = mergeBlueprint(base, local, theirs);
    assert.equal(m.ok, false);
    if (m.ok) return;
    assert.equal(m.conflicts.length, 1);
    assert.deepEqual(m.conflicts[0]!.local.map((l) => l.trim()), ['"maxRevisions": 1,']);
    assert.deepEqual(m.conflicts[0]!.theirs.map((l) => l.trim()), ['"maxRevisions": 4,']);
    assert.match(m.text, /<<<<<<< local[\s\S]*"maxRevisions": 1[\s\S]*=======[\s\S]*"maxRevisions": 4[\s\S]*>>>>>>> parent/);
  });

  it('the same change on both sides is no conflict; nothing new is unchanged', () => {
    const local: B = structuredClone(base);
    local.maxRevisions = 5;
    const theirs: B = structuredClone(local);
    const m = mergeBlueprint(base, local, theirs);
    assert.ok(m.ok);
    assert.equal(m.changed, false);
  });

  it('diff of a fork against its parent lists the differing lines only', () => {
    const other: B = structuredClone(base);
    other.maxRevisions = 7;
    other.name = 'renamed';
    const d = blueprintDiff(base, other);
    assert.deepEqual(d.map((x) => `${x.op}${x.line.trim()}`), ['-"maxRevisions": 2,', '+"maxRevisions": 7,']);
    assert.ok(stableJson({ b: 1, a: { d: 1, c: 2 } }).startsWith('{\n  "a": {\n    "c": 2'));
  });
});
