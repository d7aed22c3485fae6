import { existsSync, readFileSync } from 'node:fs';
import type { AuditRecord } from '../../contracts/mcp';
import { formatProblem } from '../../core/validate';
import { verifyAuditLog } from '../../core/mcp/audit-chain';
import { RUN_LAYOUT } from '../../core/run/layout';
import { listPackets } from '../store/packet-list';
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
  const packets: PacketTools[] = listPackets(repo).map((entry) => {
    if (!entry.ok) return { file: entry.file, problem: `${entry.relative}: ${entry.problems.map(formatProblem).join('; ')}`, tools: [] };
    const pins = new Map((entry.packet.approval?.toolPins ?? []).map((x) => [x.tool, x.sha256]));
    return { file: entry.file, tools: entry.packet.allowedTools.map((t) => ({ name: t, ...(pins.has(t) ? { pin: pins.get(t)! } : {}) })) };
  });
  const runs: RunToolCalls[] = [];
  for (const r of listRuns(repo)) {
    const audit = runFolder(repo, r.id).path(RUN_LAYOUT.toolAudit);
    if (!existsSync(audit)) continue;
    const v = verifyAuditLog(readFileSync(audit, 'utf8'));
    runs.push(v.ok ? { runId: r.id, calls: v.records } : { runId: r.id, problem: `line ${v.line}: ${v.problem}`, calls: [] });
  }
  return { packets, runs };
}
