import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileJournal, JournalCorruptError, readJournal, type JournalFs } from '../../../../src/adapters/store/file-journal';
import { LockHeldError } from '../../../../src/adapters/store/lock';

const note = (m: string) => ({ type: 'note' as const, message: m });

/** Real fs, except that writes fail with ENOSPC after `budget` bytes, having written part of the line. */
function fullDisk(budget: number): JournalFs & { fsyncs: number } {
  let left = budget;
  const f = {
    fsyncs: 0,
    openSync: fs.openSync,
    closeSync: fs.closeSync,
    ftruncateSync: fs.ftruncateSync,
    fsyncSync: (fd: number) => {
      f.fsyncs++;
      fs.fsyncSync(fd);
    },
    writeSync: (fd: number, buf: Uint8Array, off: number, len: number, pos: number) => {
      if (len <= left) {
        left -= len;
        return fs.writeSync(fd, buf, off, len, pos);
      }
      if (left > 0) fs.writeSync(fd, buf, off, left, pos); // part of the line reaches the disk
      left = 0;
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    },
  };
  return f;
}

describe('adapters/store/file-journal: append-only, fsync, hash chain', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(join(tmpdir(), 'sf-journal-'));
    path = join(dir, 'runs', 'r1', 'journal.jsonl');
  });

  it('appends chained records, fsyncs each, and reopens where it left off', async () => {
    const disk = fullDisk(1e9);
    const j = FileJournal.open(path, { fs: disk });
    await j.append(note('a'));
    await j.append(note('b'));
    assert.equal(disk.fsyncs, 2);
    j.close();
    const again = FileJournal.open(path);
    assert.equal(again.existing.length, 2);
    const r = await again.append(note('c'));
    assert.equal(r.seq, 2);
    again.close();
    assert.equal(readJournal(path).ok, true);
    assert.equal(readJournal(path).records.length, 3);
  });

  it('holds the lock while open: a second opener is refused', () => {
    const j = FileJournal.open(path);
    assert.throws(() => FileJournal.open(path, { lockEnv: { pid: process.pid + 1, hostname: hostname(), isAlive: () => true, now: () => new Date() } }), LockHeldError);
    j.close();
  });

  it('disk full mid-append: the append throws ENOSPC and the journal stays readable', async () => {
    const j0 = FileJournal.open(path);
    await j0.append(note('first'));
    j0.close();
    const before = fs.readFileSync(path, 'utf8');
    const j = FileJournal.open(path, { fs: fullDisk(30) });
    await assert.rejects(j.append(note('x'.repeat(200))), /ENOSPC/);
    assert.equal(fs.readFileSync(path, 'utf8'), before, 'truncated back to the last good length');
    // Space comes back: the same open journal keeps appending after the failure.
    (j as unknown as { fs: JournalFs }).fs = fullDisk(1e9);
    await j.append(note('after'));
    j.close();
    const v = readJournal(path);
    assert.equal(v.ok, true);
    assert.deepEqual(v.records.map((r) => (r.event as { message: string }).message), ['first', 'after']);
  });

  it('a line cut short by a crash is dropped on open and reported by verify', async () => {
    const j = FileJournal.open(path);
    await j.append(note('a'));
    await j.append(note('b'));
    j.close();
    fs.appendFileSync(path, '{"seq":2,"at":"2026');
    assert.equal(readJournal(path).problem?.fault, 'truncated');
    const again = FileJournal.open(path);
    assert.equal(again.existing.length, 2);
    assert.ok(again.repairedBytes > 0);
    await again.append(note('c'));
    again.close();
    assert.equal(readJournal(path).ok, true);
  });

  it('refuses to append to a tampered journal', async () => {
    const j = FileJournal.open(path);
    await j.append(note('a'));
    await j.append(note('b'));
    j.close();
    fs.writeFileSync(path, fs.readFileSync(path, 'utf8').replace('"a"', '"A"'));
    assert.throws(() => FileJournal.open(path), (e: unknown) => e instanceof JournalCorruptError && e.problem.line === 1);
    assert.equal(fs.existsSync(`${path}.lock`), false, 'the lock is released on failure');
  });
});
