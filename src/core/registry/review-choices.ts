import type { ReviewVerdictRecord, RunOutcomeRecord } from '../../contracts';

/** One run the registry knows, as "Review Evidence from the Registry…" offers it. */
export interface RegistryReviewChoice {
  runId: string;
  /** `name@version` of the blueprint the run used. */
  blueprint: string;
  terminal: RunOutcomeRecord['terminal']['state'];
  endedAt: string;
  /** The latest review verdict the registry holds for the run (a review-verdict record, else the outcome's own), `pending` when none. */
  verdict: 'accepted' | 'changes-requested' | 'rejected' | 'pending';
  /** Whether this workspace has the run's folder (and so its evidence bundle to verify and show). */
  here: boolean;
}

/**
 * The runs of a registry snapshot a reviewer can pick, newest first: every run outcome
 * record, with the latest review-verdict record for its run (by `at`; it overrides the
 * outcome's `verdict`, as src/core/registry/analytics.ts counts them), marked `here` when
 * `localRuns` (the run ids of this workspace's `.shopfloor/runs/`) has it. The registry
 * holds outcome records only, never a bundle (docs/registry.md: no paths, comments or
 * evidence leave the workspace), so only a run marked `here` can be opened as a bundle.
 * Pure.
 */
export function registryReviewChoices(outcomes: readonly RunOutcomeRecord[], verdicts: readonly ReviewVerdictRecord[], localRuns: ReadonlySet<string>): RegistryReviewChoice[] {
  const latest = new Map<string, ReviewVerdictRecord>();
  for (const v of verdicts) {
    const seen = latest.get(v.runId);
    if (!seen || v.at > seen.at) latest.set(v.runId, v);
  }
  return outcomes
    .map((o) => ({
      runId: o.runId,
      blueprint: `${o.blueprint.name}@${o.blueprint.version}`,
      terminal: o.terminal.state,
      endedAt: o.endedAt,
      verdict: latest.get(o.runId)?.verdict ?? o.verdict,
      here: localRuns.has(o.runId),
    }))
    .sort((a, b) => (a.endedAt < b.endedAt ? 1 : a.endedAt > b.endedAt ? -1 : a.runId.localeCompare(b.runId)));
}
