import * as fs from 'node:fs';
import { dirname, join } from 'node:path';
import type { JournalRecord } from '../../contracts';
import { sha256Hex } from '../../core/hash';
import { checkSeal, type JournalProblem } from '../../core/journal';
import { RUN_LAYOUT } from '../../core/run/layout';
import { verifyAuditLog } from '../../core/mcp/audit-chain';
import { readJournal } from './file-journal';
import type { RunLedgerEntry } from './run-ledger';

/** What `verifyRunFolder` found: the records that verified, and every problem (empty when the run folder is intact). */
export interface RunFolderVerification {
  ok: boolean;
  records: JournalRecord[];
  /** The first journal problem (hash chain, seal), when there is one. */
  journal?: JournalProblem;
  /** Run files whose SHA-256 no longer matches the journal record that names them, and ledger mismatches. */
  problems: string[];
  /** False for a journal checked on its own, outside its run folder (no `artifacts/` beside it): its files were not checked. */
  filesChecked: boolean;
}

/**
 * Verifies a run folder as `shopfloor verify` and `show` report it: the journal's hash
 * chain and seal (core/journal), every file a record binds by SHA-256 (station results,
 * the evidence bundle, a PR_READY run's approved patch), and, with this machine's ledger entry, that the journal is as long
 * as this machine wrote it and still ends the same way. I/O: reads the journal and the
 * bound files. Never throws for a bad folder (a missing journal file throws ENOENT).
 */
export function verifyRunFolder(journalPath: string, ledger?: RunLedgerEntry): RunFolderVerification {
  const dir = dirname(journalPath);
  const v = readJournal(journalPath);
  const problems: string[] = [];
  const filesChecked = fs.existsSync(join(dir, 'artifacts'));
  const bound = (rel: string | undefined, sha: string | undefined, seq: number) => {
    if (!rel || !sha || !filesChecked) return;
    const p = join(dir, ...rel.split('/'));
    if (!fs.existsSync(p)) problems.push(`record ${seq}: ${rel} is missing`);
    else if (sha256Hex(fs.readFileSync(p)) !== sha) problems.push(`record ${seq}: ${rel} was changed after the journal recorded it (SHA-256 differs)`);
  };
  for (const r of v.records) {
    if (r.event.type === 'station/finished') bound(r.event.artifact, r.event.artifactSha256, r.seq);
    if (r.event.type === 'run/terminal') {
      bound(r.event.evidence, r.event.evidenceSha256, r.seq);
      // A PR_READY run's approved patch (what its output commit is built from) is bound by the evidence's diff.patchSha256.
      if (r.event.terminal.state === 'PR_READY') bound(RUN_LAYOUT.approvedPatch, approvedPatchSha256(join(dir, ...r.event.evidence.split('/'))), r.seq);
    }
  }
  if (filesChecked) problems.push(...auditProblems(dir, v.records));
  const j = ledger?.journal;
  if (j && j.records > 0) {
    if (v.records.length < j.records) problems.push(`the journal has ${v.records.length} records; this machine wrote ${j.records}: its tail was cut`);
    else if (v.records[j.records - 1]!.hash !== j.lastHash) problems.push(`record ${j.records - 1} differs from what this machine wrote`);
  }
  const journal = v.problem ?? checkSeal(v.records);
  return { ok: !journal && problems.length === 0, records: v.records, journal, problems, filesChecked };
}

/**
 * The MCP gateway's audit log (issue 12): its hash chain (core/mcp/audit-chain.ts), and
 * that it is as long as, and ends where, the evidence bundle the journal binds says
 * (`tools.auditHead`). A run without the gateway has neither.
 */
function auditProblems(dir: string, records: readonly JournalRecord[]): string[] {
  const path = join(dir, ...RUN_LAYOUT.toolAudit.split('/'));
  const terminal = records.find((r) => r.event.type === 'run/terminal');
  let head: { records: number; hash: string } | undefined;
  if (terminal?.event.type === 'run/terminal') {
    try {
      head = (JSON.parse(fs.readFileSync(join(dir, ...terminal.event.evidence.split('/')), 'utf8')) as { tools?: { auditHead?: { records: number; hash: string } } }).tools?.auditHead;
    } catch {
      head = undefined; // a missing or changed bundle is reported by its own binding
    }
  }
  if (!fs.existsSync(path)) return head ? [`${RUN_LAYOUT.toolAudit} is missing; the evidence records ${head.records} tool calls`] : [];
  const a = verifyAuditLog(fs.readFileSync(path, 'utf8'));
  if (!a.ok) return [`${RUN_LAYOUT.toolAudit} line ${a.line}: ${a.problem}`];
  if (!head) return [];
  if (a.records.length !== head.records) return [`${RUN_LAYOUT.toolAudit} has ${a.records.length} records; the evidence records ${head.records}: ${a.records.length < head.records ? 'its tail was cut' : 'records were added after the run ended'}`];
  if (a.records[head.records - 1]!.hash !== head.hash) return [`${RUN_LAYOUT.toolAudit} record ${head.records} differs from the one the evidence records`];
  return [];
}

/** `diff.patchSha256` of the evidence bundle at `path`, or undefined (no file, not JSON, a bundle written before it was recorded). */
function approvedPatchSha256(path: string): string | undefined {
  try {
    const sha = (JSON.parse(fs.readFileSync(path, 'utf8')) as { diff?: { patchSha256?: unknown } }).diff?.patchSha256;
    return typeof sha === 'string' ? sha : undefined;
  } catch {
    return undefined;
  }
}
