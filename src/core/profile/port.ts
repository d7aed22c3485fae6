/**
 * The read-only repository port the profiler and the drafter use (style.md "Ports, not
 * service locators"). The git implementation lives in src/adapters/git/repo-reader.ts;
 * tests use an in-memory fake. Nothing behind this port may run repository code, follow a
 * symbolic link, or read a file git does not track.
 */

/** How git records a tracked path. Symlinks and submodules are listed but never read. */
export type TrackedMode = 'file' | 'executable' | 'symlink' | 'submodule';

export interface TrackedFile {
  /** Repository-relative path, POSIX separators. */
  readonly path: string;
  readonly mode: TrackedMode;
}

/** Outcome of reading one tracked file: its text, or why it was not read. */
export type ReadResult =
  | { readonly text: string; readonly bytes: number }
  | { readonly skipped: 'too-large' | 'binary' | 'symlink' | 'submodule' | 'untracked'; readonly bytes?: number };

/** A fixed-string search over tracked files. */
export interface GrepQuery {
  /** Fixed strings (not regular expressions); a line matches when it holds any of them. */
  readonly patterns: readonly string[];
  /** Limit to these repository-relative files or folders; empty or absent: the whole repository. */
  readonly paths?: readonly string[];
  readonly ignoreCase?: boolean;
  /** Match whole words only. */
  readonly wordRegexp?: boolean;
  /** At most this many matching lines per file (bounds output on common words). */
  readonly maxPerFile: number;
}

export interface GrepHit {
  readonly path: string;
  /** 1-based line. */
  readonly line: number;
  /** The matching line, cut to a few hundred characters. */
  readonly text: string;
}

/** One recent commit and the tracked paths it touched. */
export interface CommitTouch {
  readonly commit: string;
  /** Seconds since the Unix epoch (committer date). */
  readonly at: number;
  readonly paths: readonly string[];
}

export interface RepositoryReader {
  /** Every tracked path (the index), in git's order. */
  listFiles(): Promise<readonly TrackedFile[]>;
  /**
   * Reads tracked files as UTF-8 text, each at most `maxBytes`; larger, binary, symlinked
   * or untracked paths come back as `skipped` with the reason, never as content.
   */
  readFiles(paths: readonly string[], opts: { readonly maxBytes: number }): Promise<Map<string, ReadResult>>;
  /** Fixed-string search over tracked regular files (those listed by `searchSkipped` are left out). */
  grep(query: GrepQuery): Promise<GrepHit[]>;
  /** Tracked files content search leaves out for their size, largest first (bytes of the blob); absent: none are. */
  searchSkipped?(): Promise<ReadonlyArray<{ readonly path: string; readonly bytes: number }>>;
  /**
   * The newest `maxCommits` commits reachable from HEAD with the paths each touched; with
   * `paths`, only commits touching those paths (and only those paths are listed).
   */
  recentHistory(opts: { readonly maxCommits: number; readonly paths?: readonly string[] }): Promise<CommitTouch[]>;
  /** Full hash of HEAD, or undefined in a repository without commits. */
  headCommit(): Promise<string | undefined>;
}
