import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditRecord } from '../../contracts/mcp';
import { parseDocument } from '../../core/documents/load';
import { verifyAuditLog } from '../../core/mcp/audit-chain';
import { RUN_LAYOUT } from '../../core/run/layout';
import { listRuns } from '../store/run-list';
import { runFolder } from '../store/run-folder';

/** A packet's allowed tools with the hash each was pinned at when the packet was approved (undefined: not pinned, or not a team tool). */
export interface PacketTools {
  file: string;
  /** Why the packet could not be read, instead of its tools. */
  problem?: string;
  tools: { name: string; pin?: string }[];
}

/** A run's calls through its MCP gateway, from its audit log; `problem` when the log does not verify (then `calls` holds the records before the bad line). */
export interface RunToolCalls {
  runId: string;
  problem?: string;
  calls: AuditRecord[];
}

/**
 * What the editor's Tools view shows (issue 12, item 7): for each packet under
 * `.shopfloor/packets/`, its `allowedTools` and their pinned hashes; for each run under
 * `.shopfloor/runs/` with an MCP audit log, its calls (verified: a log that breaks says
 * where). I/O: reads those files. Never throws for a bad file: it is reported as a problem.
 */
export function toolReport(repo: string): { packets: PacketTools[]; runs: RunToolCalls[] } {
  const dir = join(repo, '.shopfloor', 'packets');
  const packets: PacketTools[] = [];
  for (const name of existsSync(dir) ? readdirSync(dir).filter((f) => /\.(json|ya?ml)$/i.test(f)).sort() : []) {
    const file = join(dir, name);
    try {
      const p = parseDocument('packet', name, readFileSync(file, 'utf8'));
      const pins = new Map((p.approval?.toolPins ?? []).map((x) => [x.tool, x.sha256]));
      packets.push({ file, tools: p.allowedTools.map((t) => ({ name: t, ...(pins.has(t) ? { pin: pins.get(t)! } : {}) })) });
    } catch (e) {
      packets.push({ file, problem: (e as Error).message.split('\n')[0]!, tools: [] });
    }
  }
  const runs: RunToolCalls[] = [];
  for (const r of listRuns(repo)) {
    const audit = runFolder(repo, r.id).path(RUN_LAYOUT.toolAudit);
    if (!existsSync(audit)) continue;
    const v = verifyAuditLog(readFileSync(audit, 'utf8'));
    runs.push(v.ok ? { runId: r.id, calls: v.records } : { runId: r.id, problem: `line ${v.line}: ${v.problem}`, calls: [] });
  }
  return { packets, runs };
}
