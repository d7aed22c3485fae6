import type { ComparisonFigures, ComparisonView, ComparisonVersion, MedianView, ProportionView } from '../../contracts';
import { compareFork, emptyFigures, type OutcomeFigures, type RegistryStats } from './analytics';
import type { Median, Proportion } from './intervals';
import { compareSemver } from './semver';

/**
 * The panel's comparison view of one blueprint (issue 13), from `registryStats` output and
 * the registry's published versions: the blueprint, its parent when it is a fork, and its
 * forks, each version with its figures (a published version without runs shows zero), and
 * each fork against its parent (compareFork). Pure.
 */

/** A published version as the comparison needs it: `parent` is the parent's name when the version is a fork. */
export interface PublishedRef {
  name: string;
  version: string;
  parent?: string;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
const proportion = (p: Proportion): ProportionView => ({ k: p.k, n: p.n, rate: finite(p.rate), interval: [p.interval[0], p.interval[1]] });
const medianView = (m: Median): MedianView => ({ n: m.n, median: finite(m.median), interval: m.n && Number.isFinite(m.interval[0]) ? [m.interval[0], m.interval[1]] : null });
const figures = (f: OutcomeFigures): ComparisonFigures => ({
  runs: f.runs,
  terminal: { ...f.terminal },
  reviewerAcceptance: proportion(f.reviewerAcceptance),
  firstAttemptValidation: proportion(f.firstAttemptValidation),
  humanMinutes: medianView(f.humanMinutes),
});

/**
 * The comparison of `name`: versions of its parent (when a fork), itself and its forks, in
 * that order and by semver precedence within a name; `minN` (default 10) is the sample size
 * below which a side is too thin to state a difference; `confidence` must be the one
 * `stats` was computed at (default 0.95). Lineage comes from the published versions first,
 * then from the outcomes (a fork whose version records are gone still knows its parent).
 */
export function comparisonView(stats: RegistryStats, published: readonly PublishedRef[], name: string, o: { confidence?: number; minN?: number; at: string }): ComparisonView {
  const minN = o.minN ?? 10;
  const confidence = o.confidence ?? 0.95;
  const parentOf = (n: string) => published.find((p) => p.name === n && p.parent)?.parent ?? stats.blueprints.find((b) => b.name === n)?.parent;
  const parent = parentOf(name);
  const names = new Set([...published.map((p) => p.name), ...stats.blueprints.map((b) => b.name)]);
  const forks = [...names].filter((n) => n !== name && parentOf(n) === name).sort();
  const group: Array<{ name: string; role: ComparisonVersion['role'] }> = [...(parent ? [{ name: parent, role: 'parent' as const }] : []), { name, role: 'blueprint' }, ...forks.map((f) => ({ name: f, role: 'fork' as const }))];
  const empty = emptyFigures({ confidence });
  const versions: ComparisonVersion[] = group.flatMap((g) => {
    const seen = new Set([...published.filter((p) => p.name === g.name).map((p) => p.version), ...stats.versions.filter((v) => v.name === g.name).map((v) => v.version)]);
    return [...seen].sort(compareSemver).map((version) => ({ name: g.name, version, role: g.role, ...figures(stats.versions.find((v) => v.name === g.name && v.version === version) ?? empty) }));
  });
  const whole = (n: string) => stats.blueprints.find((b) => b.name === n) ?? empty;
  const pairs = [...(parent ? [{ fork: name, parent }] : []), ...forks.map((f) => ({ fork: f, parent: name }))].map((p) => ({
    ...p,
    figures: compareFork(whole(p.fork), whole(p.parent), minN).map((c) => ({ figure: c.figure, fork: proportion(c.fork), parent: proportion(c.parent), verdict: c.verdict })),
  }));
  return {
    name,
    parent: parent ?? null,
    confidence,
    minN,
    versions,
    blueprints: group.map((g) => ({ name: g.name, role: g.role, ...figures(whole(g.name)) })),
    pairs,
    problem: null,
    at: o.at,
  };
}
