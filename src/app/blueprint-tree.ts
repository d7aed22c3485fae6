import type { AdoptionRecord, RegistryChannel, RegistryTier } from '../contracts';
import { adoptions, BlueprintRegistry, type RegistrySnapshot } from '../adapters/registry';
import { compareSemver, parseRegistryRef } from '../core/registry';

/**
 * The Blueprints tree (issue 13) without vscode: the registry's blueprints grouped by tier,
 * each with its published versions (newest first) and, for a blueprint this workspace holds
 * a copy of (adopted or forked), how many versions its source is behind the source's latest.
 * The thin vscode provider (src/host/blueprints-view.ts) only turns these nodes into tree items.
 */

/** A published version: `ref` is `name@version`; yanked versions are listed with the reason. */
export interface VersionNode {
  kind: 'version';
  ref: string;
  name: string;
  version: string;
  channel: RegistryChannel;
  /** `name@version` of the parent when this version is a fork. */
  forkOf?: string;
  yanked?: string;
}

/** Drift of this workspace's copy of a blueprint: its source and how many unyanked versions of the source's name are newer. */
export interface CopyDrift {
  source: string;
  fork: boolean;
  latest?: string;
  versionsBehind: number;
}

/** A blueprint name with its versions; `latest` is the newest unyanked version, `production` the newest production one. */
export interface BlueprintNode {
  kind: 'blueprint';
  name: string;
  tier: RegistryTier;
  latest?: string;
  production?: string;
  /** Set when this workspace holds a copy of this name (`.shopfloor/registry/adopted/<name>.json`). */
  copy?: CopyDrift;
  versions: VersionNode[];
}

/** One tier's blueprints, by name. */
export interface TierNode {
  kind: 'tier';
  tier: RegistryTier;
  blueprints: BlueprintNode[];
}

export type BlueprintTreeNode = TierNode | BlueprintNode | VersionNode;

const TIERS: RegistryTier[] = ['platform', 'domain', 'team'];

/**
 * The tree of a registry snapshot and a workspace's adoption records: always the three tiers
 * (platform, domain, team), in that order. A name is placed under the tier of its newest
 * version (a name keeps its tier in practice). Pure.
 */
export function blueprintTree(snap: Pick<RegistrySnapshot, 'versions'>, copies: readonly AdoptionRecord[]): TierNode[] {
  const byName = new Map<string, RegistrySnapshot['versions']>();
  for (const v of snap.versions) byName.set(v.record.name, [...(byName.get(v.record.name) ?? []), v]);
  const newest = (name: string, channel?: RegistryChannel) =>
    (byName.get(name) ?? [])
      .filter((v) => !v.record.yanked && (!channel || v.channel === channel))
      .map((v) => v.record.version)
      .sort(compareSemver)
      .at(-1);
  const drift = (a: AdoptionRecord): CopyDrift => {
    const src = parseRegistryRef(a.source);
    const latest = newest(src.name);
    const versionsBehind = (byName.get(src.name) ?? []).filter((v) => !v.record.yanked && compareSemver(v.record.version, src.version) > 0).length;
    return { source: a.source, fork: a.fork, ...(latest ? { latest } : {}), versionsBehind };
  };
  const nodes: BlueprintNode[] = [...byName].map(([name, vs]) => {
    const sorted = [...vs].sort((a, b) => compareSemver(b.record.version, a.record.version));
    const copy = copies.find((c) => c.name === name);
    const latest = newest(name);
    const production = newest(name, 'production');
    return {
      kind: 'blueprint',
      name,
      tier: sorted[0]!.record.tier,
      ...(latest ? { latest } : {}),
      ...(production ? { production } : {}),
      ...(copy ? { copy: drift(copy) } : {}),
      versions: sorted.map((v) => ({
        kind: 'version',
        ref: `${name}@${v.record.version}`,
        name,
        version: v.record.version,
        channel: v.channel,
        ...(v.record.lineage ? { forkOf: v.record.lineage.parent } : {}),
        ...(v.record.yanked ? { yanked: v.record.yanked.reason } : {}),
      })),
    };
  });
  return TIERS.map((tier) => ({ kind: 'tier', tier, blueprints: nodes.filter((n) => n.tier === tier).sort((a, b) => a.name.localeCompare(b.name)) }));
}

/** The drift badge of a blueprint node: "2 behind bugfix@1.3.0" for a copy whose source moved on, "up to date" when it did not, undefined for no copy. */
export function driftBadge(n: BlueprintNode): string | undefined {
  if (!n.copy) return undefined;
  const what = n.copy.fork ? 'fork of' : 'adopted';
  return n.copy.versionsBehind ? `${what} ${n.copy.source}: ${n.copy.versionsBehind} behind ${n.copy.latest ?? '?'}` : `${what} ${n.copy.source}: up to date`;
}

/** Pulls the registry (a fetch: throws RegistryUnreachableError) and builds the tree with `workspace`'s adoption records (none without a workspace). */
export async function loadBlueprintTree(registry: BlueprintRegistry, workspace: string | undefined): Promise<TierNode[]> {
  const snap = await registry.pull();
  return blueprintTree(snap, workspace ? adoptions(workspace) : []);
}
