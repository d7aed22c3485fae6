import { strict as assert } from 'node:assert';
import type { PacketEntry } from '../../../src/adapters/store/packet-list';
import { packetRow, packetRows } from '../../../src/app/packet-tree';
import { approvalStatus, approvePacket } from '../../../src/core/packet/approval';
import { aPacket } from '../../support/builders';
import type { TaskPacket } from '../../../src/contracts';

const valid = (packet: TaskPacket, name = `${packet.id}.json`): PacketEntry => ({ ok: true, file: `/repo/.shopfloor/packets/${name}`, relative: `.shopfloor/packets/${name}`, packet, approval: approvalStatus(packet) });

describe('app/packet-tree: the rows of the Packets view', () => {
  it('shows a draft by its intent, seed kind and risk, offering approve (contextValue packet-draft)', () => {
    const row = packetRow(valid(aPacket().withScope('lib/parse.js', 'test/parse.test.js').with('riskReasons', ['touches input parsing']).build()));
    assert.equal(row.label, 'Parsing must never write through constructor/prototype chains.');
    assert.equal(row.description, 'advisory · one-reviewer');
    assert.deepEqual([row.state, row.contextValue, row.icon], ['draft', 'packet-draft', 'edit']);
    assert.equal(row.file, '/repo/.shopfloor/packets/pkt-1.json');
    assert.match(row.tooltip, /Status: draft: not approved yet/);
    assert.match(row.tooltip, /Risk: one-reviewer: touches input parsing/);
    assert.match(row.tooltip, /Scope: `lib\/parse\.js`, `test\/parse\.test\.js`/);
    assert.match(row.tooltip, /`\.shopfloor\/packets\/pkt-1\.json`$/);
  });

  it('marks an approved packet (start run) and a stale approval (approve again, naming the edited field)', () => {
    const approved = approvePacket(aPacket().build(), 'Ada', '2026-12-06T08:00:00Z');
    const a = packetRow(valid(approved));
    assert.deepEqual([a.state, a.contextValue, a.icon], ['approved', 'packet-approved', 'verified']);
    assert.match(a.tooltip, /approved by Ada at 2026/);
    const s = packetRow(valid({ ...approved, risk: 'auto-ship' }));
    assert.deepEqual([s.state, s.contextValue, s.icon], ['stale', 'packet-stale', 'warning']);
    assert.equal(s.description, 'advisory · auto-ship · approval stale');
    assert.match(s.tooltip, /stale \(edited: risk\): approve again/);
  });

  it('shows an invalid file by name with the path of its first bad field and every problem in the tooltip', () => {
    const row = packetRow({ ok: false, file: '/repo/.shopfloor/packets/bad.json', relative: '.shopfloor/packets/bad.json', problems: [{ path: 'scope.paths[0].path', message: 'Too small' }, { path: 'risk', message: 'Invalid option' }] });
    assert.equal(row.label, 'bad.json');
    assert.equal(row.description, 'invalid: scope.paths[0].path (+1 more)');
    assert.deepEqual([row.state, row.contextValue, row.icon], ['invalid', 'packet-invalid', 'error']);
    assert.match(row.tooltip, /- `scope\.paths\[0\]\.path: Too small`\n- `risk: Invalid option`/);
    const root = packetRow({ ok: false, file: '/r/x.json', relative: '.shopfloor/packets/x.json', problems: [{ path: '', message: 'cannot be parsed' }] });
    assert.equal(root.description, 'invalid: (root)');
  });

  it('keeps the label to one line and escapes Markdown a packet supplies', () => {
    const long = `${'word '.repeat(40)}\n[click](command:shopfloor.startRun)`;
    const row = packetRow(valid(aPacket().with('intent', long).with('flags', ['missing-context']).build()));
    assert.ok(row.label.length <= 80 && row.label.endsWith('…') && !row.label.includes('\n'));
    assert.equal(row.description, 'advisory · one-reviewer · missing-context');
    const link = packetRow(valid(aPacket().with('intent', 'See [click](command:shopfloor.startRun)').build())).tooltip;
    assert.ok(link.includes('\\[click\\]\\(command:shopfloor\\.startRun\\)'), link);
    assert.equal(packetRows([valid(aPacket().build()), valid(aPacket().with('id', 'b').build())]).length, 2);
  });
});
