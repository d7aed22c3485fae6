import type { TrackedFile } from './port';
import { VENDORED } from './context';
import { languageOf } from './languages';
import type { LanguageShare } from './types';

/**
 * One index over the tracked file list, built in a single pass and shared by the profiler
 * and the scope ranker, so a 100k-file repository is scanned once per draft rather than
 * once per question (base names, membership, languages, folders).
 */
export class FileIndex {
  /** Base name → tracked regular files with it, in list (git) order. */
  readonly byBase: ReadonlyMap<string, readonly string[]>;
  readonly symlinks: number;
  readonly submodules: number;
  /** Source files per language outside vendored folders (see languageShares). */
  readonly languageCounts: ReadonlyMap<string, number>;
  /** Whether the list is in ascending order (git's is), so membership is a binary search. */
  private readonly sorted: boolean;
  private pathSet?: Set<string>;
  private readonly dirSet: Set<string>;

  constructor(readonly files: readonly TrackedFile[]) {
    const groups = new Map<string, { paths: string[]; lang: string | undefined }>();
    const langs = new Map<string, number>();
    let symlinks = 0;
    let submodules = 0;
    let sorted = true;
    let prev = '';
    const dirs = new Set<string>();
    // Neighbours in a sorted list share a folder: folders and vendored-ness are worked out
    // once per folder change.
    let prevDir = '';
    let prevVendored = false;
    for (const f of files) {
      const p = f.path;
      if (sorted && !(prev < p)) sorted = false;
      prev = p;
      const slash = p.lastIndexOf('/');
      const sameDir = slash === prevDir.length && p.startsWith(prevDir);
      if (!sameDir) {
        prevDir = slash < 0 ? '' : p.slice(0, slash);
        prevVendored = slash >= 0 && VENDORED.test(p);
        for (let d = prevDir; d && !dirs.has(d); ) {
          dirs.add(d);
          const up = d.lastIndexOf('/');
          d = up < 0 ? '' : d.slice(0, up);
        }
      }
      if (f.mode === 'symlink' || f.mode === 'submodule') {
        if (f.mode === 'symlink') symlinks++;
        else submodules++;
        continue;
      }
      const b = slash < 0 ? p : p.slice(slash + 1);
      let g = groups.get(b);
      if (g) g.paths.push(p);
      else groups.set(b, (g = { paths: [p], lang: languageOf(b) }));
      if (g.lang && !prevVendored) langs.set(g.lang, (langs.get(g.lang) ?? 0) + 1);
    }
    this.dirSet = dirs;
    const byBase = new Map<string, string[]>();
    for (const [b, g] of groups) byBase.set(b, g.paths);
    this.byBase = byBase;
    this.symlinks = symlinks;
    this.submodules = submodules;
    this.languageCounts = langs;
    this.sorted = sorted;
  }

  /** Whether `path` is a tracked regular file. */
  has(path: string): boolean {
    if (!this.sorted) return this.paths.has(path);
    const files = this.files;
    let lo = 0;
    let hi = files.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const f = files[mid]!;
      if (f.path === path) return f.mode !== 'symlink' && f.mode !== 'submodule';
      if (f.path < path) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Tracked regular files as a set (built on first use). */
  get paths(): ReadonlySet<string> {
    if (!this.pathSet) {
      const set = new Set<string>();
      for (const list of this.byBase.values()) for (const p of list) set.add(p);
      this.pathSet = set;
    }
    return this.pathSet;
  }

  /** Source files per language, largest first, shares of the recognised total. */
  languages(): LanguageShare[] {
    let total = 0;
    for (const n of this.languageCounts.values()) total += n;
    return [...this.languageCounts]
      .map(([language, files]) => ({ language, files, share: Math.round((files / total) * 1000) / 1000 }))
      .sort((a, b) => b.files - a.files || a.language.localeCompare(b.language));
  }

  /** Folders that contain at least one tracked file (any mode). */
  dirs(): ReadonlySet<string> {
    return this.dirSet;
  }
}

const built = new WeakMap<readonly TrackedFile[], FileIndex>();

/**
 * The index of a file list, built once per list: a reader that returns the same list object
 * on every call (GitRepoReader does) gets one index for the profile and the scope.
 */
export function indexFiles(files: readonly TrackedFile[]): FileIndex {
  let idx = built.get(files);
  if (!idx) built.set(files, (idx = new FileIndex(files)));
  return idx;
}
