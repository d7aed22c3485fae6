import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileArtifactStore } from '../../../../src/adapters/store/artifact-store';
import { FileLog } from '../../../../src/adapters/store/log-writer';

describe('adapters/store: station logs written as they are produced (ArtifactStore.openLog)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(join(tmpdir(), 'sf-log-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('every append is on disk before close (a killed process keeps it); close reports the size', async () => {
    const store = new FileArtifactStore(dir);
    const log = store.openLog('artifacts/logs/validate-1-1.log', 1024);
    const path = store.resolve('artifacts/logs/validate-1-1.log');
    log.append('first line\n');
    assert.equal(fs.readFileSync(path, 'utf8'), 'first line\n', 'visible while the command still runs');
    log.append('second line\n');
    assert.equal(fs.readFileSync(path, 'utf8'), 'first line\nsecond line\n');
    assert.deepEqual(await log.close(), { relPath: 'artifacts/logs/validate-1-1.log', bytes: 23, truncated: false });
    assert.deepEqual(await log.close(), { relPath: 'artifacts/logs/validate-1-1.log', bytes: 23, truncated: false }, 'close twice is safe');
    log.append('late');
    assert.equal(fs.readFileSync(path, 'utf8'), 'first line\nsecond line\n', 'nothing is written after close');
  });

  it('replaces a log left by an earlier attempt', async () => {
    const path = join(dir, 'a.log');
    fs.writeFileSync(path, 'old content that is longer');
    const log = new FileLog(path, 'a.log', 100);
    log.append('new');
    await log.close();
    assert.equal(fs.readFileSync(path, 'utf8'), 'new');
  });

  it('cuts at the cap on a character boundary, says where, counts the rest and ends with its tail', async () => {
    const path = join(dir, 'big.log');
    const log = new FileLog(path, 'big.log', 10, 8);
    log.append('12345678é'); // 'é' is 2 bytes: 8 + 2 = 10, fits exactly
    log.append('€uro'); // '€' (3 bytes) does not fit at byte 10: cut before it
    for (let i = 0; i < 100; i++) log.append(`line ${i}\n`);
    const s = await log.close();
    assert.equal(s.truncated, true);
    const total = Buffer.byteLength('12345678é€uro') + Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join('').length;
    assert.equal(s.bytes, total);
    const text = fs.readFileSync(path, 'utf8');
    assert.ok(text.startsWith('12345678é\n[shopfloor: log cut here after 10 bytes (cap 10)'), text.slice(0, 80));
    assert.ok(!text.includes('\uFFFD'), 'no broken character');
    assert.match(text, new RegExp(`\\[shopfloor: ${total - 10} of ${total} bytes were not kept above; the last 8 characters of the output:\\]\\n`));
    assert.ok(text.endsWith('line 99\n'));
  });

  it('a write error (disk full) stops writing and is thrown at close', async () => {
    if (!fs.existsSync('/dev/full')) return;
    const log = new FileLog('/dev/full', 'full.log', 1024);
    log.append('does not fit');
    await assert.rejects(log.close(), /ENOSPC/);
  });
});
