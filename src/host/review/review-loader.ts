import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { z } from 'zod';
import { EvidenceBundleSchema, ReviewVerdictSchema, type ReviewVerdict, type ReviewView } from '../../contracts';
import { sha256Hex } from '../../core/hash';
import { RUN_LAYOUT } from '../../core/run/layout';
import { isRunId, runFolder } from '../../adapters/store/run-folder';
import { verifyRunFolder } from '../../adapters/store/run-verify';
import { StationLogs } from '../run/station-logs';

/**
 * Loads a run's evidence bundle for the panel and says whether to trust it: the journal's
 * hash chain and seal and every file it binds by SHA-256 (verifyRunFolder, the checks of
 * `shopfloor verify`), then evidence.json against EvidenceBundleSchema, and that it is this
 * run's bundle. Any problem makes the view untrusted and is listed. This machine's ledger
 * (which also catches a cut journal tail) is not consulted here; `shopfloor verify` does.
 * I/O: reads the run folder. Never throws for a bad folder; throws for a bad run id.
 */
export function loadReview(repo: string, runId: string, mode: ReviewView['mode']): ReviewView {
  if (!isRunId(runId)) throw new Error(`"${runId}" is not a run id`);
  const folder = runFolder(repo, runId);
  const problems: string[] = [];
  if (!existsSync(folder.journal)) problems.push('the run folder has no journal: nothing binds this evidence to a run');
  else {
    const v = verifyRunFolder(folder.journal);
    if (v.journal) problems.push(`journal: ${v.journal.message}`);
    problems.push(...v.problems);
    if (!v.filesChecked) problems.push('the files the journal binds were not checked (no artifacts folder)');
  }
  let bundle: ReviewView['bundle'] = null;
  let evidenceSha256: string | null = null;
  const evidencePath = folder.path(RUN_LAYOUT.evidenceJson);
  if (!existsSync(evidencePath)) problems.push(`${RUN_LAYOUT.evidenceJson} is missing: the run has not ended, or its evidence was removed`);
  else {
    const bytes = readFileSync(evidencePath);
    evidenceSha256 = sha256Hex(bytes);
    let raw: unknown;
    try {
      raw = JSON.parse(bytes.toString('utf8'));
    } catch (e) {
      problems.push(`${RUN_LAYOUT.evidenceJson} is not JSON: ${(e as Error).message}`);
    }
    if (raw !== undefined) {
      const parsed = EvidenceBundleSchema.safeParse(raw);
      if (!parsed.success) problems.push(`${RUN_LAYOUT.evidenceJson} is not an evidence bundle: ${z.prettifyError(parsed.error).slice(0, 2000)}`);
      else {
        bundle = parsed.data;
        if (bundle.runId !== runId) problems.push(`the bundle is run ${bundle.runId}'s, found in run ${runId}'s folder`);
      }
    }
  }
  return {
    runId,
    folder: relative(repo, folder.dir) || folder.dir,
    mode,
    trusted: problems.length === 0,
    problems,
    bundle,
    evidenceSha256,
    verdict: readVerdict(folder.path(RUN_LAYOUT.reviewVerdict)),
    logs: stationLogsOf(runId, folder.dir),
  };
}

/** Each station's log in the run folder with its line count (reads each log once to count its lines). */
function stationLogsOf(runId: string, dir: string): ReviewView['logs'] {
  const logs = new StationLogs(runId, dir);
  return logs.stations().map((stationId) => ({ stationId, total: logs.lines(stationId).total() }));
}

/** The verdict stored at `path`, or null when there is none or it does not parse. */
function readVerdict(path: string): ReviewVerdict | null {
  if (!existsSync(path)) return null;
  try {
    const r = ReviewVerdictSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/**
 * Records a reviewer's verdict in the run folder (RUN_LAYOUT.reviewVerdict), replacing an
 * earlier one, written to a temporary file and renamed so a crash leaves the old or the new
 * verdict whole. The bundle is verified again first: the verdict says whether it verified
 * when it was given, and names the SHA-256 of the evidence.json it judged. Throws when the
 * run has no evidence.json. I/O: reads the run folder, writes one file.
 */
export function recordVerdict(repo: string, runId: string, v: Pick<ReviewVerdict, 'verdict' | 'comment'> & { sectionComments?: Record<string, string> }, by: string, at: Date): ReviewVerdict {
  const view = loadReview(repo, runId, 'review');
  if (!view.evidenceSha256) throw new Error(`run ${runId} has no evidence bundle to give a verdict on`);
  const verdict = ReviewVerdictSchema.parse({ schemaVersion: 1, runId, verdict: v.verdict, comment: v.comment, sectionComments: Object.fromEntries(Object.entries(v.sectionComments ?? {}).filter(([, t]) => t.trim())), by, at: at.toISOString(), evidenceSha256: view.evidenceSha256, trusted: view.trusted });
  const path = runFolder(repo, runId).path(RUN_LAYOUT.reviewVerdict);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(verdict, null, 2)}\n`);
  renameSync(tmp, path);
  return verdict;
}
