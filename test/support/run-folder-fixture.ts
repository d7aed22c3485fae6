import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvidenceBundleSchema, type EvidenceBundle } from '../../src/contracts';
import { FileJournal } from '../../src/adapters/store/file-journal';
import { runFolder } from '../../src/adapters/store/run-folder';
import { sha256Hex } from '../../src/core/hash';
import { RUN_LAYOUT } from '../../src/core/run/layout';
import { aPacket } from './builders';

/** A small evidence bundle of a PR_READY run (schema-valid), for views and reviewer mode. */
export function anEvidenceBundle(runId: string, over: Partial<EvidenceBundle> = {}): EvidenceBundle {
  const packet = aPacket().build();
  const cmd = (argv: string[], exitCode: number, outputTail: string) => ({ command: { argv }, exitCode, durationMs: 1200, timedOut: false, outputTail, truncated: false });
  return EvidenceBundleSchema.parse({
    schemaVersion: 1,
    runId,
    summary: 'Fixed the export; the reproduction now passes.',
    terminal: { state: 'PR_READY', reason: 'validated-fix' },
    packet,
    seed: packet.source,
    reproduction: { before: [cmd(['node', 'repro.js'], 1, 'AssertionError: 41 !== 42')], after: [cmd(['node', 'repro.js'], 0, 'ok')] },
    plan: 'Change index.js to export 42.',
    diff: { patch: 'diff --git a/index.js b/index.js\n-module.exports = 41;\n+module.exports = 42;\n', files: ['index.js'], flags: [] },
    validation: [cmd(['npm', 'test'], 0, '1 passing')],
    decision: { rule: 'T15', facts: {}, flags: [], walls: [], rounds: [] },
    residualRisk: ['Only the one export was checked.'],
    gates: [{ gateId: 'implement.after.2', stationId: 'implement', position: 'after', decision: 'approve', by: { kind: 'human', name: 'Rita Reviewer' }, openedAt: '2026-12-03T10:00:00.000Z', decidedAt: '2026-12-03T10:01:30.000Z', humanMs: 90_000, contentHash: 'a'.repeat(64) }],
    cost: { inputTokens: 1000, outputTokens: 200, usd: 0.0123, machineMs: 4000, wallMs: 60_000, humanMs: 90_000 },
    environment: { baseCommit: 'b'.repeat(40), blueprint: 'bugfix@1.0.0', blueprintHash: 'c'.repeat(64) },
    startedAt: '2026-12-03T10:00:00.000Z',
    endedAt: '2026-12-03T10:02:00.000Z',
    ...over,
  });
}

/**
 * Writes a finished run's folder under a fresh temporary repository as the engine leaves it:
 * a sealed, hash-chained journal (FileJournal) whose `run/terminal` record binds
 * evidence.json by SHA-256, and an artifacts folder. Returns the repo and run id.
 */
export async function aFinishedRunFolder(runId = 'run-20261203-abc'): Promise<{ repo: string; runId: string; dir: string; bundle: EvidenceBundle }> {
  const repo = fs.mkdtempSync(join(tmpdir(), 'sf-review-'));
  const folder = runFolder(repo, runId);
  fs.mkdirSync(folder.path('artifacts'), { recursive: true });
  const bundle = anEvidenceBundle(runId);
  const text = `${JSON.stringify(bundle, null, 2)}\n`;
  fs.writeFileSync(folder.path(RUN_LAYOUT.evidenceJson), text);
  const j = FileJournal.open(folder.journal);
  await j.append({ type: 'run/started', runId, blueprint: 'bugfix@1.0.0', blueprintHash: 'c'.repeat(64), packetHash: 'd'.repeat(64), repo, baseCommit: 'b'.repeat(40), pattern: 'interactive' });
  await j.append({ type: 'run/terminal', terminal: bundle.terminal, evidence: RUN_LAYOUT.evidenceJson, evidenceSha256: sha256Hex(text) });
  await j.append({ type: 'journal/sealed', records: 2 });
  j.close();
  return { repo, runId, dir: folder.dir, bundle };
}
