import { join } from 'node:path';
import {
  BlueprintSchema,
  BlueprintVersionRecordSchema,
  PromotionRecordSchema,
  PromotionRuleSchema,
  ReviewVerdictRecordSchema,
  RunOutcomeRecordSchema,
  type Blueprint,
  type BlueprintVersionRecord,
  type PromotionRecord,
  type PromotionRule,
  type RegistryChannel,
  type RegistryTier,
  type ReviewVerdictRecord,
  type RunOutcomeRecord,
} from '../../contracts';
import { contentHash } from '../../core/hash';
import {
  checkPromotion,
  checkRegistryName,
  compareSemver,
  DEFAULT_PROMOTION_RULES,
  emptyFigures,
  foldedKey,
  parseRegistryPath,
  parseRegistryRef,
  REGISTRY_LAYOUT,
  registryStats,
  stableJson,
  type PromotionDecision,
  type RegistryStats,
  type StatsOptions,
} from '../../core/registry';
import { RegistryClone, RegistryUnreachableError, type CloneOptions, type RegistryTree } from './clone';
import { ensureBareRegistry, type RegistryLocation } from './location';
import { RecordQueue } from './queue';

/** A registry operation refused: the message says what and why; nothing was changed. */
export class RegistryRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryRefusedError';
  }
}

/** A promotion refused: `shortfalls` names each figure that falls short. */
export class PromotionRefusedError extends RegistryRefusedError {
  constructor(
    readonly ref: string,
    readonly decision: PromotionDecision,
  ) {
    super(`${ref} is not promoted to production: ${decision.shortfalls.join('; ')}`);
    this.name = 'PromotionRefusedError';
  }
}

/** A published version as the registry holds it. */
export interface PublishedVersion {
  record: BlueprintVersionRecord;
  channel: RegistryChannel;
}

/** What a sync did: records pushed now, records still queued (offline or refused by a busy remote), and why. */
export interface SyncResult {
  delivered: number;
  alreadyThere: number;
  queued: number;
  /** Records whose path held other content already (left as they were, dropped from the queue). */
  conflicting: string[];
  error?: string;
}

/** Everything the registry holds, parsed; files that do not parse are listed in `problems` and otherwise ignored. */
export interface RegistrySnapshot {
  versions: PublishedVersion[];
  outcomes: RunOutcomeRecord[];
  verdicts: ReviewVerdictRecord[];
  promotions: PromotionRecord[];
  rules: Partial<Record<RegistryTier, PromotionRule>>;
  problems: string[];
}

/**
 * The shared, git-backed blueprint registry (issue 13, docs/registry.md): publish, yank,
 * fork, sync of run outcomes and review verdicts, promotion on evidence, stats. Every name
 * passes checkRegistryName before a path is built (REGISTRY_LAYOUT). I/O: git through
 * simple-git (a working clone under `location.stateDir/clone`) and the offline queue
 * (`location.stateDir/queue`).
 */
export class BlueprintRegistry {
  readonly clone: RegistryClone;
  readonly queue: RecordQueue;

  private constructor(
    readonly location: RegistryLocation,
    cloneOptions: CloneOptions,
    private readonly now: () => Date,
  ) {
    this.clone = new RegistryClone(location.url, join(location.stateDir, 'clone'), cloneOptions);
    this.queue = new RecordQueue(join(location.stateDir, 'queue'));
  }

  /** Opens a registry; creates the embedded bare repository on first use. */
  static async open(location: RegistryLocation, o: { clone?: CloneOptions; now?: () => Date } = {}): Promise<BlueprintRegistry> {
    if (location.embedded) await ensureBareRegistry(location.url);
    return new BlueprintRegistry(location, o.clone ?? {}, o.now ?? (() => new Date()));
  }

  /** Fetches the registry and reads everything in it. Throws RegistryUnreachableError. */
  async pull(): Promise<RegistrySnapshot> {
    return readSnapshot(await this.clone.pull());
  }

  /**
   * Publishes a blueprint version (once). The blueprint is validated (BlueprintSchema), its
   * `$schema` dropped, and hashed (contentHash of the parsed blueprint: the same hash a run
   * of it records in its evidence). Publishing the same content again is a no-op; other
   * content under a published name@version is refused, as is a name taken in another tier
   * or colliding with one under case folding, and a fork whose parent is not in the
   * registry. A registry fork is a whole copy: its lineage is `o.forkOf` (or the
   * blueprint's own `forkOf`, which the run-time resolver reads as "merge over a parent it
   * can find", so registry forks leave it out) and is kept in the version record. Throws
   * RegistryRefusedError, RegistryNameError, RegistryUnreachableError.
   */
  async publish(input: unknown, o: { by: string; workspace: string; forkOf?: string }): Promise<{ record: BlueprintVersionRecord; pushed: boolean }> {
    const parsed = BlueprintSchema.safeParse(input);
    if (!parsed.success) throw new RegistryRefusedError(`not a valid blueprint: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    const { $schema: _drop, ...bp } = parsed.data;
    void _drop;
    const blueprint = bp as Blueprint;
    const name = checkRegistryName('name', blueprint.name);
    const version = checkRegistryName('version', blueprint.version);
    const tier = checkRegistryName('tier', blueprint.tier) as RegistryTier;
    const hash = contentHash(blueprint);
    const path = REGISTRY_LAYOUT.blueprint(tier, name, version);
    const recordPath = REGISTRY_LAYOUT.versionRecord(tier, name, version);
    const r = await this.clone.transact(`publish ${name}@${version}`, (tree) => {
      const existing = tree.read(recordPath);
      if (existing !== undefined) {
        const rec = BlueprintVersionRecordSchema.parse(JSON.parse(existing));
        if (rec.hash !== hash) throw new RegistryRefusedError(`${name}@${version} is already published with other content (sha256 ${rec.hash.slice(0, 12)}, this is ${hash.slice(0, 12)}); published versions are immutable: publish a new version`);
        return rec;
      }
      for (const p of tree.list('blueprints')) {
        const at = parseRegistryPath(p);
        if (at?.kind !== 'blueprint-version') continue;
        if (at.name === name && at.tier !== tier) throw new RegistryRefusedError(`${name} is already published in the ${at.tier} tier; a name lives in one tier`);
        if (at.name !== name && foldedKey(at.name) === foldedKey(name)) throw new RegistryRefusedError(`${name} collides with ${at.name} under case folding`);
      }
      let lineage: BlueprintVersionRecord['lineage'];
      const parentRef = blueprint.forkOf ?? o.forkOf;
      if (parentRef) {
        const parent = parseRegistryRef(parentRef);
        const prec = findVersion(tree, parent.name, parent.version);
        if (!prec) throw new RegistryRefusedError(`${name}@${version} is a fork of ${parentRef}, which is not in the registry; publish the parent first`);
        lineage = { parent: parentRef, parentHash: prec.hash };
      }
      const rec: BlueprintVersionRecord = BlueprintVersionRecordSchema.parse({
        kind: 'blueprint-version',
        name,
        version,
        tier,
        ...(lineage ? { lineage } : {}),
        hash,
        path,
        publishedAt: this.now().toISOString(),
        publishedBy: o.by,
        workspace: o.workspace,
      });
      tree.write(path, stableJson(blueprint));
      tree.write(recordPath, stableJson(rec));
      return rec;
    });
    return { record: r.value, pushed: r.pushed };
  }

  /** Marks a published version yanked (the only change a published version allows): it stays readable for runs pinned to it, and is never chosen as latest or promoted. */
  async yank(ref: string, o: { by: string; reason: string }): Promise<BlueprintVersionRecord> {
    const { name, version } = parseRegistryRef(ref);
    const r = await this.clone.transact(`yank ${name}@${version}`, (tree) => {
      const rec = findVersion(tree, name, version);
      if (!rec) throw new RegistryRefusedError(`${ref} is not in the registry`);
      if (rec.yanked) return rec;
      const next = BlueprintVersionRecordSchema.parse({ ...rec, yanked: { at: this.now().toISOString(), by: o.by, reason: o.reason.slice(0, 500) } });
      tree.write(REGISTRY_LAYOUT.versionRecord(rec.tier, name, version), stableJson(next));
      return next;
    });
    return r.value;
  }

  /** A published version's record and blueprint, or undefined. Reads the clone as last pulled (call pull first for fresh data). */
  getVersion(ref: string): { record: BlueprintVersionRecord; blueprint: Blueprint } | undefined {
    const { name, version } = parseRegistryRef(ref);
    const tree = this.clone.tree();
    const record = findVersion(tree, name, version);
    if (!record) return undefined;
    const text = tree.read(record.path);
    if (text === undefined) return undefined;
    const blueprint = BlueprintSchema.parse(JSON.parse(text));
    if (contentHash(blueprint) !== record.hash) throw new RegistryRefusedError(`${ref} in the registry does not match its recorded hash (the file was changed outside Shopfloor)`);
    return { record, blueprint };
  }

  /**
   * Forks a published version: a whole copy under `name` (tier `team` unless given), its
   * lineage to the parent in the version record, at `version` (default 1.0.0), optionally edited by `edit`, then
   * published with its lineage. Throws as publish does, and RegistryRefusedError for an
   * unknown parent.
   */
  async fork(parentRef: string, o: { name: string; version?: string; tier?: RegistryTier; by: string; workspace: string; edit?: (b: Blueprint) => Blueprint }): Promise<{ record: BlueprintVersionRecord; blueprint: Blueprint }> {
    checkRegistryName('name', o.name, 'fork name');
    await this.clone.pull();
    const parent = this.getVersion(parentRef);
    if (!parent) throw new RegistryRefusedError(`${parentRef} is not in the registry`);
    let blueprint: Blueprint = { ...structuredClone(parent.blueprint), name: o.name, version: o.version ?? '1.0.0', tier: o.tier ?? 'team' };
    delete blueprint.forkOf;
    if (o.edit) blueprint = o.edit(blueprint);
    const { record } = await this.publish(blueprint, { by: o.by, workspace: o.workspace, forkOf: parentRef });
    return { record, blueprint: BlueprintSchema.parse(blueprint) };
  }

  /**
   * Sends run outcomes and review verdicts (issue 13 item 3): every record is first put in
   * the offline queue, then the whole queue (this batch and anything left from earlier) is
   * pushed in one commit; a rejected push is retried with jittered backoff; an unreachable
   * registry leaves them queued for the next sync. Never throws for an unreachable or busy
   * registry: the result says so. Throws RegistryNameError for a record whose names are not
   * safe (before anything is queued) and a zod error for a record that is not valid.
   */
  async sync(records: ReadonlyArray<RunOutcomeRecord | ReviewVerdictRecord>): Promise<SyncResult> {
    const items = records.map((r) => {
      if (r.kind === 'run-outcome') {
        const rec = RunOutcomeRecordSchema.parse(r);
        return { path: REGISTRY_LAYOUT.outcome(rec.blueprint.name, rec.blueprint.version, rec.runId), text: stableJson(rec) };
      }
      const rec = ReviewVerdictRecordSchema.parse(r);
      return { path: REGISTRY_LAYOUT.verdict(rec.blueprint.name, rec.blueprint.version, rec.runId, rec.reviewer, rec.at), text: stableJson(rec) };
    });
    this.queue.enqueue(items);
    return this.flush();
  }

  /** Pushes whatever the offline queue holds (see sync). */
  async flush(): Promise<SyncResult> {
    const queued = this.queue.entries().filter((q) => parseRegistryPath(q.path)?.kind === 'run-outcome' || parseRegistryPath(q.path)?.kind === 'review-verdict');
    if (!queued.length) return { delivered: 0, alreadyThere: 0, queued: 0, conflicting: [] };
    try {
      const r = await this.clone.transact(`sync ${queued.length} record(s)`, (tree) => {
        let delivered = 0;
        let alreadyThere = 0;
        const conflicting: string[] = [];
        for (const q of queued) {
          const there = tree.read(q.path);
          if (there === undefined) {
            tree.write(q.path, q.text);
            delivered++;
          } else if (there === q.text) alreadyThere++;
          else conflicting.push(q.path); // one writer per run: a different file there is kept, never overwritten
        }
        return { delivered, alreadyThere, conflicting };
      });
      this.queue.remove([...new Set(queued.map((q) => q.id))]);
      return { ...r.value, queued: this.queue.entries().length };
    } catch (e) {
      if (e instanceof RegistryUnreachableError || (e as Error).name === 'RegistryBusyError') return { delivered: 0, alreadyThere: 0, queued: this.queue.entries().length, conflicting: [], error: (e as Error).message };
      throw e;
    }
  }

  /**
   * Promotes a version to production when its recorded outcomes meet its tier's rule
   * (`tiers/<tier>.json`, else DEFAULT_PROMOTION_RULES) against the current production
   * version of the same name (the highest promoted, unyanked one). Writes a promotion
   * record with the figures. Throws PromotionRefusedError naming each figure that falls
   * short, RegistryRefusedError (unknown, yanked or already production), RegistryUnreachableError.
   */
  async promote(ref: string, o: { by: string; stats?: StatsOptions }): Promise<PromotionRecord> {
    const { name, version } = parseRegistryRef(ref);
    const r = await this.clone.transact(`promote ${name}@${version}`, (tree) => {
      const snap = readSnapshot(tree);
      const target = snap.versions.find((v) => v.record.name === name && v.record.version === version);
      if (!target) throw new RegistryRefusedError(`${ref} is not in the registry`);
      if (target.record.yanked) throw new RegistryRefusedError(`${ref} is yanked and cannot be promoted`);
      const already = snap.promotions.find((p) => p.name === name && p.version === version);
      if (already) return already;
      const rule = snap.rules[target.record.tier] ?? DEFAULT_PROMOTION_RULES[target.record.tier];
      const prod = currentProduction(snap, name);
      const stats = registryStats(snap.outcomes, snap.verdicts, { confidence: rule.confidence, ...o.stats });
      const figuresOf = (v: string) => stats.versions.find((s) => s.name === name && s.version === v);
      const cand = figuresOf(version) ?? emptyFigures({ confidence: rule.confidence });
      const decision = checkPromotion(rule, cand, prod ? figuresOf(prod) : undefined);
      if (!decision.met) throw new PromotionRefusedError(ref, decision);
      const rec = PromotionRecordSchema.parse({ kind: 'promotion', name, version, tier: target.record.tier, to: 'production', ...(prod ? { against: `${name}@${prod}` } : {}), rule, figures: decision.figures, at: this.now().toISOString(), by: o.by });
      tree.write(REGISTRY_LAYOUT.promotion(name, version), stableJson(rec));
      return rec;
    });
    return r.value;
  }

  /** Declares a tier's promotion rule (`tiers/<tier>.json`). */
  async setRule(rule: PromotionRule): Promise<void> {
    const parsed = PromotionRuleSchema.parse(rule);
    await this.clone.transact(`promotion rule of ${parsed.tier}`, (tree) => tree.write(REGISTRY_LAYOUT.tierRule(parsed.tier), stableJson(parsed)));
  }

  /** Analytics over everything synced (pulls first). */
  async stats(o: StatsOptions = {}): Promise<RegistryStats & { snapshot: RegistrySnapshot }> {
    const snapshot = await this.pull();
    return { ...registryStats(snapshot.outcomes, snapshot.verdicts, o), snapshot };
  }
}

/** The highest version of `name` with a promotion record and not yanked, or undefined. */
export function currentProduction(snap: RegistrySnapshot, name: string): string | undefined {
  const yanked = new Set(snap.versions.filter((v) => v.record.name === name && v.record.yanked).map((v) => v.record.version));
  return snap.promotions
    .filter((p) => p.name === name && !yanked.has(p.version))
    .map((p) => p.version)
    .sort(compareSemver)
    .at(-1);
}

/** The highest unyanked version of `name` (of `channel` when given), or undefined. */
export function latestOf(snap: RegistrySnapshot, name: string, channel?: RegistryChannel): string | undefined {
  return snap.versions
    .filter((v) => v.record.name === name && !v.record.yanked && (!channel || v.channel === channel))
    .map((v) => v.record.version)
    .sort(compareSemver)
    .at(-1);
}

function findVersion(tree: RegistryTree, name: string, version: string): BlueprintVersionRecord | undefined {
  for (const tier of ['platform', 'domain', 'team'] as const) {
    const text = tree.read(REGISTRY_LAYOUT.versionRecord(tier, name, version));
    if (text !== undefined) return BlueprintVersionRecordSchema.parse(JSON.parse(text));
  }
  return undefined;
}

/** Reads and parses every record of a checkout. */
export function readSnapshot(tree: RegistryTree): RegistrySnapshot {
  const snap: RegistrySnapshot = { versions: [], outcomes: [], verdicts: [], promotions: [], rules: {}, problems: [] };
  const promoted = new Set<string>();
  const versionRecords: BlueprintVersionRecord[] = [];
  const parse = <T>(p: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }): T | undefined => {
    try {
      const r = schema.safeParse(JSON.parse(tree.read(p)!));
      if (r.success) return r.data;
      snap.problems.push(`${p}: ${r.error.message.slice(0, 300)}`);
    } catch (e) {
      snap.problems.push(`${p}: ${(e as Error).message}`);
    }
    return undefined;
  };
  for (const prefix of ['tiers', 'blueprints', 'promotions', 'outcomes', 'verdicts']) {
    for (const p of tree.list(prefix)) {
      const at = parseRegistryPath(p);
      if (!at) {
        snap.problems.push(`${p}: not a registry path (a name that is not safe, or a file outside the layout)`);
        continue;
      }
      if (at.kind === 'blueprint-version') {
        const r = parse(p, BlueprintVersionRecordSchema);
        if (r) versionRecords.push(r);
      } else if (at.kind === 'run-outcome') {
        const r = parse(p, RunOutcomeRecordSchema);
        if (r) snap.outcomes.push(r);
      } else if (at.kind === 'review-verdict') {
        const r = parse(p, ReviewVerdictRecordSchema);
        if (r) snap.verdicts.push(r);
      } else if (at.kind === 'promotion') {
        const r = parse(p, PromotionRecordSchema);
        if (r) {
          snap.promotions.push(r);
          promoted.add(`${r.name}@${r.version}`);
        }
      } else if (at.kind === 'tier-rule') {
        const r = parse(p, PromotionRuleSchema);
        if (r) snap.rules[r.tier] = r;
      }
    }
  }
  snap.versions = versionRecords.map((record) => ({ record, channel: promoted.has(`${record.name}@${record.version}`) && !record.yanked ? 'production' : 'candidate' }));
  return snap;
}
