import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listPackets } from '../../../../src/adapters/store/packet-list';
import { approvePacket } from '../../../../src/core/packet/approval';
import { aPacket } from '../../../support/builders';

/** A repository folder holding `files` under `.shopfloor/packets/`. */
function aRepoWith(files: Record<string, string>): string {
  const repo = mkdtempSync(join(tmpdir(), 'sf-packets-'));
  mkdirSync(join(repo, '.shopfloor', 'packets'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(repo, '.shopfloor', 'packets', name), text);
  return repo;
}

describe('adapters/store/packet-list: the packet files of a repository, read once for the CLI and the host', () => {
  it('is empty for a repository without .shopfloor/packets/', () => {
    assert.deepEqual(listPackets(mkdtempSync(join(tmpdir(), 'sf-none-'))), []);
  });

  it('reads JSON and YAML packets in name order, with their approval status, and skips other files', () => {
    const approved = approvePacket(aPacket().with('id', 'b').build(), 'Ada <ada@example.com>', '2026-12-06T08:00:00Z');
    const stale = { ...approvePacket(aPacket().with('id', 'c').build(), 'Ada', '2026-12-06T08:00:00Z'), intent: 'Edited after approval.' };
    const repo = aRepoWith({
      'b.json': JSON.stringify(approved),
      'a.yaml': `schemaVersion: 1\nid: a\nintent: From YAML.\nsource: { kind: todo, text: "TODO: x" }\nscope: { paths: [] }\nnonGoals: []\nreproduction: []\nallowedTools: []\nvalidation: []\nnoOpRules: []\nevidenceRequired: []\noutputFormat: pr\nrisk: auto-ship\n`,
      'c.json': JSON.stringify(stale),
      'notes.txt': 'not a packet',
    });
    const list = listPackets(repo);
    assert.deepEqual(list.map((e) => [e.relative, e.ok, e.ok ? e.approval.state : undefined]), [
      ['.shopfloor/packets/a.yaml', true, 'unapproved'],
      ['.shopfloor/packets/b.json', true, 'approved'],
      ['.shopfloor/packets/c.json', true, 'stale'],
    ]);
    assert.equal(list[0]!.file, join(repo, '.shopfloor', 'packets', 'a.yaml'));
  });

  it('returns a bad file as its problems, each with the path of the bad field, without hiding the others', () => {
    const bad = { ...aPacket().build(), risk: 'sometimes', scope: { paths: [{ path: '' }] } };
    const repo = aRepoWith({ 'bad.json': JSON.stringify(bad), 'broken.json': '{ "intent": ', 'good.json': JSON.stringify(aPacket().build()) });
    const [badEntry, broken, good] = listPackets(repo);
    assert.equal(badEntry!.ok, false);
    assert.deepEqual(!badEntry!.ok && badEntry!.problems.map((p) => p.path).sort(), ['risk', 'scope.paths[0].path']);
    assert.equal(broken!.ok, false);
    assert.deepEqual(!broken!.ok && broken!.problems.map((p) => p.path), ['']);
    assert.match(!broken!.ok ? broken!.problems[0]!.message : '', /cannot be parsed/);
    assert.equal(good!.ok, true);
  });
});
