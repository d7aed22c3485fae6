import type { ParamsOf, ResultOf } from '../../contracts';
import type { PanelState } from '../panel/panel-state';
import { loadReview, recordVerdict } from './review-loader';

/** What the panel's diff and verdict requests need from the host. */
export interface ReviewDeps {
  state: PanelState;
  /** The repository of the open workspace, if any. */
  repo(): string | undefined;
  /** Who a verdict is recorded as (git identity, else the OS user). */
  who(repo: string): Promise<string>;
  openDiff(repo: string, runId: string, path: string, allowed: readonly string[]): Promise<ResultOf<'diff/open'>>;
  /**
   * Sends a verdict just recorded to the registry (src/app/registry-sync.ts
   * registryVerdictSync, when outcome sync is on). Not awaited: the panel's answer never
   * waits on the network, and it never throws (a failure is a log warning and queued).
   */
  syncVerdict?(repo: string, runId: string): Promise<void>;
  /** Opens reviewer mode on a run folder of `repo` (the "Review Evidence Bundle" command for that run). */
  openReview(repo: string, runId: string): Promise<void>;
  now?: () => Date;
}

/**
 * The `diff/open` and `review/verdict` requests. A diff is opened only for a file of the run
 * the panel shows (the open gate's changed files, or the bundle's), and a verdict only for
 * the bundle the panel shows; anything else is refused with why. A recorded verdict is then
 * handed to `syncVerdict`. Reviewer mode opens from the panel only for the run it shows,
 * once that run has ended with an evidence bundle.
 */
export function reviewRequests(deps: ReviewDeps): {
  openDiff(p: ParamsOf<'diff/open'>): Promise<ResultOf<'diff/open'>>;
  recordVerdict(p: ParamsOf<'review/verdict'>): Promise<ResultOf<'review/verdict'>>;
  openReview(p: ParamsOf<'review/open'>): Promise<ResultOf<'review/open'>>;
} {
  return {
    async openDiff(p) {
      const repo = deps.repo();
      if (!repo) return { opened: false, message: 'no folder is open' };
      const { run, review } = deps.state;
      const allowed = [
        ...(run?.runId === p.runId ? (run.openGate?.facts?.filesChanged ?? []) : []),
        ...(review?.runId === p.runId ? (review.bundle?.diff?.files ?? []) : []),
      ];
      if (!allowed.length) return { opened: false, message: `the panel shows no changed files of run ${p.runId}` };
      return deps.openDiff(repo, p.runId, p.path, allowed);
    },
    async openReview(p) {
      const repo = deps.repo();
      if (!repo) return { opened: false, message: 'no folder is open' };
      const run = deps.state.run;
      if (run?.runId !== p.runId) return { opened: false, message: `the panel does not show run ${p.runId}` };
      if (!run.terminal || !run.evidence) return { opened: false, message: `run ${p.runId} has no evidence bundle yet` };
      await deps.openReview(repo, p.runId);
      return { opened: true };
    },
    async recordVerdict(p) {
      const repo = deps.repo();
      const shown = deps.state.review;
      if (!repo) return { recorded: false, message: 'no folder is open' };
      if (shown?.runId !== p.runId) return { recorded: false, message: `the panel does not show run ${p.runId}'s bundle` };
      const v = recordVerdict(repo, p.runId, p, await deps.who(repo), (deps.now ?? (() => new Date()))());
      deps.state.setReview(loadReview(repo, p.runId, shown.mode));
      // registryVerdictSync logs its own failures; a rejection here could only be a bug in the hook, and must not fail a verdict already recorded.
      void deps.syncVerdict?.(repo, p.runId).catch(() => undefined);
      return { recorded: true, message: v.trusted ? undefined : 'recorded on a bundle that does not verify (the verdict says so)' };
    },
  };
}
