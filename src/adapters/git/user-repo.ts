import { simpleGit, type SimpleGit, type SimpleGitOptions } from 'simple-git';

/**
 * Settings for every host-side git command that touches the user's repository (clone
 * source, rev-parse, config reads, the output fetch, evidence notes), so none of them runs
 * a program the repository or its .git names:
 * - `core.hooksPath=/dev/null`: no hooks. `git fetch` and `git notes` run the
 *   `reference-transaction` hook on every ref they write; `git clone` runs hooks of the new
 *   clone (from the user's `init.templateDir`).
 * - `core.fsmonitor=false`: no fsmonitor hook (any command that reads the index may start it).
 * - `gc.auto=0`, `maintenance.auto=false`: fetch and notes would otherwise start
 *   `git gc --auto` / `git maintenance run --auto` in the user's repository (which runs the
 *   `pre-auto-gc` hook and rewrites its packs).
 * - `core.attributesFile=/dev/null`, `diff.external=`, `log.showSignature=false`: no
 *   attribute-named filter or textconv from the user's global attributes, no external diff
 *   program, no gpg.program for signatures. The repository's own `.gitattributes` can only
 *   name drivers that config defines, and none of these commands reads or writes a work tree
 *   (no checkout, add or diff of files), so no clean/smudge filter or textconv runs.
 * `-c` settings reach git's child processes (GIT_CONFIG_PARAMETERS), except those git
 * starts for a local transport with a cleaned environment (upload-pack): see
 * `userRepoGitConfigArgs` for putting them on such a command line.
 */
export const USER_REPO_SAFE_CONFIG: readonly string[] = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'gc.auto=0',
  'maintenance.auto=false',
  'core.attributesFile=/dev/null',
  'diff.external=',
  'log.showSignature=false',
];

/** USER_REPO_SAFE_CONFIG as `-c key=value` arguments, for a git command line git builds itself (e.g. `--upload-pack=`). */
export function userRepoGitConfigArgs(): string[] {
  return USER_REPO_SAFE_CONFIG.flatMap((c) => ['-c', c]);
}

/**
 * git in the user's repository (or with it as a clone source), safely: the one place that
 * says how Shopfloor runs git there (USER_REPO_SAFE_CONFIG). `dir` undefined runs git in the
 * process's working directory (a clone names the repository as an argument). No I/O until
 * a command is run.
 */
export function userRepoGit(dir: string | undefined, options: Partial<SimpleGitOptions> = {}): SimpleGit {
  return simpleGit({
    ...options,
    ...(dir !== undefined ? { baseDir: dir } : {}),
    config: [...(options.config ?? []), ...USER_REPO_SAFE_CONFIG],
    // simple-git guards these settings because they can name programs; ours switch programs off.
    unsafe: { ...options.unsafe, allowUnsafeHooksPath: true, allowUnsafeFsMonitor: true, allowUnsafeDiffExternal: true },
  });
}
