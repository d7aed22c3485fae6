import { strict as assert } from 'node:assert';
import { canonicalJson, contentHash, sha256Hex } from '../../../src/core/hash';

describe('core/hash', () => {
  it('canonical JSON sorts keys, drops undefined and has no whitespace', () => {
    assert.equal(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined }), '{"a":[true,null,"x"],"b":1}');
  });

  it('equal content in any key order hashes the same; different content differently', () => {
    assert.equal(contentHash({ a: 1, b: { c: 2, d: 3 } }), contentHash({ b: { d: 3, c: 2 }, a: 1 }));
    assert.notEqual(contentHash({ a: 1 }), contentHash({ a: 2 }));
  });

  it('sha256Hex matches the known digest of "abc" (FIPS 180-2 test vector)', () => {
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('refuses values that have no canonical form', () => {
    assert.throws(() => canonicalJson({ n: Number.NaN }), /non-finite/);
    assert.throws(() => canonicalJson({ f: () => 1 }), /cannot hash a function/);
  });
});
