import type { ComparisonView } from '../contracts';
import type { BlueprintRegistry } from '../adapters/registry';
import { comparisonView, parseRegistryRef } from '../core/registry';

/**
 * The comparison view of blueprint `name` (issue 13) from the registry as it is now: pulls
 * (a fetch), computes `registryStats` over every outcome and verdict, and builds the view
 * (src/core/registry/comparison.ts) with lineage from the published version records. An
 * unreachable or unreadable registry gives a view with `problem` set and no figures, never
 * a throw: the panel shows why.
 */
export async function loadComparison(registry: BlueprintRegistry, name: string, now: Date = new Date()): Promise<ComparisonView> {
  const at = now.toISOString();
  try {
    const s = await registry.stats();
    const published = s.snapshot.versions.map((v) => ({ name: v.record.name, version: v.record.version, ...(v.record.lineage ? { parent: parseRegistryRef(v.record.lineage.parent).name } : {}) }));
    return comparisonView(s, published, name, { at });
  } catch (e) {
    return { name, parent: null, confidence: 0.95, minN: 10, versions: [], blueprints: [], pairs: [], problem: (e as Error).message.split('\n')[0]!.slice(0, 500), at };
  }
}

/** Names of the blueprints the registry holds (published or with outcomes), sorted, for a picker. Pulls; throws RegistryUnreachableError. */
export async function comparableNames(registry: BlueprintRegistry): Promise<string[]> {
  const snap = await registry.pull();
  return [...new Set([...snap.versions.map((v) => v.record.name), ...snap.outcomes.map((o) => o.blueprint.name)])].sort();
}
