import { contentHash } from '../hash';

/** An ecosystem whose package cache Shopfloor keeps across runs. */
export type CacheEcosystem = 'npm';

/** How a package cache is kept for one ecosystem. */
export interface PackageCacheKind {
  /** Where the cache volume is mounted in a station. */
  target: string;
  /** Environment that points the package manager at it (and keeps its logs out of it, so a read-only mount stays quiet). */
  env: Record<string, string>;
  /**
   * Added for a station with no network: the package manager answers from the cache at
   * once (or fails at once with "not cached") instead of retrying a network it cannot reach.
   */
  offlineEnv: Record<string, string>;
  /** Checks the cache and removes corrupt or partial entries before a set-up uses it (run as the station's user). */
  verify: string[];
  /**
   * Output of a failed command that says the package manager refused a cache entry whose
   * content does not match its recorded hash (npm: `EINTEGRITY`); the set-up then repairs
   * the cache (`verify`) and runs the command once more.
   */
  corruption: RegExp;
  /** The workspace file whose presence says the repository uses this ecosystem. */
  marker: string;
}

/**
 * The package caches Shopfloor keeps (issue 15): npm's content-addressed cache (cacache),
 * whose `npm cache verify` checks every entry's SHA-512 and removes a truncated or corrupt
 * one. npm also checks each entry as it reads it: a corrupt tarball is refused and fetched
 * again ("seems to be corrupted. Refreshing cache", seen with npm 9.2), and where it cannot
 * fetch (offline) the command fails with EINTEGRITY. The cache holds package tarballs and metadata, never credentials
 * (npm keeps those in .npmrc, which is not in it).
 */
export const PACKAGE_CACHES: Record<CacheEcosystem, PackageCacheKind> = {
  npm: {
    target: '/var/cache/shopfloor/npm',
    env: { npm_config_cache: '/var/cache/shopfloor/npm', npm_config_logs_dir: '/tmp/npm-logs', npm_config_update_notifier: 'false' },
    // npm's defaults retry each request for 70 s before it gives up (fetch-retries 2,
    // fetch-retry-mintimeout 10 s, fetch-retry-maxtimeout 60 s, https://docs.npmjs.com/cli/v9/using-npm/config),
    // then falls back to a stale cache entry: with no network, every fetch cost 70 s.
    offlineEnv: { npm_config_offline: 'true' },
    verify: ['npm', 'cache', 'verify'],
    corruption: /\bEINTEGRITY\b/,
    marker: 'package.json',
  },
};

/**
 * The file a set-up station leaves at the root of a cache volume after `verify` passed;
 * a later set-up skips the full check while it is there (the check reads every entry and
 * took 21 s on a 69 MB cache). Removed when a command of a set-up station using the
 * cache fails, so the next set-up checks again.
 */
export const CACHE_VERIFIED_STAMP = '.shopfloor-verified';

/**
 * Name of the cache volume of one ecosystem for one station image and owner (`user@host`):
 * caches are shared by every run and repository of that owner on that image; a new image
 * (another Node.js, another user) starts its own, and another owner never reads or writes
 * this one (a cache written by someone else could hand a poisoned tarball to this owner's
 * set-up). Pure.
 */
export function packageCacheVolume(ecosystem: CacheEcosystem, imageId: string, owner: string): string {
  return `shopfloor-cache-${ecosystem}-${contentHash({ ecosystem, imageId, owner }).slice(0, 16)}`;
}
