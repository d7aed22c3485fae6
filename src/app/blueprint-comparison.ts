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

/**
 * Keeps the comparison the panel shows current (issue 13: the view updates in place when
 * registry records change, not only on reopen). `open(name)` reads and shows a blueprint's
 * comparison; `refresh()` re-reads the one shown, if any, after a sync, a finished run's
 * outcome, a verdict, a registry command or a push someone else made. Reads never overlap:
 * while one runs, later refreshes coalesce into one more read after it. A read that a later
 * `open` superseded, or that finishes after the view was closed or switched to another
 * blueprint, is dropped, so an older figure never replaces a newer one. Never throws
 * (loadComparison puts a problem in the view instead).
 */
export class ComparisonRefresher {
  private generation = 0;
  private running: Promise<void> | undefined;
  private again = false;

  /**
   * @param o.load reads a blueprint's comparison (loadComparison on the configured registry).
   * @param o.shown the comparison the panel shows now (null when closed).
   * @param o.show puts a comparison in the panel (the host pushes a new numbered snapshot).
   * @param o.onError told when a refresh's read threw (the view shown stays as it was).
   */
  constructor(private readonly o: { load: (name: string) => Promise<ComparisonView>; shown: () => ComparisonView | null; show: (view: ComparisonView) => void; onError?: (e: unknown) => void }) {}

  /** Reads `name`'s comparison and shows it, replacing whatever comparison is shown; resolves with the view read. */
  async open(name: string): Promise<ComparisonView> {
    const gen = ++this.generation;
    const view = await this.o.load(name);
    if (gen === this.generation) this.o.show(view);
    return view;
  }

  /** Re-reads the comparison shown, if any, and shows the new figures; resolves when the view is current. */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        const name = this.o.shown()?.name;
        if (!name) break;
        const gen = ++this.generation;
        let view: ComparisonView;
        try {
          view = await this.o.load(name);
        } catch (e) {
          this.o.onError?.(e);
          continue;
        }
        // Closed, switched to another blueprint, or superseded by an open() meanwhile: the read is stale.
        if (gen === this.generation && this.o.shown()?.name === name) this.o.show(view);
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }
}
