import { strict as assert } from 'node:assert';
import { buildRecord, GENESIS_HASH, serializeRecord, verifyJournalText } from '../../../../src/core/journal';
import type { JournalRecord, RunEvent } from '../../../../src/contracts';

const events: RunEvent[] = [
  { type: 'note', message: 'one' },
  { type: 'station/started', stationId: 'reproduce', attempt: 1 },
  { type: 'station/finished', stationId: 'reproduce', attempt: 1, outcome: 'failed', exitCode: 1, durationMs: 12 },
  { type: 'note', message: 'four' },
];

function chain(evs: RunEvent[] = events): JournalRecord[] {
  const out: JournalRecord[] = [];
  evs.forEach((e, i) => out.push(buildRecord(out[i - 1], e, `2026-11-21T20:00:0${i}.000Z`)));
  return out;
}
const text = (rs: JournalRecord[]) => rs.map(serializeRecord).join('');

describe('core/journal: hash chain', () => {
  it('links records: first prevHash is 64 zeros, each next prevHash is the previous hash', () => {
    const rs = chain();
    assert.equal(rs[0]!.prevHash, GENESIS_HASH);
    assert.equal(rs[0]!.seq, 0);
    for (let i = 1; i < rs.length; i++) assert.equal(rs[i]!.prevHash, rs[i - 1]!.hash);
  });

  it('verifies an intact journal and an empty one', () => {
    const v = verifyJournalText(text(chain()));
    assert.equal(v.ok, true);
    assert.equal(v.records.length, 4);
    assert.deepEqual(verifyJournalText(''), { ok: true, records: [] });
  });

  it('names the edited record (hash mismatch) and keeps the good prefix', () => {
    const rs = chain();
    (rs[2]!.event as { exitCode: number }).exitCode = 0;
    const v = verifyJournalText(text(rs));
    assert.equal(v.ok, false);
    assert.equal(v.problem?.line, 3);
    assert.equal(v.problem?.fault, 'hash-mismatch');
    assert.equal(v.records.length, 2);
  });

  it('detects an unknown key added to an event', () => {
    const lines = text(chain()).split('\n');
    const r = JSON.parse(lines[1]!);
    r.event.extra = 'x';
    lines[1] = JSON.stringify(r);
    const v = verifyJournalText(lines.join('\n'));
    assert.equal(v.problem?.line, 2);
    assert.equal(v.problem?.fault, 'hash-mismatch');
  });

  it('names reordered records (out of sequence)', () => {
    const rs = chain();
    [rs[1], rs[2]] = [rs[2]!, rs[1]!];
    const v = verifyJournalText(text(rs));
    assert.equal(v.problem?.line, 2);
    assert.equal(v.problem?.fault, 'out-of-sequence');
  });

  it('names a dropped record (seq gap) and a re-sequenced splice (broken link)', () => {
    const rs = chain();
    assert.equal(verifyJournalText(text([rs[0]!, rs[2]!, rs[3]!])).problem?.fault, 'out-of-sequence');
    const forged = buildRecord(rs[0], events[2]!, '2026-11-21T20:00:09.000Z');
    const spliced = [rs[0]!, forged, { ...rs[2]!, seq: 2 }];
    const v = verifyJournalText(text(spliced));
    assert.equal(v.problem?.line, 3);
    assert.equal(v.problem?.fault, 'broken-link');
  });

  it('names a truncated last line and garbage lines', () => {
    const full = text(chain());
    const cut = full.slice(0, full.length - 20);
    const v = verifyJournalText(cut);
    assert.equal(v.problem?.fault, 'truncated');
    assert.equal(v.problem?.line, 4);
    assert.equal(v.records.length, 3);
    const garbage = full.replace(/\n[^\n]*\n$/, '\n{not json\n');
    assert.equal(verifyJournalText(garbage).problem?.fault, 'unparsable');
    assert.equal(verifyJournalText('{"seq":0}\n').problem?.fault, 'invalid-record');
  });
});
