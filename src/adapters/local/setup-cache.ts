import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { RunWorkspace, SetupCache } from '../../core/run/ports';

/** How many entries and bytes one store keeps (bytes: the files' apparent sizes, as recorded in the manifests). */
export interface SetupCacheLimits {
  entries: number;
  bytes: number;
}

const GIB = 1024 ** 3;
/** Per repository: full set-up results, one per base commit, so few are worth keeping. */
export const REPO_LIMITS: SetupCacheLimits = { entries: 10, bytes: 5 * GIB };
/** Shared by every repository of this user: dependency trees, one per lockfile. */
export const SHARED_LIMITS: SetupCacheLimits = { entries: 20, bytes: 10 * GIB };

/** Options of DirectorySetupCache. */
export interface DirectorySetupCacheOptions {
  /**
   * The store of dependency-tree entries (`only: 'dependency-trees'`), shared by all
   * repositories (compose: `<shopfloor home>/dependency-trees`); absent: they are kept in
   * `root` with the rest. Created with mode 0o700: another user never reads or writes it.
   */
  shared?: string;
  /** Pruning limits of the per-repository store and the shared one (defaults REPO_LIMITS, SHARED_LIMITS). */
  limits?: { repo?: Partial<SetupCacheLimits>; shared?: Partial<SetupCacheLimits> };
  /** Told why an entry was discarded or a save skipped (a log line); never throws into the cache. */
  onNote?: (message: string) => void;
  /** How files are copied: `auto` (GNU cp when present, else fs.promises.cp) or `node` (always fs.promises.cp; tests). */
  copy?: 'auto' | 'node';
}

/** The manifest file of an entry; written last, so its presence means the files were all copied. */
const MANIFEST = 'entries.json';
/** Touched on every restore: pruning drops the least recently used entries first. */
const LAST_USED = 'last-used';
/** A save's temporary folder or a replaced entry being removed: never restored, swept by pruning. */
const TRANSIENT = /\.(tmp|old)-/;
/** A temporary folder older than this belongs to a save that died (a live save takes seconds). */
const STALE_TMP_MS = 60 * 60 * 1000;

/** What a manifest records for one saved path: enough to tell a truncated or partial copy from stat alone. */
export interface ManifestEntry {
  /** The workspace-relative path (a file or folder set-up left, e.g. `node_modules`). */
  path: string;
  /** Non-folder items under it (regular files, symlinks, others). */
  files: number;
  /** Sum of the regular files' sizes, bytes. */
  bytes: number;
  /** SHA-256 hex over the sorted lines `relative path, type (d|f|l|o), size` of the saved tree (folders size 0). */
  sha256: string;
}

/** The manifest of one entry (version 2; version 1 was a plain JSON array of paths, without sizes). */
export interface Manifest {
  version: 2;
  entries: ManifestEntry[];
}

function execFileP(cmd: string, args: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.slice(0, 4).join(' ')}: ${(stderr || err.message).trim().slice(0, 400)}`));
      else resolve(stdout);
    });
  });
}

/** The ignored files and folders of a workspace (what set-up installs: node_modules, .venv, target...). */
async function ignoredEntries(dir: string): Promise<string[]> {
  const out = await execFileP('git', ['-c', `safe.directory=${dir}`, 'ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z'], dir);
  return out.split('\0').filter(Boolean).map((p) => p.replace(/\/$/, ''));
}

let gnuCp: Promise<boolean> | undefined;
/** True when `cp` is GNU coreutils' (it knows --reflink, --parents, -t); asked once per process. */
function hasGnuCp(): Promise<boolean> {
  gnuCp ??= process.platform === 'win32' ? Promise.resolve(false) : execFileP('cp', ['--version']).then((out) => /GNU coreutils/.test(out), () => false);
  return gnuCp;
}

/** Most paths one cp invocation is given, well under ARG_MAX even for long paths. */
const CP_BATCH = 500;

/**
 * Copies the relative paths `entries` from folder `from` to the same paths under `to`,
 * merging into and overwriting what is there, symlinks copied as they are (their target
 * text untouched), modes and times kept. GNU cp runs as a child process: it does not block
 * the event loop (fs.cpSync did, 300+ ms on an express tree, while the engine could have
 * been creating the next station's container), and `--reflink=auto` shares the blocks on a
 * copy-on-write file system. Elsewhere fs.promises.cp. Throws on the first failure.
 */
async function copyPaths(from: string, entries: readonly string[], to: string, mode: 'auto' | 'node'): Promise<void> {
  if (!entries.length) return;
  await fsp.mkdir(to, { recursive: true });
  if (mode === 'auto' && (await hasGnuCp())) {
    // --parents recreates each path's folders under `to`; one process for many paths.
    for (let i = 0; i < entries.length; i += CP_BATCH) await execFileP('cp', ['-a', '--reflink=auto', '--parents', '-t', to, '--', ...entries.slice(i, i + CP_BATCH)], from);
    return;
  }
  for (const e of entries) {
    await fsp.mkdir(dirname(join(to, e)), { recursive: true });
    await fsp.cp(join(from, e), join(to, e), { recursive: true, verbatimSymlinks: true, force: true, preserveTimestamps: true });
  }
}

function typeOf(d: { isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean }): 'd' | 'f' | 'l' | 'o' {
  return d.isDirectory() ? 'd' : d.isFile() ? 'f' : d.isSymbolicLink() ? 'l' : 'o';
}

/**
 * The manifest entry of the saved tree at `abs` (recorded as `path`), from lstat and readdir
 * only: no file is read, so checking an entry before a restore costs a walk, not a hash of
 * the contents. Throws when `abs` is missing.
 */
export async function summarizeTree(abs: string, path: string): Promise<ManifestEntry> {
  const lines: string[] = [];
  let files = 0;
  let bytes = 0;
  const record = (rel: string, type: string, size: number) => {
    lines.push(`${rel}\0${type}\0${type === 'd' ? 0 : size}`);
    if (type !== 'd') files++;
    if (type === 'f') bytes += size;
  };
  const walk = async (dir: string, rel: string): Promise<void> => {
    const items: Dirent[] = await fsp.readdir(dir, { withFileTypes: true });
    await Promise.all(
      items.map(async (d) => {
        const r = rel ? `${rel}/${d.name}` : d.name;
        const type = typeOf(d);
        if (type === 'd') {
          record(r, 'd', 0);
          return walk(join(dir, d.name), r);
        }
        record(r, type, (await fsp.lstat(join(dir, d.name))).size);
      }),
    );
  };
  const top = await fsp.lstat(abs);
  const type = typeOf(top);
  record('.', type, top.size);
  if (type === 'd') await walk(abs, '');
  lines.sort();
  return { path, files, bytes, sha256: createHash('sha256').update(lines.join('\n')).digest('hex') };
}

/** A manifest path that stays inside the workspace (a manifest is data, never trusted to name `..` or `/etc`). */
function safeRelative(p: unknown): p is string {
  return typeof p === 'string' && p !== '' && !isAbsolute(p) && !p.split(/[\\/]/).some((s) => s === '..' || s === '');
}

/** The manifest at `dir`: undefined when there is none; `stale` when it is version 1 or not a valid version 2. */
async function readManifest(dir: string): Promise<Manifest | 'stale' | undefined> {
  let text: string;
  try {
    text = await fsp.readFile(join(dir, MANIFEST), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const m = JSON.parse(text) as Partial<Manifest>;
    const ok =
      m && m.version === 2 && Array.isArray(m.entries) && m.entries.every((e) => e && safeRelative(e.path) && Number.isInteger(e.files) && Number.isInteger(e.bytes) && typeof e.sha256 === 'string');
    return ok ? (m as Manifest) : 'stale';
  } catch {
    return 'stale';
  }
}

/** A key names a folder of the store: a hash or a short name, never a path. */
const KEY = /^[A-Za-z0-9_-]{1,128}$/;

async function removeQuietly(dir: string): Promise<void> {
  await fsp.rm(dir, { recursive: true, force: true, maxRetries: 2 }).catch(() => undefined);
}

/**
 * Set-up results cached on the host (used with both environments: a Docker station's
 * workspace is copied in from the host). After a successful set-up the workspace's ignored
 * files are copied into `<store>/<key>/files/`, and a later run with the same key copies them
 * back instead of installing again:
 * - per base commit (setupCacheKey: base commit + set-up commands + image), everything
 *   set-up left, in `root` (one repository's state folder);
 * - with `only: 'dependency-trees'` (dependencyReuseKey: lockfile + commands + image) only
 *   the `node_modules` folders, in the `shared` store when given, so another commit or
 *   another repository with the same lockfile reuses them.
 *
 * Each entry has a manifest (entries.json, version 2) written last, after the copy, in a
 * temporary folder renamed into place in one step: a half-saved entry is never seen. A
 * restore first checks the stored files against the manifest (counts, sizes, names, types:
 * stat only); an entry that does not match (truncated, partly deleted) or has a version 1
 * manifest is removed, onNote says why, and restore returns false so set-up installs again.
 * Each store keeps at most its limits' entries and bytes, least recently restored dropped
 * first, after every save.
 */
export class DirectorySetupCache implements SetupCache {
  private readonly shared: string | undefined;
  private readonly limits: { repo: SetupCacheLimits; shared: SetupCacheLimits };
  private readonly note: (message: string) => void;
  private readonly copy: 'auto' | 'node';

  /** `root`: the per-repository store (compose: `<state dir>/setup-cache`); nothing is created until a save. */
  constructor(
    private readonly root: string,
    o: DirectorySetupCacheOptions = {},
  ) {
    this.shared = o.shared;
    this.limits = { repo: { ...REPO_LIMITS, ...o.limits?.repo }, shared: { ...SHARED_LIMITS, ...o.limits?.shared } };
    this.note = (m) => {
      try {
        o.onNote?.(m);
      } catch {
        // A log line that fails is not the cache's failure.
      }
    };
    this.copy = o.copy ?? 'auto';
  }

  /** Whether either store has a current manifest for `key` (reads at most two small files; the files themselves are checked by restore). */
  async has(key: string): Promise<boolean> {
    if (!KEY.test(key)) return false;
    for (const store of this.stores()) {
      const manifest = await readManifest(join(store, key));
      if (manifest && manifest !== 'stale') return true;
    }
    return false;
  }

  /**
   * Restores the entry `key` (the per-repository store first, then the shared one) into
   * `workspace.dir`, over what is there. False when there is no usable entry: none, a stale
   * or corrupt one (then removed), or a copy that failed (what it copied is removed again,
   * so set-up starts from a clean tree), or a `key` that is not a cache key. Never throws for
   * the cache's own faults.
   */
  async restore(key: string, workspace: RunWorkspace): Promise<boolean> {
    if (!KEY.test(key)) return false;
    for (const store of this.stores()) {
      const dir = join(store, key);
      const manifest = await readManifest(dir);
      if (!manifest) continue;
      if (manifest === 'stale') {
        this.note(`set-up cache: entry ${key.slice(0, 12)} has an old or unreadable manifest; removed, set-up runs`);
        await removeQuietly(dir);
        continue;
      }
      const bad = await this.mismatch(dir, manifest);
      if (bad) {
        this.note(`set-up cache: entry ${key.slice(0, 12)} does not match its manifest (${bad}); removed, set-up runs`);
        await removeQuietly(dir);
        continue;
      }
      const paths = manifest.entries.map((e) => e.path);
      try {
        await copyPaths(join(dir, 'files'), paths, workspace.dir, this.copy);
      } catch (e) {
        this.note(`set-up cache: restoring ${key.slice(0, 12)} failed (${(e as Error).message}); set-up runs`);
        await Promise.all(paths.map((p) => removeQuietly(join(workspace.dir, p))));
        return false;
      }
      await fsp.writeFile(join(dir, LAST_USED), new Date().toISOString()).catch(() => undefined);
      return true;
    }
    return false;
  }

  /**
   * Saves what set-up left in `workspace.dir` (its ignored files, `.shopfloor` excepted; with
   * `only: 'dependency-trees'` only `node_modules` folders, and nothing when there are none)
   * as the entry `key`, replacing an older one, then prunes that store. A failure to save
   * (disk full, unreadable file) is told to onNote and leaves no entry: the set-up passed,
   * only the next run installs again. Throws when `key` is not a cache key (letters, digits,
   * `-`, `_`) or git cannot list the workspace.
   */
  async save(key: string, workspace: RunWorkspace, o: { only?: 'dependency-trees' } = {}): Promise<void> {
    if (!KEY.test(key)) throw new Error(`not a cache key: ${JSON.stringify(key.slice(0, 80))}`);
    const store = o.only === 'dependency-trees' && this.shared ? this.shared : this.root;
    const entries = (await ignoredEntries(workspace.dir)).filter((e) => !e.startsWith('.shopfloor') && (o.only !== 'dependency-trees' || e.split('/').pop() === 'node_modules'));
    // Nothing to keep is not a result to restore: the next run installs.
    if (o.only === 'dependency-trees' && !entries.length) return;
    const dir = join(store, key);
    const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await fsp.mkdir(store, { recursive: true, mode: 0o700 });
      await fsp.mkdir(join(tmp, 'files'), { recursive: true });
      await copyPaths(workspace.dir, entries, join(tmp, 'files'), this.copy);
      // Summarized from the copy, not the workspace: the manifest describes exactly what a restore will find.
      const manifest: Manifest = { version: 2, entries: await Promise.all(entries.map((e) => summarizeTree(join(tmp, 'files', e), e))) };
      await fsp.writeFile(join(tmp, LAST_USED), new Date().toISOString());
      await fsp.writeFile(join(tmp, MANIFEST), JSON.stringify(manifest));
      await this.replace(tmp, dir);
    } catch (e) {
      await removeQuietly(tmp);
      this.note(`set-up cache: could not save ${key.slice(0, 12)} (${(e as Error).message}); the next run installs again`);
      return;
    }
    await this.prune(store, key).catch((e: unknown) => this.note(`set-up cache: pruning ${store} failed (${(e as Error).message})`));
  }

  private stores(): string[] {
    return this.shared && this.shared !== this.root ? [this.root, this.shared] : [this.root];
  }

  /** Why the stored files of `dir` differ from `manifest`, or undefined when they match. */
  private async mismatch(dir: string, manifest: Manifest): Promise<string | undefined> {
    for (const want of manifest.entries) {
      let got: ManifestEntry;
      try {
        got = await summarizeTree(join(dir, 'files', want.path), want.path);
      } catch {
        return `${want.path} is missing`;
      }
      if (got.files !== want.files) return `${want.path}: ${got.files} files, manifest ${want.files}`;
      if (got.bytes !== want.bytes) return `${want.path}: ${got.bytes} bytes, manifest ${want.bytes}`;
      if (got.sha256 !== want.sha256) return `${want.path}: names, types or sizes differ`;
    }
    return undefined;
  }

  /** Moves the finished `tmp` to `dir`: the old entry is renamed aside first, so `dir` is always whole or absent. */
  private async replace(tmp: string, dir: string): Promise<void> {
    const old = `${dir}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
    const hadOld = await fsp.rename(dir, old).then(
      () => true,
      () => false,
    );
    try {
      await fsp.rename(tmp, dir);
    } catch (e) {
      // Another run saved the same key meanwhile: same key, same result; keep theirs.
      if (['ENOTEMPTY', 'EEXIST'].includes((e as NodeJS.ErrnoException).code ?? '')) await removeQuietly(tmp);
      else throw e;
    }
    if (hadOld) await removeQuietly(old);
  }

  /**
   * Keeps at most the store's limits (entries, bytes), most recently used first (`last-used`
   * mtime, touched by restore and save); the entry just saved (`keep`) is always kept.
   * Removes leftover temporary folders of dead saves and entries with an unusable manifest.
   */
  private async prune(store: string, keep: string): Promise<void> {
    const limits = store === this.root ? this.limits.repo : this.limits.shared;
    const now = Date.now();
    const found: { name: string; used: number; bytes: number }[] = [];
    for (const name of await fsp.readdir(store)) {
      const dir = join(store, name);
      if (TRANSIENT.test(name)) {
        // `.old-` is always garbage; `.tmp-` may be another process's save under way.
        const st = await fsp.stat(dir).catch(() => undefined);
        if (st && (name.includes('.old-') || now - st.mtimeMs > STALE_TMP_MS)) await removeQuietly(dir);
        continue;
      }
      const manifest = await readManifest(dir);
      if (manifest === undefined) continue;
      if (manifest === 'stale') {
        await removeQuietly(dir);
        continue;
      }
      const used = (await fsp.stat(join(dir, LAST_USED)).catch(() => fsp.stat(join(dir, MANIFEST)))).mtimeMs;
      found.push({ name, used, bytes: manifest.entries.reduce((n, e) => n + e.bytes, 0) });
    }
    found.sort((a, b) => (a.name === keep ? -1 : b.name === keep ? 1 : b.used - a.used));
    let count = 0;
    let bytes = 0;
    for (const e of found) {
      if (e.name === keep || (count < limits.entries && bytes + e.bytes <= limits.bytes)) {
        count++;
        bytes += e.bytes;
        continue;
      }
      this.note(`set-up cache: removed entry ${e.name.slice(0, 12)} (least recently used; the store keeps ${limits.entries} entries, ${(limits.bytes / GIB).toFixed(1)} GiB)`);
      await removeQuietly(join(store, e.name));
    }
  }
}
