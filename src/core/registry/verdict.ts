import { ReviewVerdictRecordSchema, type RegistryVerdict, type ReviewVerdict, type ReviewVerdictRecord } from '../../contracts';
import { checkRegistryName } from './names';

/**
 * The panel's verdict (src/contracts/review.ts, `review/verdict.json`) as a registry
 * review-verdict record (issue 13: verdicts sync with the run's outcome). Pure.
 */

/** The panel's verdicts onto the registry's, one to one: `request-changes` is not an acceptance (it counts as judged, not accepted). */
export const REGISTRY_VERDICT_OF: Readonly<Record<ReviewVerdict['verdict'], RegistryVerdict>> = {
  accept: 'accepted',
  'request-changes': 'changes-requested',
  reject: 'rejected',
};

/**
 * The review-verdict record of a recorded verdict on a run of `blueprint` (`name@version`,
 * as the run's evidence names it), given by the person whose identity hashes to `reviewer`.
 * Copies the verdict, when it was given and whether the bundle verified; never the comment
 * or the section comments (free text about the code, which may quote it: they stay in the
 * run folder), and never who by name. Throws RegistryNameError for a run id or blueprint
 * that is not a safe registry name, and a zod error if the result is not a valid record.
 */
export function verdictRecord(v: ReviewVerdict, blueprint: string, reviewer: string): ReviewVerdictRecord {
  const at = blueprint.lastIndexOf('@');
  return ReviewVerdictRecordSchema.parse({
    kind: 'review-verdict',
    runId: checkRegistryName('run id', v.runId.toLowerCase(), 'run id'),
    blueprint: { name: checkRegistryName('name', blueprint.slice(0, at), 'blueprint name'), version: checkRegistryName('version', blueprint.slice(at + 1), 'blueprint version') },
    verdict: REGISTRY_VERDICT_OF[v.verdict],
    reviewer,
    at: v.at,
    evidenceVerified: v.trusted,
  });
}
