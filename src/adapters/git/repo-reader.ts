import { spawn } from 'node:child_process';
import { userRepoGitConfigArgs } from './user-repo';
import type { CommitTouch, GrepHit, GrepQuery, ReadResult, RepositoryReader, TrackedFile, TrackedMode } from '../../core/profile/port';

/**
 * Settings that keep git from running anything the repository (or a copied-in .git/config)
 * names: the user-repository settings of user-repo.ts (no hooks, fsmonitor, external diff,
 * signature verification, maintenance), plus no optional index lock and no fallback to
 * searching outside the index.
 */
const SAFE = [
  '--no-optional-locks',
  ...userRepoGitConfigArgs(),
  '-c', 'core.quotePath=false',
  '-c', 'grep.fallbackToNoIndex=false',
];

/** Why an aborted call rejects: the signal's own reason, else a plain AbortError. */
function abortReason(signal: AbortSignal): Error {
  if (signal.reason instanceof Error) return signal.reason;
  const e = new Error(typeof signal.reason === 'string' ? signal.reason : 'the operation was cancelled');
  e.name = 'AbortError';
  return e;
}

const MODES: Record<string, TrackedMode> = { '100644': 'file', '100755': 'executable', '120000': 'symlink', '160000': 'submodule' };

interface Listing {
  readonly list: TrackedFile[];
}

/**
 * NUL-separated index records, "<mode> <path>" (`pathAt` 7) or `ls-files -s` records
 * "<mode> <oid> <stage>\t<path>" (`pathAt` -1: after the tab). A conflicted path has one
 * record per stage: the first is kept. Only the path string is made per entry.
 */
function parseListing(raw: string, pathAt: number): Listing {
  const list: TrackedFile[] = [];
  let prev: string | undefined;
  for (let i = 0; i < raw.length; ) {
    let end = raw.indexOf('\0', i);
    if (end < 0) end = raw.length;
    const from = pathAt > 0 ? i + pathAt : raw.indexOf('\t', i) + 1;
    if (from > i && from <= end) {
      const path = raw.slice(from, end);
      if (path && path !== prev) {
        const mode: TrackedMode = raw.startsWith('100644', i) ? 'file' : (MODES[raw.slice(i, i + 6)] ?? 'file');
        list.push({ path, mode });
        prev = path;
      }
    }
    i = end + 1;
  }
  return { list };
}

interface Run {
  stdout: Buffer;
  stderr: string;
  code: number;
}

export interface GitRepoReaderOptions {
  /** Search the index (`git grep --cached`: blob content, immune to working-tree symlink swaps) instead of the working tree. Default true. */
  readonly grepIndex?: boolean;
  /** Cap on bytes of grep output kept, so a common word cannot exhaust memory (default 16 MiB). */
  readonly maxGrepBytes?: number;
  /**
   * Tracked blobs larger than this (bytes) are left out of content search (default
   * SEARCH_MAX_FILE_BYTES): git grep inflates every blob it searches in full, so one tracked
   * 1 GiB log or bundle would otherwise hold a draft for minutes.
   */
  readonly searchMaxFileBytes?: number;
  /** Aborts every git child this reader runs; its calls then reject with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Default size limit for content search: 1 MiB (source files past it are generated, minified or data). */
export const SEARCH_MAX_FILE_BYTES = 1024 * 1024;

/**
 * At most this many oversized files are named as exclusions on git grep's command line
 * (about 100 bytes each, far below the kernel's argument limit); any beyond are searched
 * and said so in a note.
 */
const MAX_EXCLUDED = 5000;

/**
 * The read-only repository port over git (src/core/profile/port.ts). Reads the index and
 * object store only: file lists from `git ls-files`, contents from
 * `git cat-file --batch` by index entry (`:0:<path>`) or blob id (so a tracked symlink or a
 * working-tree file swapped for a link is never followed), searches with `git grep`, history with `git log`.
 *
 * Spawns git directly rather than through simple-git: these calls stream tens of
 * megabytes of NUL-separated output (100k-file repositories) and write to stdin, which
 * simple-git buffers as strings and does not support for cat-file's batch protocol.
 */
export class GitRepoReader implements RepositoryReader {
  private files?: Promise<Listing>;
  /** Texts already read, so the drafter's second look at a manifest costs no git process. */
  private readonly readCache = new Map<string, ReadResult & { readonly bytes: number }>();
  /** Tracked blobs over the search limit, largest first, found once per reader. */
  private oversized?: Promise<Array<{ path: string; bytes: number }>>;

  constructor(
    readonly root: string,
    private readonly opts: GitRepoReaderOptions = {},
  ) {}

  private run(args: string[], opts: { input?: Buffer; maxBytes?: number; okCodes?: number[] } = {}): Promise<Run> {
    return new Promise((resolve, reject) => {
      const signal = this.opts.signal;
      if (signal?.aborted) return reject(abortReason(signal));
      const child = spawn('git', [...SAFE, ...args], {
        cwd: this.root,
        ...(signal ? { signal } : {}),
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      let err = '';
      child.stdout.on('data', (c: Buffer) => {
        if (truncated) return;
        size += c.length;
        if (opts.maxBytes && size > opts.maxBytes) {
          truncated = true;
          child.kill();
          return;
        }
        chunks.push(c);
      });
      child.stderr.on('data', (c: Buffer) => {
        if (err.length < 8192) err += c.toString('utf8');
      });
      child.on('error', (e) => reject(signal?.aborted ? abortReason(signal) : e));
      child.on('close', (code) => {
        if (signal?.aborted) return reject(abortReason(signal));
        const c = truncated ? 0 : (code ?? 1);
        if (!(opts.okCodes ?? [0]).includes(c)) reject(new Error(`git ${args.slice(0, 2).join(' ')} failed (${c}): ${err.trim()}`));
        else resolve({ stdout: Buffer.concat(chunks), stderr: err, code: c });
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input);
    });
  }

  /**
   * The index listing: `ls-files -z --format=%(objectmode) %(path)` (git 2.38+; else
   * `ls-files -s -z`). Only paths and modes are kept: object ids are resolved by git for the
   * few files read (`:0:<path>`), which halves what git prints and node parses on 100k files.
   */
  private index(): Promise<Listing> {
    this.files ??= this.run(['ls-files', '-z', '--format=%(objectmode) %(path)'])
      .then(({ stdout }) => parseListing(stdout.toString('utf8'), 7))
      .catch(async () => parseListing((await this.run(['ls-files', '-s', '-z'])).stdout.toString('utf8'), -1));
    return this.files;
  }

  async listFiles(): Promise<readonly TrackedFile[]> {
    return (await this.index()).list;
  }

  /** Position of `path` in the listing (git sorts it by bytes; binary search, then a scan for non-ASCII orderings). */
  private static find(list: readonly TrackedFile[], path: string): number {
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const p = list[mid]!.path;
      if (p === path) return mid;
      if (p < path) lo = mid + 1;
      else hi = mid - 1;
    }
    // eslint-disable-next-line no-control-regex
    return /[^\x00-\x7f]/.test(path) ? list.findIndex((f) => f.path === path) : -1;
  }

  /** Object ids of index entries (first stage of a conflicted path), for names `:0:<path>` cannot express. */
  private async oidsOf(paths: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (!paths.length) return out;
    const { stdout } = await this.run(['ls-files', '-s', '-z', '--', ...paths.map((p) => `:(literal)${p}`)]);
    for (const rec of stdout.toString('utf8').split('\0')) {
      const tab = rec.indexOf('\t');
      const path = rec.slice(tab + 1);
      if (tab > 0 && !out.has(path)) out.set(path, rec.slice(7, rec.indexOf(' ', 7)));
    }
    return out;
  }

  /** `git cat-file --batch-check` of object names, in order: [oid, size] or undefined when missing. */
  private async sizes(names: readonly string[]): Promise<([string, number] | undefined)[]> {
    const check = await this.run(['cat-file', '--batch-check=%(objectname) %(objectsize)'], { input: Buffer.from(names.join('\n') + '\n') });
    const lines = check.stdout.toString('utf8').split('\n');
    return names.map((_, k) => {
      const m = /^([0-9a-f]{40,64}) (\d+)$/.exec(lines[k] ?? '');
      return m ? [m[1]!, Number(m[2])] : undefined;
    });
  }

  async readFiles(paths: readonly string[], opts: { maxBytes: number }): Promise<Map<string, ReadResult>> {
    const { list } = await this.index();
    const out = new Map<string, ReadResult>();
    const wanted: string[] = [];
    for (const p of paths) {
      const cached = this.readCache.get(p);
      if (cached) {
        out.set(p, cached.bytes > opts.maxBytes ? { skipped: 'too-large', bytes: cached.bytes } : cached);
        continue;
      }
      const k = GitRepoReader.find(list, p);
      const mode = k < 0 ? undefined : list[k]!.mode;
      if (!mode) out.set(p, { skipped: 'untracked' });
      else if (mode === 'symlink' || mode === 'submodule') out.set(p, { skipped: mode });
      else wanted.push(p);
    }
    if (!wanted.length) return out;
    // Sizes first, so an oversized blob is never streamed. Index entries by name; a path with
    // a newline, or a conflicted one (no stage 0), by the id ls-files gives.
    const plain = wanted.filter((p) => !p.includes('\n'));
    const found = new Map<string, [string, number]>();
    (await this.sizes(plain.map((p) => `:0:${p}`))).forEach((r, k) => r && found.set(plain[k]!, r));
    const rest = wanted.filter((p) => !found.has(p));
    if (rest.length) {
      const oids = await this.oidsOf(rest);
      const known = rest.filter((p) => oids.has(p));
      if (known.length) (await this.sizes(known.map((p) => oids.get(p)!))).forEach((r, k) => r && found.set(known[k]!, r));
    }
    const small: { path: string; oid: string; size: number }[] = [];
    for (const p of wanted) {
      const r = found.get(p);
      if (!r) out.set(p, { skipped: 'untracked' });
      else if (r[1] > opts.maxBytes) out.set(p, { skipped: 'too-large', bytes: r[1] });
      else small.push({ path: p, oid: r[0], size: r[1] });
    }
    if (!small.length) return out;
    const { stdout } = await this.run(['cat-file', '--batch'], { input: Buffer.from(small.map((w) => w.oid).join('\n') + '\n') });
    let pos = 0;
    for (const w of small) {
      const nl = stdout.indexOf(0x0a, pos);
      const size = Number(stdout.subarray(pos, nl).toString('latin1').split(' ')[2]);
      const body = stdout.subarray(nl + 1, nl + 1 + size);
      pos = nl + 1 + size + 1;
      const r: ReadResult & { bytes: number } = body.subarray(0, 8000).includes(0) ? { skipped: 'binary', bytes: size } : { text: body.toString('utf8'), bytes: size };
      out.set(w.path, r);
      this.readCache.set(w.path, r);
    }
    return out;
  }

  async grep(q: GrepQuery): Promise<GrepHit[]> {
    if (!q.patterns.length) return [];
    const args = ['grep', '-I', '-n', '-z', '--no-color', '-F', '--full-name'];
    // Blobs from the object store are read one thread at a time under git's object lock, so
    // extra grep threads only contend (measured: 1 thread ~25% faster on 100k blobs).
    if (this.opts.grepIndex ?? true) args.push('--cached', '--threads=1');
    if (q.ignoreCase) args.push('-i');
    if (q.wordRegexp) args.push('-w');
    args.push(`--max-count=${q.maxPerFile}`);
    for (const p of q.patterns) args.push('-e', p);
    args.push('--');
    // Pathspecs are literal paths, never globs or magic from the seed.
    if (q.paths?.length) args.push(...q.paths.map((p) => `:(literal)${p}`));
    // Exclusions alone mean "everything but these" (git 2.13+).
    args.push(...(await this.searchSkipped()).slice(0, MAX_EXCLUDED).map((f) => `:(exclude,literal)${f.path}`));
    let r: Run;
    try {
      r = await this.run(args, { okCodes: [0, 1], maxBytes: this.opts.maxGrepBytes ?? 16 * 1024 * 1024 });
    } catch (e) {
      // git < 2.38 has no --max-count for grep: retry without it.
      if (!/max-count/.test(String(e))) throw e;
      r = await this.run(args.filter((a) => !a.startsWith('--max-count')), { okCodes: [0, 1], maxBytes: this.opts.maxGrepBytes ?? 16 * 1024 * 1024 });
    }
    const hits: GrepHit[] = [];
    for (const rec of r.stdout.toString('utf8').split('\n')) {
      // With --cached the path is prefixed by nothing; with -z: "path\0line\0text".
      const a = rec.indexOf('\0');
      const b = rec.indexOf('\0', a + 1);
      if (a < 0 || b < 0) continue;
      hits.push({ path: rec.slice(0, a), line: Number(rec.slice(a + 1, b)), text: rec.slice(b + 1, b + 301) });
    }
    return hits;
  }

  /**
   * Tracked regular files content search leaves out for their size (blob bytes over
   * `searchMaxFileBytes`), largest first; the first MAX_EXCLUDED are excluded. Reads the
   * index (`ls-files -s`) and the object headers (`cat-file --batch-check`), once per reader:
   * about 0.1 s on 100,000 files.
   */
  searchSkipped(): Promise<Array<{ path: string; bytes: number }>> {
    const limit = this.opts.searchMaxFileBytes ?? SEARCH_MAX_FILE_BYTES;
    this.oversized ??= (async () => {
      const { stdout } = await this.run(['ls-files', '-s', '-z']);
      const entries: Array<{ path: string; oid: string }> = [];
      let prev: string | undefined;
      for (const rec of stdout.toString('utf8').split('\0')) {
        const tab = rec.indexOf('\t');
        // Regular files only ("100644"/"100755"): links and submodules are never searched.
        if (tab < 0 || !rec.startsWith('100')) continue;
        const path = rec.slice(tab + 1);
        if (path === prev) continue;
        prev = path;
        entries.push({ path, oid: rec.slice(7, rec.indexOf(' ', 7)) });
      }
      if (!entries.length) return [];
      const sizes = await this.sizes(entries.map((e) => e.oid));
      const out: Array<{ path: string; bytes: number }> = [];
      sizes.forEach((r, k) => r && r[1] > limit && out.push({ path: entries[k]!.path, bytes: r[1] }));
      return out.sort((a, b) => b.bytes - a.bytes);
    })();
    return this.oversized;
  }

  async recentHistory(opts: { maxCommits: number; paths?: readonly string[] }): Promise<CommitTouch[]> {
    let r: Run;
    try {
      const limit = opts.paths?.length ? opts.paths.map((p) => `:(literal)${p}`) : [];
      r = await this.run(['log', `-n${opts.maxCommits}`, '--no-merges', '--no-renames', '--format=%x1e%H %ct', '--name-only', '-z', 'HEAD', '--', ...limit], { okCodes: [0, 128] });
    } catch {
      return [];
    }
    if (r.code !== 0) return [];
    const out: CommitTouch[] = [];
    for (const block of r.stdout.toString('utf8').split('\x1e')) {
      if (!block.trim()) continue;
      // With -z the header ends in NUL (or a newline on older git), then NUL-separated paths.
      const nl = block.search(/[\n\0]/);
      const [commit, at] = block.slice(0, nl < 0 ? block.length : nl).split(' ');
      const paths = nl < 0 ? [] : block.slice(nl + 1).split('\0').map((s) => s.trim()).filter(Boolean);
      out.push({ commit: commit!, at: Number(at), paths });
    }
    return out;
  }

  async headCommit(): Promise<string | undefined> {
    const r = await this.run(['rev-parse', '--verify', '-q', 'HEAD'], { okCodes: [0, 1, 128] });
    const s = r.stdout.toString('utf8').trim();
    return r.code === 0 && /^[0-9a-f]{40,64}$/.test(s) ? s : undefined;
  }
}
