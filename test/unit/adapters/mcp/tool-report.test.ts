import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolReport } from '../../../../src/adapters/mcp/tool-report';
import { chainAuditRecord } from '../../../../src/core/mcp/audit-chain';
import { approvePacket } from '../../../../src/core/packet/approval';
import { RUN_LAYOUT } from '../../../../src/core/run/layout';
import { aPacket } from '../../../support/builders';

describe('adapters/mcp/tool-report: what the Tools view shows', () => {
  it("lists each packet's allowed tools with their pins, each run's verified calls, and names a broken file instead of throwing", () => {
    const repo = mkdtempSync(join(tmpdir(), 'sf-tools-'));
    const packets = join(repo, '.shopfloor', 'packets');
    mkdirSync(packets, { recursive: true });
    const p = approvePacket({ ...aPacket().build(), allowedTools: ['docs__search', 'run_validation'] }, 'ada', '2026-12-03T10:00:00Z', [{ tool: 'docs__search', sha256: 'c'.repeat(64) }]);
    writeFileSync(join(packets, 'a.json'), JSON.stringify(p));
    writeFileSync(join(packets, 'b.json'), '{"schemaVersion": 2}');
    const run = join(repo, '.shopfloor', 'runs', '20261203-100000-abcdef');
    mkdirSync(join(run, 'artifacts', 'tools'), { recursive: true });
    writeFileSync(join(run, RUN_LAYOUT.journal), '');
    const first = chainAuditRecord(undefined, { at: '2026-12-03T10:00:00.000Z', runId: 'r', stationId: 'implement', attempt: 1, agent: 'claude', delegatedBy: 'ada', server: 'docs', tool: 'search', decision: 'allowed', durationMs: 2, argsSha256: 'a'.repeat(64) });
    writeFileSync(join(run, RUN_LAYOUT.toolAudit), `${JSON.stringify(first)}\n`);
    const r = toolReport(repo);
    assert.deepEqual(r.packets[0]!.tools, [{ name: 'docs__search', pin: 'c'.repeat(64) }, { name: 'run_validation' }]);
    assert.match(r.packets[1]!.problem!, /b\.json/);
    assert.deepEqual(r.runs.map((x) => [x.runId, x.calls.map((c) => c.tool), x.problem]), [['20261203-100000-abcdef', ['search'], undefined]]);
    writeFileSync(join(run, RUN_LAYOUT.toolAudit), `${JSON.stringify({ ...first, decision: 'denied' })}\n`);
    assert.match(toolReport(repo).runs[0]!.problem!, /line 1: hash does not match/);
  });
});
