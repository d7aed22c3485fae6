import { strict as assert } from 'node:assert';
import { AUDIT_GENESIS, chainAuditRecord, verifyAuditLog } from '../../../../src/core/mcp/audit-chain';
import type { AuditRecord } from '../../../../src/contracts';

const body = (tool: string): Omit<AuditRecord, 'seq' | 'prev' | 'hash'> => ({
  at: '2026-12-03T10:00:00.000Z',
  runId: 'r',
  stationId: 'implement',
  attempt: 1,
  agent: 'claude',
  delegatedBy: 'ada',
  server: 'docs',
  tool,
  decision: 'allowed',
  durationMs: 3,
  argsSha256: 'a'.repeat(64),
});

function log(n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (let i = 0; i < n; i++) out.push(chainAuditRecord(out[out.length - 1], body(`t${i}`)));
  return out;
}
const text = (rs: unknown[]) => rs.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('core/mcp/audit-chain: the hash-chained audit log', () => {
  it('chains records from the genesis hash and verifies an intact log', () => {
    const rs = log(3);
    assert.equal(rs[0]!.prev, AUDIT_GENESIS);
    assert.equal(rs[1]!.prev, rs[0]!.hash);
    const v = verifyAuditLog(text(rs));
    assert.ok(v.ok);
    assert.equal(v.records.length, 3);
    assert.deepEqual(verifyAuditLog(''), { ok: true, records: [] });
  });

  it('fails at a changed record, and at an added field the schema would drop', () => {
    const rs = log(3);
    const changed = rs.map((r, i) => (i === 1 ? { ...r, decision: 'denied' } : r));
    assert.deepEqual(verifyAuditLog(text(changed)), { ok: false, line: 2, problem: 'hash does not match the record (the record was changed)' });
    const added = rs.map((r, i) => (i === 2 ? { ...r, note: 'x' } : r));
    assert.deepEqual(verifyAuditLog(text(added)), { ok: false, line: 3, problem: 'hash does not match the record (the record was changed)' });
  });

  it('fails at a removed or reordered record, a torn last line, and a line that is not JSON', () => {
    const rs = log(3);
    assert.equal((verifyAuditLog(text([rs[0], rs[2]])) as { line: number }).line, 2);
    assert.equal((verifyAuditLog(text([rs[1], rs[0], rs[2]])) as { line: number }).line, 1);
    const torn = text(rs).slice(0, -10);
    assert.deepEqual(verifyAuditLog(torn), { ok: false, line: 3, problem: 'the last line has no newline: a torn write' });
    assert.deepEqual(verifyAuditLog('{nope\n'), { ok: false, line: 1, problem: 'not JSON' });
  });

  it('names the bad field of a record that does not match the schema', () => {
    const r = { ...log(1)[0]!, decision: 'maybe' };
    const v = verifyAuditLog(text([r]));
    assert.ok(!v.ok);
    assert.match(v.problem, /^decision: /);
  });
});
