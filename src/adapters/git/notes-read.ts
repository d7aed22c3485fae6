import { gitProcess, type GitProcess } from './git-process';
import { NOTES_REF } from './output';
import { USER_REPO_SAFE_CONFIG } from './user-repo';

/** A commit that carries a Shopfloor evidence note. */
export interface NotedCommit {
  /** Full commit id. */
  commit: string;
  /** Committer date, ISO 8601 (strict). */
  date: string;
  subject: string;
  /** Local branches (short names) whose tip is this commit. */
  branches: string[];
}

/** git in the user's repository with USER_REPO_SAFE_CONFIG (no hooks, fsmonitor or auto-gc): these commands only read. */
function userGit(repo: string): GitProcess {
  return gitProcess({ cwd: repo, config: USER_REPO_SAFE_CONFIG });
}

/**
 * Every note under refs/notes/shopfloor as annotated object id → note blob id, from
 * `git notes --ref=refs/notes/shopfloor list` (no notes ref yet: git lists nothing). Looked up here
 * rather than by `git notes show`'s error, whose wording is translated with the locale.
 */
async function notesIndex(git: GitProcess): Promise<Map<string, string>> {
  const out = await git.raw(['notes', `--ref=${NOTES_REF}`, 'list']);
  const index = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [blob, object] = line.trim().split(/\s+/);
    if (blob && object) index.set(object, blob);
  }
  return index;
}

/**
 * The commit `rev` names in `repo` (a branch, tag, commit id or other commit-ish), as a
 * full id. Throws Error saying so when `rev` names no commit there, or looks like an
 * option (a leading `-` would reach git as one; refused here rather than with
 * `--end-of-options`, which older git's rev-parse lacks).
 */
export async function resolveCommit(repo: string, rev: string): Promise<string> {
  if (!rev.trim() || rev.startsWith('-')) throw new Error(`"${rev}" is not a branch or commit`);
  const out = await userGit(repo)
    .raw(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])
    .catch(() => '');
  if (!out.trim()) throw new Error(`no commit "${rev}" in ${repo}`);
  return out.trim();
}

/**
 * The Shopfloor evidence note of commit-ish `rev` in `repo`: the note's text under
 * refs/notes/shopfloor (as written, parse it with parseEvidenceNote), and the full commit
 * id it is attached to; `note` is null when that commit has no note (not an error). Throws
 * Error when `rev` names no commit (resolveCommit) or git fails. I/O: up to three git
 * processes in `repo`, read-only.
 */
export async function readEvidenceNote(repo: string, rev: string): Promise<{ commit: string; note: string | null }> {
  const commit = await resolveCommit(repo, rev);
  const git = userGit(repo);
  const blob = (await notesIndex(git)).get(commit);
  if (!blob) return { commit, note: null };
  return { commit, note: await git.raw(['cat-file', 'blob', blob]) };
}

/**
 * The commits of `repo` that carry a Shopfloor note, newest committer date first, at most
 * `limit`, with the local branches whose tip each is. Notes on objects the repository no
 * longer has, or on non-commits, are left out. I/O: three git processes in `repo`,
 * read-only; the note ids go on one command line, so at most the first 2000 notes listed
 * are considered.
 */
export async function listNotedCommits(repo: string, limit = 50): Promise<NotedCommit[]> {
  const git = userGit(repo);
  const index = await notesIndex(git);
  if (!index.size) return [];
  const ids = [...index.keys()].slice(0, 2000);
  const log = await git.raw(['log', '--no-walk=sorted', '--ignore-missing', `--max-count=${limit}`, '--format=%H%x00%cI%x00%s', ...ids, '--']);
  const branches = new Map<string, string[]>();
  for (const line of (await git.raw(['for-each-ref', '--format=%(objectname)%00%(refname:short)', 'refs/heads'])).split('\n')) {
    const [id, name] = line.split('\0');
    if (id && name) branches.set(id, [...(branches.get(id) ?? []), name]);
  }
  return log
    .split('\n')
    .filter((l) => l.includes('\0'))
    .map((l) => {
      const [commit, date, subject] = l.split('\0') as [string, string, string];
      return { commit, date, subject: subject ?? '', branches: branches.get(commit) ?? [] };
    })
    // git log given a blob id lists some commit in its place (seen with git 2.39): only the annotated commits themselves count.
    .filter((c) => index.has(c.commit));
}
