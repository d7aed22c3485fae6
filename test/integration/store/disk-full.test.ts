import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileJournal, readJournal } from '../../../src/adapters/store/file-journal';

/**
 * Fault test on a REAL full disk: a 1 MiB tmpfs is filled until an append cannot fit.
 * The append fails (ENOSPC or a short write) and the journal on disk stays exactly the
 * last good journal. Needs root to mount; skipped otherwise (the injected-ENOSPC unit test
 * in test/unit/adapters/store covers the same path everywhere).
 */
describe('fault: disk full during a journal append (real tmpfs)', function () {
  this.timeout(30_000);
  let mnt: string;
  let mounted = false;

  before(function () {
    mnt = fs.mkdtempSync(join(tmpdir(), 'sf-tmpfs-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'ignore' });
      mounted = true;
    } catch {
      this.skip();
    }
  });
  after(() => {
    if (mounted) execFileSync('umount', [mnt]);
    fs.rmSync(mnt, { recursive: true, force: true });
  });

  it('an append that does not fit fails and leaves a readable, verifiable journal', async () => {
    const path = join(mnt, 'runs', 'r', 'journal.jsonl');
    const j = FileJournal.open(path);
    for (let i = 0; i < 5; i++) await j.append({ type: 'note', message: `record ${i}` });
    // Fill the filesystem, leaving less room than one big record needs.
    const fill = fs.openSync(join(mnt, 'fill'), 'w');
    const chunk = Buffer.alloc(4096, 1);
    try {
      for (;;) fs.writeSync(fill, chunk);
    } catch (e) {
      assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
    }
    try {
      for (;;) fs.writeSync(fill, Buffer.alloc(64, 1));
    } catch {
      // now truly full, bar a few bytes
    }
    fs.closeSync(fill);
    const good = fs.readFileSync(path, 'utf8');
    await assert.rejects(j.append({ type: 'note', message: 'x'.repeat(20_000) }), (e: NodeJS.ErrnoException) => e.code === 'ENOSPC' || e.code === 'EIO');
    assert.equal(fs.readFileSync(path, 'utf8'), good, 'the file is back to its last good length');
    const v = readJournal(path);
    assert.equal(v.ok, true);
    assert.equal(v.records.length, 5);
    // Space freed: the same journal appends again and the chain continues.
    fs.rmSync(join(mnt, 'fill'));
    const r = await j.append({ type: 'note', message: 'after' });
    assert.equal(r.seq, 5);
    j.close();
    assert.equal(readJournal(path).ok, true);
  });
});
