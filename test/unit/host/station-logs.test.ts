import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RUN_LAYOUT } from '../../../src/core/run/layout';
import { StationLogs } from '../../../src/host/run/station-logs';

describe('host/run/station-logs: each station\'s whole output in the run folder, read back by range', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'station-logs-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('appends to the file RUN_LAYOUT names, LF endings, and reads it back by range', () => {
    const logs = new StationLogs('r1', dir);
    logs.append('implement', 'one\r\ntwo\rthr');
    logs.append('implement', 'ee\nfour');
    const file = path.join(dir, RUN_LAYOUT.stationPanelLog('implement'));
    assert.equal(logs.file('implement'), file);
    assert.equal(fs.readFileSync(file, 'utf8'), 'one\ntwo\nthree\nfour');
    assert.deepEqual(logs.lines('implement').lines(0, 10), { lines: ['one', 'two', 'three', 'four'], total: 4 });
    assert.deepEqual(logs.lines('implement').lines(1, 2), { lines: ['two', 'three'], total: 4 });
    // The reader is kept: it sees what is appended after it was made.
    logs.append('implement', '\nfive\n');
    assert.deepEqual(logs.lines('implement').lines(3, 10), { lines: ['four', 'five'], total: 5 });
    assert.deepEqual(logs.lines('plan').lines(0, 10), { lines: [], total: 0 }, 'a station with no output is an empty log');
  });

  it('refuses a name that is not a station id (no path out of the run folder)', () => {
    const logs = new StationLogs('r1', dir);
    for (const bad of ['../evidence', 'a/b', '.hidden', '', 'x\\y']) assert.throws(() => logs.file(bad), /not a station id/, bad);
    assert.throws(() => logs.lines('../../etc/passwd'), /not a station id/);
  });

  it('reports a write failure once and goes on without the file', () => {
    const errors: string[] = [];
    // A file where the logs folder should be: mkdir fails.
    fs.mkdirSync(path.join(dir, 'artifacts'));
    fs.writeFileSync(path.join(dir, 'artifacts', 'logs'), 'in the way');
    const logs = new StationLogs('r1', dir, (m) => errors.push(m));
    logs.append('implement', 'a\n');
    logs.append('implement', 'b\n');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /the station log could not be written/);
  });
});
