import * as fs from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Sha256Schema } from '../../contracts';
import { sha256Hex } from '../../core/hash';

/**
 * This machine's ledger of the runs its Shopfloor started, one file per run under the
 * repository's git state folder (`<git-common-dir>/shopfloor/ledger/<runId>.json`). Run
 * folders live in the working tree, where a clone or a commit can bring them; the ledger
 * lives inside `.git`, which neither carries. So a run folder with no ledger entry was not
 * started here and is never resumed (its stored commands never run), and an entry binds
 * the run's set-up file and the journal as far as this machine wrote it.
 */
export const RunLedgerEntrySchema = z.object({
  runId: z.string(),
  createdAt: z.string(),
  setupSha256: Sha256Schema.describe('SHA-256 of artifacts/run-setup.json as written at start.'),
  journal: z.object({ records: z.number().int().min(0), lastHash: Sha256Schema }).optional().describe('The journal when this machine last closed it: its length and last record hash.'),
});
export type RunLedgerEntry = z.infer<typeof RunLedgerEntrySchema>;

const pathOf = (stateDir: string, runId: string) => join(stateDir, 'ledger', `${runId}.json`);

function write(stateDir: string, entry: RunLedgerEntry): void {
  fs.mkdirSync(join(stateDir, 'ledger'), { recursive: true });
  const file = pathOf(stateDir, entry.runId);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(entry, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

/** Records that this machine started `runId` with the set-up text `setupText`. I/O: writes the entry. */
export function recordRunStart(stateDir: string, runId: string, setupText: string, now = new Date()): void {
  write(stateDir, { runId, createdAt: now.toISOString(), setupSha256: sha256Hex(setupText) });
}

/** Records the journal's length and last record hash when this machine closed it. No-op for a run without an entry. */
export function recordJournalHead(stateDir: string, runId: string, records: number, lastHash: string): void {
  const entry = readLedgerEntry(stateDir, runId);
  if (entry) write(stateDir, { ...entry, journal: { records, lastHash } });
}

/** The ledger entry of `runId`, or undefined when this machine did not start it (or the entry does not parse). */
export function readLedgerEntry(stateDir: string, runId: string): RunLedgerEntry | undefined {
  try {
    const parsed = RunLedgerEntrySchema.safeParse(JSON.parse(fs.readFileSync(pathOf(stateDir, runId), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why a run folder must not be resumed here, or undefined: no ledger entry (the folder came
 * with a clone or a commit), a set-up file that differs from the one written at start, or a
 * journal shorter than, or diverging from, what this machine last wrote. Pure over its inputs.
 */
export function ledgerRefusal(entry: RunLedgerEntry | undefined, setupText: string, journal: ReadonlyArray<{ hash: string }>, runId: string): string | undefined {
  if (!entry) return `run ${runId} was not started by Shopfloor on this machine (its folder came with the repository, a clone or a commit): it is never resumed and its stored commands never run`;
  if (sha256Hex(setupText) !== entry.setupSha256) return `run ${runId}'s set-up (artifacts/run-setup.json) changed after the run started: it is not resumed`;
  const j = entry.journal;
  if (j && j.records > 0) {
    if (journal.length < j.records) return `run ${runId}'s journal has ${journal.length} records, this machine wrote ${j.records}: its tail was cut; it is not resumed`;
    if (journal[j.records - 1]!.hash !== j.lastHash) return `run ${runId}'s journal differs from what this machine wrote (record ${j.records - 1}): it is not resumed`;
  }
  return undefined;
}
