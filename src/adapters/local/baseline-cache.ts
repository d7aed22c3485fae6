import * as fs from 'node:fs';
import { join } from 'node:path';
import type { BaselineCache, BaselineRecord } from '../../core/run/ports';

const KEY = /^[0-9a-f]{64}$/;

/**
 * Validation baselines cached on the host, one JSON file per key under `root/` (key =
 * baselineCacheKey: base commit, set-up, commands, image, environment), beside the set-up
 * cache in the repository's Shopfloor state folder. Files are written to a temporary name
 * and renamed, so a half-written record is never read; an unreadable record counts as a
 * miss (the baseline runs again and replaces it).
 */
export class DirectoryBaselineCache implements BaselineCache {
  constructor(private readonly root: string) {}

  async get(key: string): Promise<BaselineRecord | undefined> {
    if (!KEY.test(key)) return undefined;
    try {
      const r = JSON.parse(fs.readFileSync(join(this.root, `${key}.json`), 'utf8')) as BaselineRecord;
      return r.key === key && Array.isArray(r.commands) ? r : undefined;
    } catch {
      return undefined;
    }
  }

  async put(key: string, record: BaselineRecord): Promise<void> {
    if (!KEY.test(key)) throw new Error(`baseline cache: not a cache key: ${key}`);
    fs.mkdirSync(this.root, { recursive: true });
    const file = join(this.root, `${key}.json`);
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, `${JSON.stringify({ ...record, recordedAt: new Date().toISOString() }, null, 2)}\n`);
    fs.renameSync(tmp, file);
  }

  /**
   * Every record for `baseCommit`, newest first (for readiness: `shopfloor profile` reads
   * what the last baseline on the checked-out commit found). Reads the folder; never throws.
   */
  forCommit(baseCommit: string): (BaselineRecord & { recordedAt?: string })[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.root).filter((n) => /^[0-9a-f]{64}\.json$/.test(n));
    } catch {
      return [];
    }
    const out: (BaselineRecord & { recordedAt?: string })[] = [];
    for (const n of names) {
      try {
        const r = JSON.parse(fs.readFileSync(join(this.root, n), 'utf8')) as BaselineRecord & { recordedAt?: string };
        if (r.baseCommit === baseCommit && Array.isArray(r.commands)) out.push(r);
      } catch {
        // A record being replaced or damaged: skipped.
      }
    }
    return out.sort((a, b) => (b.recordedAt ?? '').localeCompare(a.recordedAt ?? ''));
  }
}

/** The baseline cache folder inside a repository's Shopfloor state folder (GitWorkspaceProvider.stateDir). */
export const baselineCacheDir = (stateDir: string): string => join(stateDir, 'baseline-cache');
