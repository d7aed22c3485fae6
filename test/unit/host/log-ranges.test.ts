import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogFileLines } from '../../../src/host/run/log-ranges';

describe('host/run/log-ranges: the lines of a growing log file, by range and by search', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-ranges-'));
    file = path.join(dir, 'station.log');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is empty for a missing or empty file', () => {
    const log = new LogFileLines(file);
    assert.deepEqual(log.lines(0, 10), { lines: [], total: 0 });
    fs.writeFileSync(file, '');
    assert.deepEqual(log.lines(0, 10), { lines: [], total: 0 });
    assert.equal(log.search('x', -1, 'next').line, null);
  });

  it('indexes only appended bytes, a partial last line growing in place', () => {
    const log = new LogFileLines(file);
    fs.writeFileSync(file, 'one\ntw');
    assert.deepEqual(log.lines(0, 10), { lines: ['one', 'tw'], total: 2 });
    fs.appendFileSync(file, 'o\nthree\n');
    assert.deepEqual(log.lines(0, 10), { lines: ['one', 'two', 'three'], total: 3 });
    fs.appendFileSync(file, 'four');
    assert.deepEqual(log.lines(2, 5), { lines: ['three', 'four'], total: 4 });
    assert.deepEqual(log.lines(9, 5), { lines: [], total: 4 });
  });

  it('serves ranges at the start, the middle, the end and past the end, clamped', () => {
    fs.writeFileSync(file, Array.from({ length: 10 }, (_, i) => `l${i}`).join('\n') + '\n');
    const log = new LogFileLines(file);
    assert.deepEqual(log.lines(0, 3), { lines: ['l0', 'l1', 'l2'], total: 10 });
    assert.deepEqual(log.lines(4, 2), { lines: ['l4', 'l5'], total: 10 });
    assert.deepEqual(log.lines(8, 5), { lines: ['l8', 'l9'], total: 10 });
    assert.deepEqual(log.lines(10, 5), { lines: [], total: 10 });
    assert.deepEqual(log.lines(1000, 5), { lines: [], total: 10 });
  });

  it('counts a last line without its newline, CRLF or LF', () => {
    fs.writeFileSync(file, 'a\r\nb\r\nlast');
    const log = new LogFileLines(file);
    assert.deepEqual(log.lines(0, 5), { lines: ['a', 'b', 'last'], total: 3 });
    fs.appendFileSync(file, '\r\n');
    assert.deepEqual(log.lines(2, 5), { lines: ['last'], total: 3 }, 'its newline arriving adds no line');
    fs.appendFileSync(file, 'x');
    assert.deepEqual(log.lines(2, 5), { lines: ['last', 'x'], total: 4 });
  });

  it('reads a file growing while it is read: each read matches the file as it was then', () => {
    const log = new LogFileLines(file);
    const fd = fs.openSync(file, 'a');
    let content = '';
    try {
      for (let i = 0; i < 50; i++) {
        // Some writes end mid-line; the next write finishes that line.
        const chunk = `line ${i}\n${i % 7 === 0 ? 'half' : ''}`;
        fs.writeSync(fd, chunk);
        content += chunk;
        const expected = content.split('\n');
        if (expected[expected.length - 1] === '') expected.pop();
        const from = Math.max(0, expected.length - 4);
        assert.deepEqual(log.lines(from, 5), { lines: expected.slice(from, from + 5), total: expected.length }, `after write ${i}`);
      }
    } finally {
      fs.closeSync(fd);
    }
    assert.equal(log.lines(0, 500).lines.filter((l) => l.startsWith('half')).length, 8, 'the lines finished by a later write are whole');
  });

  it('drops CR of CRLF endings and control sequences, keeps colours', () => {
    fs.writeFileSync(file, 'a\r\n\x1b[31mred\x1b[0m\x1b[2K\r\nb\x07\r\n');
    const log = new LogFileLines(file);
    assert.deepEqual(log.lines(0, 3), { lines: ['a', '\x1b[31mred\x1b[0m', 'b'], total: 3 });
  });

  it('re-indexes a file that was rewritten shorter', () => {
    fs.writeFileSync(file, 'a\nb\nc\n');
    const log = new LogFileLines(file);
    assert.equal(log.total(), 3);
    fs.writeFileSync(file, 'z\n');
    assert.deepEqual(log.lines(0, 3), { lines: ['z'], total: 1 });
  });

  it('finds the next and previous match, case-insensitive, ignoring colour codes', () => {
    fs.writeFileSync(file, ['x', 'Needle 1', 'x', '\x1b[1mNEE\x1b[0mDLE 3', 'x'].join('\n') + '\n');
    const log = new LogFileLines(file);
    assert.equal(log.search('needle', -1, 'next').line, 1);
    assert.equal(log.search('needle', 1, 'next').line, 3);
    assert.equal(log.search('needle', 3, 'next').line, null);
    assert.equal(log.search('needle', 5, 'previous').line, 3);
    assert.equal(log.search('needle', 3, 'previous').line, 1);
    assert.equal(log.search('needle', 1, 'previous').line, null);
    assert.equal(log.search('', -1, 'next').line, null);
  });

  it('serves a one-million-line file by range and search', () => {
    const n = 1_000_000;
    const fd = fs.openSync(file, 'w');
    const block: string[] = [];
    for (let i = 0; i < n; i++) {
      block.push(`line ${i}${i === 999_990 ? ' target' : ''}`);
      if (block.length === 10_000) {
        fs.writeSync(fd, block.join('\n') + '\n');
        block.length = 0;
      }
    }
    fs.closeSync(fd);
    const log = new LogFileLines(file);
    const t0 = Date.now();
    assert.equal(log.total(), n);
    const indexMs = Date.now() - t0;
    assert.deepEqual(log.lines(n - 2, 10), { lines: [`line ${n - 2}`, `line ${n - 1}`], total: n });
    assert.deepEqual(log.lines(500_000, 2).lines, ['line 500000', 'line 500001']);
    const found = log.search('TARGET', -1, 'next', 10_000);
    assert.equal(found.line, 999_990);
    assert.equal(log.search('target', n, 'previous', 10_000).line, 999_990);
    // A search that runs out of time says so and where it stopped.
    const cut = log.search('no such text', -1, 'next', 0);
    assert.equal(cut.line, null);
    assert.equal(cut.complete, false);
    assert.ok(cut.searchedTo < n - 1);
    console.log(`      (indexed ${n} lines in ${indexMs} ms)`);
  });
});
