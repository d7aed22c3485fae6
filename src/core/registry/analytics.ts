import type { RegistryVerdict, ReviewVerdictRecord, RunOutcomeRecord } from '../../contracts';
import { TERMINAL_STATES, type TerminalStateName } from '../../contracts/terminal-state';
import { bootstrapMedian, wilson, type Median, type Proportion } from './intervals';
import { compareSemver } from './semver';

/**
 * Analytics over run outcomes (issue 13 item 6), per blueprint version and per blueprint
 * (a fork is its own name with lineage), with intervals and sample sizes so a team sees
 * when the data is too thin to say. Pure and deterministic (seeded bootstrap).
 */

/** Figures of one group of runs (a version, or all versions of a name). */
export interface OutcomeFigures {
  runs: number;
  terminal: Record<TerminalStateName, number>;
  /**
   * PR_READY runs a reviewer accepted, of PR_READY runs with a verdict (pending ones left
   * out). A `changes-requested` verdict is judged and not accepted: it counts in n, not in k.
   */
  reviewerAcceptance: Proportion;
  /** Runs that ended PR_READY, were accepted, and had no edit at any gate, of all runs. */
  acceptedNoEdit: Proportion;
  /** Runs whose first validation attempt passed, of runs where validation ran. */
  firstAttemptValidation: Proportion;
  /** Human minutes at gates per run. */
  humanMinutes: Median;
  /** US dollars per run, of runs with a known cost; `totalUsd` over them. */
  usd: Median & { totalUsd: number };
  /** Run duration in seconds. */
  durationSec: Median;
}

/** Figures of one blueprint version. */
export interface VersionStats extends OutcomeFigures {
  name: string;
  version: string;
  /** Parent of the version when it is a fork (from its outcomes). */
  parent?: string;
}

/** Figures of one blueprint over all its versions, with its parent's name when it is a fork. */
export interface BlueprintStats extends OutcomeFigures {
  name: string;
  parent?: string;
}

/** What the whole record set gives. */
export interface RegistryStats {
  versions: VersionStats[];
  blueprints: BlueprintStats[];
}

/** Options: the confidence of every interval, and the bootstrap's resamples and seed. */
export interface StatsOptions {
  confidence?: number;
  resamples?: number;
  seed?: number;
}

/** The verdict that counts for each run: the latest review-verdict record (by `at`; registryStats falls back to the one the outcome carried). */
export function effectiveVerdicts(verdicts: readonly ReviewVerdictRecord[]): Map<string, RegistryVerdict> {
  const latest = new Map<string, ReviewVerdictRecord>();
  for (const v of verdicts) {
    const seen = latest.get(v.runId);
    if (!seen || v.at > seen.at) latest.set(v.runId, v);
  }
  return new Map([...latest].map(([run, v]) => [run, v.verdict]));
}

class Group {
  runs = 0;
  terminal = Object.fromEntries(TERMINAL_STATES.map((s) => [s, 0])) as Record<TerminalStateName, number>;
  prReady = 0;
  prJudged = 0;
  accepted = 0;
  acceptedNoEdit = 0;
  validated = 0;
  validatedPassed = 0;
  human: number[] = [];
  usd: number[] = [];
  duration: number[] = [];
  parent?: string;

  add(o: RunOutcomeRecord, verdict: RegistryVerdict | 'pending'): void {
    this.runs++;
    this.terminal[o.terminal.state]++;
    if (o.terminal.state === 'PR_READY') {
      this.prReady++;
      if (verdict !== 'pending') this.prJudged++;
      if (verdict === 'accepted') {
        this.accepted++;
        if (!o.humanEdited) this.acceptedNoEdit++;
      }
    }
    if (o.firstAttemptValidation !== 'none') {
      this.validated++;
      if (o.firstAttemptValidation === 'passed') this.validatedPassed++;
    }
    this.human.push(o.humanMs / 60_000);
    if (o.cost.usd !== undefined) this.usd.push(o.cost.usd);
    this.duration.push(o.durationMs / 1000);
    if (o.lineage) this.parent = o.lineage.parent.split('@')[0];
  }

  figures(o: StatsOptions): OutcomeFigures {
    const c = o.confidence ?? 0.95;
    const b = { confidence: c, resamples: o.resamples, seed: o.seed };
    return {
      runs: this.runs,
      terminal: { ...this.terminal },
      reviewerAcceptance: wilson(this.accepted, this.prJudged, c),
      acceptedNoEdit: wilson(this.acceptedNoEdit, this.runs, c),
      firstAttemptValidation: wilson(this.validatedPassed, this.validated, c),
      humanMinutes: bootstrapMedian(this.human, b),
      usd: { ...bootstrapMedian(this.usd, b), totalUsd: this.usd.reduce((a, x) => a + x, 0) },
      durationSec: bootstrapMedian(this.duration, b),
    };
  }
}

/**
 * Figures per version and per blueprint name over `outcomes`, with each run's verdict
 * taken from `verdicts` when one was recorded. Sorted by name, then version precedence.
 * Cost: one pass plus a bootstrap per group (O(resamples × n)).
 */
export function registryStats(outcomes: readonly RunOutcomeRecord[], verdicts: readonly ReviewVerdictRecord[] = [], o: StatsOptions = {}): RegistryStats {
  const verdictOf = effectiveVerdicts(verdicts);
  const byVersion = new Map<string, Group>();
  const byName = new Map<string, Group>();
  for (const r of outcomes) {
    const v = verdictOf.get(r.runId) ?? r.verdict;
    const vk = `${r.blueprint.name}@${r.blueprint.version}`;
    let g = byVersion.get(vk);
    if (!g) byVersion.set(vk, (g = new Group()));
    g.add(r, v);
    let n = byName.get(r.blueprint.name);
    if (!n) byName.set(r.blueprint.name, (n = new Group()));
    n.add(r, v);
  }
  const versions = [...byVersion].map(([key, g]) => {
    const at = key.lastIndexOf('@');
    return { name: key.slice(0, at), version: key.slice(at + 1), ...(g.parent ? { parent: g.parent } : {}), ...g.figures(o) };
  });
  const blueprints = [...byName].map(([name, g]) => ({ name, ...(g.parent ? { parent: g.parent } : {}), ...g.figures(o) }));
  versions.sort((a, b) => (a.name === b.name ? compareSemver(a.version, b.version) : a.name < b.name ? -1 : 1));
  blueprints.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { versions, blueprints };
}

/** How a fork's proportion compares with its parent's: better or worse when the intervals do not overlap, otherwise not distinguishable; too-thin when either side has fewer than `minN` samples. */
export type Comparison = 'better' | 'worse' | 'no-clear-difference' | 'too-thin';

/** One proportion of a fork beside its parent's. */
export interface FigureComparison {
  figure: 'firstAttemptValidation' | 'reviewerAcceptance' | 'acceptedNoEdit';
  fork: Proportion;
  parent: Proportion;
  verdict: Comparison;
}

/**
 * A fork against its parent, figure by figure (the question design.md "Registry" asks:
 * is this fork better than the canonical blueprint?). `minN` (default 10) is the sample
 * size below which a side is too thin to say.
 */
export function compareFork(fork: OutcomeFigures, parent: OutcomeFigures, minN = 10): FigureComparison[] {
  return (['firstAttemptValidation', 'reviewerAcceptance', 'acceptedNoEdit'] as const).map((figure) => {
    const f = fork[figure];
    const p = parent[figure];
    let verdict: Comparison = 'no-clear-difference';
    if (f.n < minN || p.n < minN) verdict = 'too-thin';
    else if (f.interval[0] > p.interval[1]) verdict = 'better';
    else if (f.interval[1] < p.interval[0]) verdict = 'worse';
    return { figure, fork: f, parent: p, verdict };
  });
}

/** The figures of a version with no recorded runs (every proportion n = 0). */
export function emptyFigures(o: StatsOptions = {}): OutcomeFigures {
  return new Group().figures(o);
}
