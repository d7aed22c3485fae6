import { contentHash } from '../hash';

/**
 * An ecosystem whose package cache Shopfloor keeps across runs. `yarn` is Yarn classic
 * (1.x), `yarn-berry` is Yarn 2 and later: their caches have different layouts and settings.
 */
export type CacheEcosystem = 'npm' | 'pnpm' | 'yarn' | 'yarn-berry' | 'pip' | 'maven' | 'gradle' | 'go' | 'cargo';

/** How a package cache is kept for one ecosystem. */
export interface PackageCacheKind {
  /** Where the cache volume is mounted in a station (absolute POSIX path). */
  target: string;
  /**
   * Environment that points the package manager at it in a set-up station (read-write), and
   * keeps its logs out of it, so a read-only mount stays quiet. Never a path that holds
   * credentials (test/unit/core/container/package-cache.test.ts checks).
   */
  env: Record<string, string>;
  /**
   * Replaces `env` in a station that mounts the cache read-only, for a tool that needs its
   * writable cache elsewhere and reads a read-only one beside it (Gradle's GRADLE_RO_DEP_CACHE,
   * Maven's maven.repo.local.tail). Absent: `env`.
   */
  readOnlyEnv?: Record<string, string>;
  /**
   * Added for a station with no network: the package manager answers from the cache at
   * once (or fails at once with "not cached") instead of retrying a network it cannot reach.
   */
  offlineEnv: Record<string, string>;
  /**
   * A directory mounted as a per-station tmpfs around `target`: the tool's home (GRADLE_USER_HOME,
   * CARGO_HOME) whose other contents (gradle.properties, init scripts, credentials.toml,
   * config.toml, installed binaries) must not land in the shared volume. Absent: none.
   */
  scratch?: string;
  /** The command whose presence (`command -v`) says the image has the package manager; without it, `verify` is skipped. */
  tool: string;
  /**
   * Checks the cache before a set-up uses it (run as the station's user, in the workspace
   * folder): removes corrupt or partial entries itself (npm), or reports them in output that
   * `corruption` matches, and the cache is then cleared (Go). Absent where the ecosystem has
   * no offline check of its cache (the reason is in PACKAGE_CACHES): the tool's own check on
   * read and `corruption` are the guard.
   */
  verify?: string[];
  /**
   * Output of a failed command that says the package manager refused a cache entry whose
   * content does not match its recorded hash (npm: `EINTEGRITY`); the set-up then repairs
   * the cache (`verify`, or clears it where there is none) and runs the command once more.
   */
  corruption: RegExp;
  /** Workspace-root files any of which says the repository uses this ecosystem (see cacheEcosystemsFor for the JavaScript precedence). */
  markers: string[];
}

/**
 * The package caches Shopfloor keeps (issue 15), one per ecosystem. Per ecosystem: where it
 * lives, how it is checked, what a corrupt entry looks like, and why it carries no credentials.
 *
 * - npm: its content-addressed cache (cacache); `npm cache verify` checks every entry's
 *   SHA-512 and removes a truncated or corrupt one. npm also checks each entry as it reads it:
 *   a corrupt tarball is refused and fetched again ("seems to be corrupted. Refreshing cache",
 *   seen with npm 9.2), and where it cannot fetch (offline) the command fails with EINTEGRITY.
 *   No credentials: npm keeps them in .npmrc, which is not in the cache
 *   (https://docs.npmjs.com/cli/v9/configuring-npm/npmrc).
 * - pnpm: the content-addressed store (`storeDir`, https://pnpm.io/settings/store; set through
 *   `npm_config_store_dir`, pnpm reads npm-style config from the environment). No verify: pnpm has
 *   no command that checks the store itself (`pnpm store status` compares node_modules with the
 *   store, `prune` drops unreferenced packages); with verifyStoreIntegrity (default true) pnpm
 *   checks a modified store file's content before linking it. A tarball whose hash differs from
 *   the lockfile fails with ERR_PNPM_TARBALL_INTEGRITY. No credentials: the store holds package
 *   files and their index; auth stays in .npmrc.
 * - yarn (classic): YARN_CACHE_FOLDER (https://classic.yarnpkg.com/en/docs/cli/cache). No verify:
 *   classic has `yarn cache list/dir/clean` only; it compares a cached package with the lockfile's
 *   integrity and fails with "Integrity check failed" / "Incorrect integrity when fetching from the
 *   cache". No credentials: tokens live in .npmrc / .yarnrc in the home, not in the cache.
 * - yarn-berry: YARN_CACHE_FOLDER with YARN_ENABLE_GLOBAL_CACHE=false (with the global cache on,
 *   the default since Yarn 4, cacheFolder is ignored: https://github.com/yarnpkg/berry/issues/6302;
 *   https://yarnpkg.com/configuration/yarnrc#cacheFolder). No verify: `yarn install --check-cache`
 *   fetches every package again to compare, which needs the network; berry compares each archive
 *   with the lockfile's checksum (checksumBehavior, default throw) and fails with "The remote
 *   archive doesn't match the expected checksum" (YN0018, packages/yarnpkg-core/sources/Cache.ts).
 *   No credentials: npmAuthToken lives in .yarnrc.yml files, not in the cache's zip archives.
 * - pip: PIP_CACHE_DIR (https://pip.pypa.io/en/stable/topics/caching/): HTTP responses and
 *   locally built wheels. No verify: `pip cache` has dir/info/list/remove/purge, no check; with
 *   hashes in the requirements pip refuses a mismatching file ("THESE PACKAGES DO NOT MATCH THE
 *   HASHES FROM THE REQUIREMENTS FILE"), a truncated wheel fails to open (BadZipFile). No
 *   credentials: pip keeps them in pip.conf, .netrc or a keyring, outside the cache.
 * - maven: the local repository, `-Dmaven.repo.local` in MAVEN_OPTS
 *   (https://maven.apache.org/guides/mini/guide-configuring-maven.html); a read-only station uses
 *   it as `maven.repo.local.tail` (Maven 3.9+, a read-only repository behind the writable one in
 *   the home: https://maven.apache.org/resolver/local-repository.html). No verify: Maven has no
 *   local-repository check (downloads are checked against .sha1 files: "Checksum validation
 *   failed"; a truncated jar fails to open: "zip END header not found", "invalid LOC header").
 *   No credentials: they live in ~/.m2/settings.xml and settings-security.xml, never in the
 *   repository directory.
 * - gradle: GRADLE_USER_HOME is a per-station tmpfs (`scratch`) and only its `caches` is the
 *   volume, because GRADLE_USER_HOME also holds gradle.properties (credentials) and init.d
 *   scripts (code other set-ups would run). A read-only station points GRADLE_RO_DEP_CACHE at the
 *   volume (Gradle reads `modules-2` there without locks, and downloads what is missing into its
 *   own writable home: https://docs.gradle.org/current/userguide/dependency_caching.html#sec:shared-readonly-cache).
 *   No verify: Gradle has no cache check; artifacts are stored under their SHA-1, dependency
 *   verification reports "Dependency verification failed", a truncated jar fails to open.
 * - go: GOMODCACHE (https://go.dev/ref/mod#module-cache); `go mod verify` checks the cached
 *   modules of the workspace's go.mod against their recorded hashes and reports "has been
 *   modified" (it removes nothing, so the cache is cleared); a download whose hash differs from
 *   go.sum fails with "checksum mismatch" / "SECURITY ERROR". No credentials: GOPRIVATE, GOAUTH
 *   and .netrc are outside the module cache.
 * - cargo: CARGO_HOME is a per-station tmpfs (`scratch`) and only `registry` is the volume,
 *   because CARGO_HOME also holds credentials.toml, config.toml and installed binaries
 *   (https://doc.rust-lang.org/cargo/guide/cargo-home.html). Git dependencies (CARGO_HOME/git)
 *   are not cached. No verify: cargo has no cache check; it checks each .crate's SHA-256
 *   against the index and Cargo.lock as it unpacks it ("failed to verify the checksum of").
 *   The image's own CARGO_HOME (its config.toml) is not read while the cache is mounted; cargo
 *   itself stays on the image's PATH.
 */
export const PACKAGE_CACHES: Record<CacheEcosystem, PackageCacheKind> = {
  npm: {
    target: '/var/cache/shopfloor/npm',
    env: { npm_config_cache: '/var/cache/shopfloor/npm', npm_config_logs_dir: '/tmp/npm-logs', npm_config_update_notifier: 'false' },
    // npm's defaults retry each request for 70 s before it gives up (fetch-retries 2,
    // fetch-retry-mintimeout 10 s, fetch-retry-maxtimeout 60 s, https://docs.npmjs.com/cli/v9/using-npm/config),
    // then falls back to a stale cache entry: with no network, every fetch cost 70 s.
    offlineEnv: { npm_config_offline: 'true' },
    tool: 'npm',
    verify: ['npm', 'cache', 'verify'],
    corruption: /\bEINTEGRITY\b/,
    markers: ['package.json'],
  },
  pnpm: {
    target: '/var/cache/shopfloor/pnpm',
    env: { npm_config_store_dir: '/var/cache/shopfloor/pnpm', npm_config_update_notifier: 'false' },
    offlineEnv: { npm_config_offline: 'true' },
    tool: 'pnpm',
    corruption: /ERR_PNPM_TARBALL_INTEGRITY|ERR_PNPM_BAD_TARBALL_SIZE/,
    markers: ['pnpm-lock.yaml', 'pnpm-workspace.yaml'],
  },
  yarn: {
    target: '/var/cache/shopfloor/yarn',
    env: { YARN_CACHE_FOLDER: '/var/cache/shopfloor/yarn' },
    // Yarn classic's offline switch is the --offline flag; the environment has none to set.
    offlineEnv: {},
    tool: 'yarn',
    corruption: /Integrity check failed|Incorrect integrity when fetching from the cache/,
    markers: ['yarn.lock'],
  },
  'yarn-berry': {
    target: '/var/cache/shopfloor/yarn-berry',
    env: { YARN_CACHE_FOLDER: '/var/cache/shopfloor/yarn-berry', YARN_ENABLE_GLOBAL_CACHE: 'false', YARN_ENABLE_TELEMETRY: 'false' },
    // https://yarnpkg.com/configuration/yarnrc#enableNetwork: requests fail at once instead of timing out.
    offlineEnv: { YARN_ENABLE_NETWORK: 'false' },
    tool: 'yarn',
    corruption: /doesn't match the expected checksum|\bYN0018\b/,
    markers: ['.yarnrc.yml'],
  },
  pip: {
    target: '/var/cache/shopfloor/pip',
    env: { PIP_CACHE_DIR: '/var/cache/shopfloor/pip', PIP_DISABLE_PIP_VERSION_CHECK: '1' },
    // pip retries each request 5 times with back-off by default (https://pip.pypa.io/en/stable/cli/pip/#cmdoption-retries).
    offlineEnv: { PIP_RETRIES: '0' },
    tool: 'pip',
    corruption: /THESE PACKAGES DO NOT MATCH THE HASHES|BadZipFile/,
    markers: ['requirements.txt', 'pyproject.toml', 'setup.py'],
  },
  maven: {
    target: '/var/cache/shopfloor/maven',
    env: { MAVEN_OPTS: '-Dmaven.repo.local=/var/cache/shopfloor/maven' },
    readOnlyEnv: { MAVEN_OPTS: '-Dmaven.repo.local.tail=/var/cache/shopfloor/maven' },
    // MAVEN_ARGS (Maven 3.9+) is prepended to the command line: -o is --offline.
    offlineEnv: { MAVEN_ARGS: '-o' },
    tool: 'mvn',
    corruption: /Checksum validation failed|zip END header not found|invalid LOC header|error in opening zip file/,
    markers: ['pom.xml'],
  },
  gradle: {
    target: '/var/cache/shopfloor/gradle/caches',
    scratch: '/var/cache/shopfloor/gradle',
    env: { GRADLE_USER_HOME: '/var/cache/shopfloor/gradle' },
    readOnlyEnv: { GRADLE_RO_DEP_CACHE: '/var/cache/shopfloor/gradle/caches' },
    // Gradle's offline switch is the --offline flag; no environment variable sets it.
    offlineEnv: {},
    tool: 'gradle',
    corruption: /Dependency verification failed|zip END header not found|invalid LOC header|error in opening zip file/,
    markers: ['build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts'],
  },
  go: {
    target: '/var/cache/shopfloor/go',
    env: { GOMODCACHE: '/var/cache/shopfloor/go' },
    // https://go.dev/ref/mod#environment-variables: GOPROXY=off refuses every download at once.
    offlineEnv: { GOPROXY: 'off' },
    tool: 'go',
    verify: ['go', 'mod', 'verify'],
    corruption: /SECURITY ERROR|checksum mismatch|has been modified|missing ziphash/,
    markers: ['go.mod'],
  },
  cargo: {
    target: '/var/cache/shopfloor/cargo/registry',
    scratch: '/var/cache/shopfloor/cargo',
    env: { CARGO_HOME: '/var/cache/shopfloor/cargo' },
    // https://doc.rust-lang.org/cargo/reference/config.html#netoffline
    offlineEnv: { CARGO_NET_OFFLINE: 'true' },
    tool: 'cargo',
    corruption: /failed to verify the checksum of/,
    markers: ['Cargo.toml'],
  },
};

/**
 * The JavaScript package managers, most specific marker first: a repository has one lockfile,
 * and its package manager is the only one its set-up runs, so only that cache is mounted. A
 * pnpm or Yarn repository also has a package.json, but npm's cache is not mounted there: npm
 * would not install from it, and every read-write cache costs its set-up check (npm's read
 * every entry: 21 s on a 69 MB cache). pnpm before berry: a pnpm-lock.yaml is pnpm's alone,
 * a .yarnrc.yml is sometimes left beside it by tooling.
 */
const JS_PRECEDENCE: CacheEcosystem[] = ['pnpm', 'yarn-berry', 'yarn', 'npm'];

/**
 * The ecosystems whose caches a workspace gets, in PACKAGE_CACHES order: each whose `markers`
 * include a file `has` reports at the workspace root, of the JavaScript ones only the first in
 * JS_PRECEDENCE. `has` takes a workspace-relative POSIX path. Pure.
 */
export function cacheEcosystemsFor(has: (path: string) => boolean): CacheEcosystem[] {
  const present = (Object.keys(PACKAGE_CACHES) as CacheEcosystem[]).filter((eco) => PACKAGE_CACHES[eco].markers.some(has));
  const js = JS_PRECEDENCE.find((eco) => present.includes(eco));
  return present.filter((eco) => !JS_PRECEDENCE.includes(eco) || eco === js);
}

/** The environment a station with this cache mounted gets for it (read-only or not, with or without network). Pure. */
export function packageCacheEnv(kind: PackageCacheKind, o: { readOnly: boolean; offline: boolean }): Record<string, string> {
  const base = o.readOnly && kind.readOnlyEnv ? kind.readOnlyEnv : kind.env;
  return o.offline ? { ...base, ...kind.offlineEnv } : { ...base };
}

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
