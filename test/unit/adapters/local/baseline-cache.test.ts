import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryBaselineCache } from '../../../../src/adapters/local/baseline-cache';
import type { BaselineRecord } from '../../../../src/core/run/ports';

const record = (key: string, baseCommit: string, exitCode: number): BaselineRecord => ({
  key,
  baseCommit,
  stationId: 'validate',
  runId: 'r1',
  commands: [{ command: { argv: ['npm', 'test'] }, exitCode, durationMs: 5, timedOut: false, outputTail: 'Error: no test files', truncated: false }],
});

describe('adapters/local: the validation baseline cache', () => {
  it('stores one record per key, reads it back, and lists a base commit\'s records', async () => {
    const root = join(fs.mkdtempSync(join(tmpdir(), 'sf-baseline-')), 'baseline-cache');
    const cache = new DirectoryBaselineCache(root);
    const k1 = 'a'.repeat(64);
    const k2 = 'b'.repeat(64);
    assert.equal(await cache.get(k1), undefined);
    assert.deepEqual(cache.forCommit('c'.repeat(40)), [], 'no folder yet: nothing, no throw');
    await cache.put(k1, record(k1, 'c'.repeat(40), 1));
    await cache.put(k2, record(k2, 'd'.repeat(40), 0));
    assert.equal((await cache.get(k1))!.commands[0]!.exitCode, 1);
    assert.deepEqual(cache.forCommit('c'.repeat(40)).map((r) => r.key), [k1]);
    assert.deepEqual(fs.readdirSync(root).sort(), [`${k1}.json`, `${k2}.json`], 'no temporary file left');
  });

  it('a damaged record or a key that is not a hash is a miss, never an error', async () => {
    const root = fs.mkdtempSync(join(tmpdir(), 'sf-baseline-'));
    const cache = new DirectoryBaselineCache(root);
    const k = 'e'.repeat(64);
    fs.writeFileSync(join(root, `${k}.json`), '{ half');
    assert.equal(await cache.get(k), undefined);
    assert.equal(await cache.get('../../etc/passwd'), undefined);
    await assert.rejects(cache.put('../x', record('../x', 'c', 1)), /not a cache key/);
  });
});
