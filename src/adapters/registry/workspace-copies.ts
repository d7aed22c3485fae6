import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AdoptionRecordSchema, BlueprintSchema, type AdoptionRecord, type Blueprint } from '../../contracts';
import { BUILTIN_BLUEPRINTS } from '../../core/blueprints/builtins';
import { contentHash } from '../../core/hash';
import { blueprintDiff, checkRegistryName, compareSemver, mergeBlueprint, parseRegistryRef, stableJson, type DiffLine, type MergeConflict } from '../../core/registry';
import { latestOf, RegistryRefusedError, type BlueprintRegistry, type RegistrySnapshot } from './blueprint-registry';

/**
 * A workspace's copies of registry blueprints (issue 13 item 3: adopt, update, drift).
 * The copy is `.shopfloor/blueprints/<name>.json` (where runs find repository
 * blueprints); beside it, `.shopfloor/registry/adopted/<name>.json` records which registry
 * version it is based on (the merge base of `update`). I/O: those files, and the registry.
 */

/** `update` stopped: the same lines changed locally and in the parent. Nothing was written but the conflict file. */
export class UpdateConflictError extends Error {
  constructor(
    readonly blueprint: string,
    readonly conflicts: MergeConflict[],
    readonly text: string,
    readonly conflictFile: string,
    why: string,
  ) {
    super(`update of ${blueprint} stopped: ${why}; your copy is unchanged. The conflict (local, base, parent) is in ${conflictFile}:\n${text}`);
    this.name = 'UpdateConflictError';
  }
}

const copyPath = (ws: string, name: string) => join(ws, '.shopfloor', 'blueprints', `${checkRegistryName('name', name)}.json`);
const recordPath = (ws: string, name: string) => join(ws, '.shopfloor', 'registry', 'adopted', `${checkRegistryName('name', name)}.json`);

function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** The adoption records of a workspace (files that do not parse are skipped). */
export function adoptions(workspace: string): AdoptionRecord[] {
  const dir = join(workspace, '.shopfloor', 'registry', 'adopted');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      const r = AdoptionRecordSchema.safeParse(JSON.parse(readFileSync(join(dir, f), 'utf8')));
      return r.success ? [r.data] : [];
    });
}

/** The adoption record of copy `name`, or undefined. */
export function adoptionOf(workspace: string, name: string): AdoptionRecord | undefined {
  const f = recordPath(workspace, name);
  return existsSync(f) ? AdoptionRecordSchema.parse(JSON.parse(readFileSync(f, 'utf8'))) : undefined;
}

function refuseUnrunnable(b: Blueprint): void {
  if (BUILTIN_BLUEPRINTS.some((x) => x.name === b.name)) throw new RegistryRefusedError(`${b.name} is the name of a built-in blueprint; a workspace copy never replaces it (fork it under another name)`);
  if (b.tier === 'platform') throw new RegistryRefusedError(`${b.name}@${b.version} is a platform-tier blueprint; a workspace copy may not claim that tier (design.md: repository blueprints are the team's own). Fork it: shopfloor registry fork ${b.name}@${b.version} <name>`);
}

/**
 * Adopts a registry version: copies it, pinned, into the workspace with a record of its
 * source. `refOrName` is `name@version`, or a bare name for its latest production version
 * (`o.channel` candidate: its latest unyanked version of either channel). Refuses a yanked version, a platform-tier one or one named like a built-in (the
 * run would refuse it), and a workspace that already has a different copy of that name.
 */
export async function adopt(registry: BlueprintRegistry, workspace: string, refOrName: string, now = new Date(), o: { channel?: 'production' | 'candidate' } = {}): Promise<{ file: string; record: AdoptionRecord }> {
  const snap = await registry.pull();
  let ref = refOrName;
  if (!refOrName.includes('@')) {
    // A bare name pins the latest production version (what unattended runs should use), or the latest of any channel when asked.
    const name = checkRegistryName('name', refOrName);
    const channel = o.channel ?? 'production';
    const version = latestOf(snap, name, channel === 'production' ? 'production' : undefined);
    if (!version) throw new RegistryRefusedError(`${name} has no ${channel === 'production' ? 'production' : 'unyanked'} version in the registry${channel === 'production' && latestOf(snap, name) ? ` (its latest, ${latestOf(snap, name)}, is a candidate: adopt it by name@version, or with the candidate channel)` : ''}`);
    ref = `${name}@${version}`;
  }
  const v = registry.getVersion(ref);
  if (!v) throw new RegistryRefusedError(`${ref} is not in the registry ${registry.location.url}`);
  if (v.record.yanked) throw new RegistryRefusedError(`${ref} is yanked (${v.record.yanked.reason}); adopt another version`);
  refuseUnrunnable(v.blueprint);
  const file = copyPath(workspace, v.blueprint.name);
  const text = stableJson(v.blueprint);
  if (existsSync(file) && readFileSync(file, 'utf8') !== text) throw new RegistryRefusedError(`${file} exists with other content; use update, or move it away first`);
  const channel = snap.versions.find((x) => x.record.name === v.record.name && x.record.version === v.record.version)?.channel ?? 'candidate';
  const record = AdoptionRecordSchema.parse({ kind: 'adoption', name: v.blueprint.name, source: ref, sourceHash: v.record.hash, registry: registry.location.url, adoptedAt: now.toISOString(), fork: false, channel });
  writeAtomic(file, text);
  writeAtomic(recordPath(workspace, v.blueprint.name), stableJson(record));
  return { file, record };
}

/**
 * Forks a registry version into the workspace: a whole copy named `name`, a record of its
 * source (the parent: its lineage and the merge base of update), and (unless `publish` is false) the fork published to
 * the registry at `version` (default 1.0.0) with its lineage.
 */
export async function forkInto(registry: BlueprintRegistry, workspace: string, parentRef: string, o: { name: string; version?: string; by: string; workspaceId: string; publish?: boolean; now?: Date }): Promise<{ file: string; record: AdoptionRecord; blueprint: Blueprint }> {
  checkRegistryName('name', o.name, 'fork name');
  await registry.pull();
  const parent = registry.getVersion(parentRef);
  if (!parent) throw new RegistryRefusedError(`${parentRef} is not in the registry ${registry.location.url}`);
  // A whole copy without `forkOf`: the run-time resolver would look for the parent among the
  // workspace's blueprints and merge over it; the lineage lives in the adoption record and the registry.
  const { forkOf: _drop, ...copy } = parent.blueprint;
  void _drop;
  const blueprint = BlueprintSchema.parse({ ...copy, name: o.name, version: o.version ?? '1.0.0', tier: parent.blueprint.tier === 'platform' ? 'team' : parent.blueprint.tier });
  refuseUnrunnable(blueprint);
  const file = copyPath(workspace, o.name);
  if (existsSync(file)) throw new RegistryRefusedError(`${file} exists; choose another name for the fork`);
  if (o.publish !== false) await registry.publish(blueprint, { by: o.by, workspace: o.workspaceId, forkOf: parentRef });
  const record = AdoptionRecordSchema.parse({ kind: 'adoption', name: o.name, source: parentRef, sourceHash: parent.record.hash, registry: registry.location.url, adoptedAt: (o.now ?? new Date()).toISOString(), fork: true, channel: 'candidate' });
  writeAtomic(file, stableJson(blueprint));
  writeAtomic(recordPath(workspace, o.name), stableJson(record));
  return { file, record, blueprint };
}

/** What update did. */
export type UpdateResult = { status: 'up-to-date'; source: string } | { status: 'updated'; from: string; to: string; file: string; keptLocalEdits: boolean };

/**
 * Brings copy `name` to its parent's latest unyanked version with a three-way merge
 * (base: the version it is based on; local: the workspace copy; theirs: the latest),
 * keeping local edits. An adopted copy takes the new version number; a fork keeps its own
 * and its adoption record's source (its lineage) moves to the new parent version. On a conflict nothing is changed, the
 * conflict is written to `.shopfloor/registry/conflicts/<name>.txt`, and
 * UpdateConflictError shows it. Throws RegistryRefusedError for a copy with no adoption
 * record or a merged result that is not a valid blueprint.
 */
export async function update(registry: BlueprintRegistry, workspace: string, name: string, now = new Date()): Promise<UpdateResult> {
  const adoption = adoptionOf(workspace, name);
  if (!adoption) throw new RegistryRefusedError(`${name} was not adopted or forked from a registry (no ${recordPath(workspace, name)})`);
  const snap = await registry.pull();
  const src = parseRegistryRef(adoption.source);
  const latest = latestOf(snap, src.name);
  if (!latest || compareSemver(latest, src.version) <= 0) return { status: 'up-to-date', source: adoption.source };
  const base = registry.getVersion(adoption.source);
  const theirs = registry.getVersion(`${src.name}@${latest}`);
  if (!base || !theirs) throw new RegistryRefusedError(`the registry no longer has ${adoption.source} or ${src.name}@${latest}`);
  const file = copyPath(workspace, name);
  const local = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const m = mergeBlueprint(base.blueprint as unknown as Record<string, unknown>, local, theirs.blueprint as unknown as Record<string, unknown>);
  if (!m.ok) {
    const conflictFile = join(workspace, '.shopfloor', 'registry', 'conflicts', `${checkRegistryName('name', name)}.txt`);
    writeAtomic(conflictFile, `${m.text}\n`);
    throw new UpdateConflictError(name, m.conflicts, m.text, conflictFile, m.why);
  }
  const merged = adoption.fork ? m.merged : { ...m.merged, version: latest };
  const parsed = BlueprintSchema.safeParse(merged);
  if (!parsed.success) throw new RegistryRefusedError(`the merge of ${name} is not a valid blueprint (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}); your copy is unchanged`);
  writeAtomic(file, stableJson(parsed.data));
  const channel = adoption.fork ? 'candidate' : (snap.versions.find((x) => x.record.name === src.name && x.record.version === latest)?.channel ?? 'candidate');
  const record = AdoptionRecordSchema.parse({ ...adoption, source: `${src.name}@${latest}`, sourceHash: theirs.record.hash, adoptedAt: now.toISOString(), channel });
  writeAtomic(recordPath(workspace, name), stableJson(record));
  return { status: 'updated', from: adoption.source, to: record.source, file, keptLocalEdits: contentHash(parsed.data) !== theirs.record.hash };
}

/** How one workspace copy stands against its parent's latest. */
export interface DriftEntry {
  name: string;
  fork: boolean;
  source: string;
  latest?: string;
  /** Unyanked parent versions above the source. */
  versionsBehind: number;
  /** Lines of the copy that differ from the parent's latest (identity fields left out). */
  differences: DiffLine[];
}

/** Drift of every copy in the workspace against its parent's latest (pulls the registry once). */
export async function drift(registry: BlueprintRegistry, workspace: string): Promise<DriftEntry[]> {
  const snap = await registry.pull();
  return adoptions(workspace).map((a) => driftOf(registry, snap, workspace, a));
}

function driftOf(registry: BlueprintRegistry, snap: RegistrySnapshot, workspace: string, a: AdoptionRecord): DriftEntry {
  const src = parseRegistryRef(a.source);
  const latest = latestOf(snap, src.name);
  const behind = snap.versions.filter((v) => v.record.name === src.name && !v.record.yanked && compareSemver(v.record.version, src.version) > 0).length;
  const file = copyPath(workspace, a.name);
  const theirs = latest ? registry.getVersion(`${src.name}@${latest}`) : undefined;
  const differences = existsSync(file) && theirs ? blueprintDiff(theirs.blueprint as unknown as Record<string, unknown>, JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : [];
  return { name: a.name, fork: a.fork, source: a.source, ...(latest ? { latest } : {}), versionsBehind: behind, differences };
}

/** Registry-wide drift: every published fork's newest version against its parent's latest (which teams drift from the canonical version). */
export function registryDrift(snap: RegistrySnapshot): Array<{ fork: string; parent: string; latest?: string; versionsBehind: number }> {
  const forks = new Map<string, { version: string; parent: string }>();
  for (const v of snap.versions) {
    if (!v.record.lineage || v.record.yanked) continue;
    const seen = forks.get(v.record.name);
    if (!seen || compareSemver(v.record.version, seen.version) > 0) forks.set(v.record.name, { version: v.record.version, parent: v.record.lineage.parent });
  }
  return [...forks].map(([name, f]) => {
    const p = parseRegistryRef(f.parent);
    const latest = latestOf(snap, p.name);
    const behind = snap.versions.filter((v) => v.record.name === p.name && !v.record.yanked && compareSemver(v.record.version, p.version) > 0).length;
    return { fork: `${name}@${f.version}`, parent: f.parent, ...(latest ? { latest } : {}), versionsBehind: behind };
  });
}
