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
  /** Tracked regular files (symlinks and submodules excluded: they are never read). */
  readonly paths: ReadonlySet<string>;
  /** Base name → tracked regular files with it, in list (git) order. */
  readonly byBase: ReadonlyMap<string, readonly string[]>;
  readonly symlinks: number;
  readonly submodules: number;
  /** Source files per language outside vendored folders (see languageShares). */
  readonly languageCounts: ReadonlyMap<string, number>;
  private dirSet?: Set<string>;

  constructor(readonly files: readonly TrackedFile[]) {
    const paths = new Set<string>();
    const byBase = new Map<string, string[]>();
    const langs = new Map<string, number>();
    let symlinks = 0;
    let submodules = 0;
    // Git lists files sorted, so neighbours share a folder: vendored-ness is decided once per folder.
    let prevDir = '';
    let prevVendored = false;
    for (const f of files) {
      if (f.mode === 'symlink') symlinks++;
      else if (f.mode === 'submodule') submodules++;
      if (f.mode === 'symlink' || f.mode === 'submodule') continue;
      const p = f.path;
      paths.add(p);
      const slash = p.lastIndexOf('/');
      const b = slash < 0 ? p : p.slice(slash + 1);
      const list = byBase.get(b);
      if (list) list.push(p);
      else byBase.set(b, [p]);
      const lang = languageOf(b);
      if (!lang) continue;
      let vendored: boolean;
      if (slash === prevDir.length && p.startsWith(prevDir)) vendored = prevVendored;
      else {
        prevDir = slash < 0 ? '' : p.slice(0, slash);
        vendored = prevVendored = slash >= 0 && VENDORED.test(p);
      }
      if (!vendored) langs.set(lang, (langs.get(lang) ?? 0) + 1);
    }
    this.paths = paths;
    this.byBase = byBase;
    this.symlinks = symlinks;
    this.submodules = submodules;
    this.languageCounts = langs;
  }

  /** Source files per language, largest first, shares of the recognised total. */
  languages(): LanguageShare[] {
    let total = 0;
    for (const n of this.languageCounts.values()) total += n;
    return [...this.languageCounts]
      .map(([language, files]) => ({ language, files, share: Math.round((files / total) * 1000) / 1000 }))
      .sort((a, b) => b.files - a.files || a.language.localeCompare(b.language));
  }

  /** Folders that contain at least one tracked file (any mode), computed once, lazily. */
  dirs(): ReadonlySet<string> {
    if (this.dirSet) return this.dirSet;
    const dirs = new Set<string>();
    let prev = '';
    for (const f of this.files) {
      const p = f.path;
      const slash = p.lastIndexOf('/');
      if (slash < 0 || (slash === prev.length && p.startsWith(prev))) continue;
      let d = (prev = p.slice(0, slash));
      while (d && !dirs.has(d)) {
        dirs.add(d);
        const up = d.lastIndexOf('/');
        d = up < 0 ? '' : d.slice(0, up);
      }
    }
    return (this.dirSet = dirs);
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
