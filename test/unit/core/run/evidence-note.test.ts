import { strict as assert } from 'node:assert';
import { formatEvidenceNote, parseEvidenceNote } from '../../../../src/core/run/evidence-note';

const RUN = '20261206-080000-abcdef';
const SHA = 'ab'.repeat(32);
const MD = '# Shopfloor run 20261206-080000-abcdef: PR_READY\n\n| a | b |\n|---|---|\n| 1 | 2 |\n';

describe('core/run/evidence-note: the self-locating evidence note (format 1)', () => {
  it('formats the Markdown then a blank line and the two trailer lines; parses back to the same Markdown and trailer', () => {
    const note = formatEvidenceNote(MD, { runId: RUN, evidenceSha256: SHA });
    assert.equal(note, `${MD}\nShopfloor-Run: ${RUN}\nShopfloor-Evidence-SHA256: ${SHA}\n`);
    assert.deepEqual(parseEvidenceNote(note), { markdown: MD, trailer: { runId: RUN, evidenceSha256: SHA }, problem: null });
    // git notes show drops the final newline; Windows checkouts may bring CRLF
    assert.deepEqual(parseEvidenceNote(note.trimEnd()).trailer, { runId: RUN, evidenceSha256: SHA });
    assert.deepEqual(parseEvidenceNote(note.replace(/\n/g, '\r\n')).trailer, { runId: RUN, evidenceSha256: SHA });
  });

  it('formatting a formatted note replaces its trailer (idempotent; a resumed run writes the same note)', () => {
    const once = formatEvidenceNote(MD, { runId: RUN, evidenceSha256: SHA });
    assert.equal(formatEvidenceNote(once, { runId: RUN, evidenceSha256: SHA }), once);
    assert.equal(parseEvidenceNote(formatEvidenceNote(once, { runId: RUN, evidenceSha256: 'cd'.repeat(32) })).trailer?.evidenceSha256, 'cd'.repeat(32));
  });

  it('refuses to format a run id or hash nothing could parse back', () => {
    assert.throws(() => formatEvidenceNote(MD, { runId: '../x', evidenceSha256: SHA }), /not a run id/);
    assert.throws(() => formatEvidenceNote(MD, { runId: RUN, evidenceSha256: SHA.toUpperCase() }), /not a SHA-256/);
  });

  it('a note without a trailer (older format, hand-written) has trailer null and says so; the Markdown is kept whole', () => {
    const r = parseEvidenceNote(MD);
    assert.equal(r.trailer, null);
    assert.match(r.problem!, /no Shopfloor trailer/);
    assert.equal(r.markdown, MD);
    // trailer-looking lines inside the body, not in the last paragraph, do not count
    assert.equal(parseEvidenceNote(`Shopfloor-Run: ${RUN}\n\n${MD}`).trailer, null);
    // a last paragraph mixing trailer lines and prose is not a trailer
    assert.equal(parseEvidenceNote(`${MD}\nShopfloor-Run: ${RUN}\nShopfloor-Evidence-SHA256: ${SHA}\nsee above\n`).trailer, null);
    assert.equal(parseEvidenceNote('').trailer, null);
  });

  it('a missing key is a problem', () => {
    assert.match(parseEvidenceNote(`${MD}\nShopfloor-Run: ${RUN}\n`).problem!, /no Shopfloor-Evidence-SHA256 line/);
    assert.match(parseEvidenceNote(`${MD}\nShopfloor-Evidence-SHA256: ${SHA}\n`).problem!, /no Shopfloor-Run line/);
  });

  it('a forged or invalid run id, or a malformed hash, is a problem, never a trailer', () => {
    for (const bad of ['../../../etc', 'a/b', '.hidden', '', 'x'.repeat(101), 'a..b']) {
      const r = parseEvidenceNote(`${MD}\nShopfloor-Run: ${bad}\nShopfloor-Evidence-SHA256: ${SHA}\n`);
      assert.equal(r.trailer, null, bad);
      assert.match(r.problem!, /is not a run id/, bad);
    }
    for (const bad of ['abc', SHA.toUpperCase(), `${SHA}0`, 'z'.repeat(64)]) {
      const r = parseEvidenceNote(`${MD}\nShopfloor-Run: ${RUN}\nShopfloor-Evidence-SHA256: ${bad}\n`);
      assert.equal(r.trailer, null, bad);
      assert.match(r.problem!, /is not a SHA-256/, bad);
    }
  });

  it('a key given twice is a problem, even with the same value (an appended or edited note)', () => {
    const twice = parseEvidenceNote(`${MD}\nShopfloor-Run: ${RUN}\nShopfloor-Run: 20261206-090000-ffffff\nShopfloor-Evidence-SHA256: ${SHA}\n`);
    assert.equal(twice.trailer, null);
    assert.match(twice.problem!, /2 Shopfloor-Run lines/);
    const same = parseEvidenceNote(`${MD}\nShopfloor-Run: ${RUN}\nShopfloor-Evidence-SHA256: ${SHA}\nShopfloor-Evidence-SHA256: ${SHA}\n`);
    assert.equal(same.trailer, null);
    assert.match(same.problem!, /2 Shopfloor-Evidence-SHA256 lines/);
  });

  it('other Shopfloor-* keys in the trailer are ignored (a later format may add some)', () => {
    assert.deepEqual(parseEvidenceNote(`${MD}\nShopfloor-Run: ${RUN}\nShopfloor-Journal-Seal: x\nShopfloor-Evidence-SHA256: ${SHA}\n`).trailer, { runId: RUN, evidenceSha256: SHA });
  });
});
