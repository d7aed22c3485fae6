import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { simpleGit, type SimpleGit, type SimpleGitOptions } from 'simple-git';
import { parsePatch } from '../../core/run/diff-parse';
import { changedScripts, isPackageManifest, type ScriptChange } from '../../core/run/trust-paths';
import { gitProcess, type GitProcess } from './git-process';
import { USER_REPO_SAFE_CONFIG, userRepoGit } from './user-repo';
import { placeTree, takeTree } from './workspace-tree';
import type { RunWorkspace, WorkspaceDiff, WorkspaceProvider } from '../../core/run/ports';

/**
 * git in a run workspace. Stations may own the workspace files (the Docker runtime hands
 * the clone to the station's non-root user), so git's ownership check is waived for
 * exactly this folder, which is Shopfloor's own clone, never a repository of the user's.
 */
export function workspaceGit(dir: string, options: Partial<SimpleGitOptions> = {}): SimpleGit {
  return simpleGit({
    ...options,
    baseDir: dir,
    config: [...(options.config ?? []), ...workspaceGitConfig(dir)],
    // simple-git guards these settings because they can name programs; ours switch programs off (hooks at /dev/null, no fsmonitor, no external diff).
    unsafe: { ...options.unsafe, allowUnsafeHooksPath: true, allowUnsafeFsMonitor: true, allowUnsafeDiffExternal: true },
  });
}

/** The `-c` settings of every git command in run workspace `dir` (workspaceGit, workspaceGitProcess). */
function workspaceGitConfig(dir: string): string[] {
  return [...safeDirectory(dir), ...NO_WORKSPACE_PROGRAMS];
}

/** git in a run workspace as a plain process (gitProcess: no 50 ms wait after a quiet command), with workspaceGit's settings. */
export function workspaceGitProcess(dir: string): GitProcess {
  return gitProcess({ cwd: dir, config: workspaceGitConfig(dir) });
}

/** `safe.directory` entries for a run workspace: git checks the work tree and, when serving a fetch, its .git folder. */
export function safeDirectory(dir: string): string[] {
  return [`safe.directory=${dir}`, `safe.directory=${join(dir, '.git')}`];
}

/**
 * Defence in depth for host-side git in a run workspace: no hooks, no fsmonitor, no
 * signature verification, whatever the workspace's own config says (stations see .git
 * read-only, but a workspace from an older run may not have been protected).
 */
const NO_WORKSPACE_PROGRAMS = ['core.hooksPath=/dev/null', 'core.fsmonitor=false', 'log.showSignature=false', 'diff.external='];

/** Config of every run workspace: an identity for its own commits, and no signing prompts. */
const WORKSPACE_CONFIG: [string, string][] = [
  ['user.name', 'Shopfloor'],
  ['user.email', 'shopfloor@localhost'],
  ['commit.gpgsign', 'false'],
];

/** An exclude-file pattern for exactly the workspace-relative `path` (anchored, glob characters escaped; gitignore(5)). */
function excludePattern(path: string): string {
  return `/${path.replace(/([*?[\\!#])/g, '\\$1')}`;
}

/**
 * A run workspace: a clone of the user's repository at the base commit, in its own folder.
 * The user's checkout is never touched. `diff` stages everything (untracked files
 * included; ignored files such as installed dependencies excluded) and diffs the index
 * against the base commit.
 */
export class GitRunWorkspace implements RunWorkspace {
  private readonly git: GitProcess;
  constructor(
    readonly dir: string,
    readonly baseCommit: string,
  ) {
    this.git = workspaceGitProcess(dir);
  }

  async diff(): Promise<WorkspaceDiff> {
    await this.git.raw(['add', '-A']);
    const patch = await this.git.raw(['diff', '--cached', '--binary', '--no-color', '--no-ext-diff', this.baseCommit]);
    const files = parsePatch(patch).map(({ path, status, oldPath }) => (oldPath ? { path, status, oldPath } : { path, status }));
    return { patch, files, scriptChanges: await this.scriptChanges(files) };
  }

  /**
   * Scripts changed in each changed package.json (core/run/trust-paths.ts): the base
   * commit's blob against the index's (what the diff holds), read as blobs so no filter or
   * textconv of the repository runs.
   */
  private async scriptChanges(files: WorkspaceDiff['files']): Promise<ScriptChange[]> {
    const out: ScriptChange[] = [];
    const blob = (spec: string) => this.git.raw(['cat-file', 'blob', spec]).then((t) => t, () => undefined);
    for (const f of files) {
      if (!isPackageManifest(f.path) && !(f.oldPath && isPackageManifest(f.oldPath))) continue;
      const before = f.status === 'added' ? undefined : await blob(`${this.baseCommit}:${f.oldPath ?? f.path}`);
      const after = f.status === 'deleted' ? undefined : await blob(`:0:${f.path}`);
      const scripts = changedScripts(before, after);
      if (scripts.length) out.push({ path: f.path, scripts });
    }
    return out;
  }

  async markSetupOutputs(): Promise<string[]> {
    const out = await this.git.raw(['ls-files', '--others', '--exclude-standard', '--directory', '-z']);
    const paths = out.split('\0').filter((p) => p && !p.startsWith('.shopfloor'));
    if (!paths.length) return [];
    // The workspace clone's own exclude file: the user's repository and its .gitignore are untouched.
    const exclude = await this.excludeFile();
    const lines = paths.map(excludePattern);
    fs.appendFileSync(exclude, `\n# set-up outputs (Shopfloor)\n${lines.join('\n')}\n`);
    return paths;
  }

  async takeTree(rel: string, caps: { files: number; bytes: number }): Promise<{ files: Array<{ path: string; text: string }> } | { problem: string }> {
    return takeTree(join(this.dir, ...rel.split('/')), caps);
  }

  async baseFile(rel: string): Promise<string | undefined> {
    // A blob read: no filter, textconv or attribute of the repository runs.
    return this.git.raw(['cat-file', 'blob', `${this.baseCommit}:${rel}`]).then((t) => t, () => undefined);
  }

  async placeTree(rel: string, files: ReadonlyArray<{ path: string; text: string }>): Promise<void> {
    placeTree(join(this.dir, ...rel.split('/')), files);
    // Out of the diff and of restore's clean (ignored files stay), in the clone's own exclude file.
    const exclude = await this.excludeFile();
    const line = `${excludePattern(rel)}/`;
    const have = fs.existsSync(exclude) ? fs.readFileSync(exclude, 'utf8').split('\n') : [];
    if (!have.includes(line)) fs.appendFileSync(exclude, `\n# frozen reproduction (Shopfloor)\n${line}\n`);
  }

  private async excludeFile(): Promise<string> {
    const gitDir = (await this.git.raw(['rev-parse', '--git-dir'])).trim();
    const exclude = join(isAbsolute(gitDir) ? gitDir : join(this.dir, gitDir), 'info', 'exclude');
    fs.mkdirSync(join(exclude, '..'), { recursive: true });
    return exclude;
  }

  async restore(patch: string): Promise<void> {
    await this.git.raw(['reset', '--quiet', '--hard', this.baseCommit]);
    // -fd without -x: ignored files (installed dependencies from set-up) stay.
    await this.git.raw(['clean', '-fdq']);
    if (!patch.trim()) return;
    const file = join(tmpdir(), `shopfloor-restore-${randomBytes(6).toString('hex')}.patch`);
    fs.writeFileSync(file, patch);
    try {
      await this.git.raw(['apply', '--index', '--binary', '--whitespace=nowarn', file]);
    } finally {
      fs.rmSync(file, { force: true });
    }
  }
}

/**
 * Creates run workspaces as local clones (objects copied, never hard-linked to the user's) under `root` (default:
 * `<repo's git common dir>/shopfloor/workspaces/<runId>`, inside .git so the user's
 * `git status` never shows it and it survives a reboot, unlike /tmp).
 */
export class GitWorkspaceProvider implements WorkspaceProvider {
  constructor(
    private readonly repo: string,
    private readonly root?: string,
  ) {}

  async resolveBase(ref: string | undefined): Promise<string> {
    const out = await userRepoGit(this.repo).raw(['rev-parse', '--verify', '--quiet', `${ref ?? 'HEAD'}^{commit}`]).catch(() => '');
    const sha = out.trim();
    if (!/^[0-9a-f]{40,64}$/.test(sha)) throw new Error(`base commit ${ref ?? 'HEAD'} does not exist in ${this.repo}`);
    return sha;
  }

  /** Shopfloor's host-side state for this repository: `<git common dir>/shopfloor`. */
  async stateDir(): Promise<string> {
    const common = (await userRepoGit(this.repo).raw(['rev-parse', '--git-common-dir'])).trim();
    return join(isAbsolute(common) ? common : join(this.repo, common), 'shopfloor');
  }

  async workspaceDir(runId: string): Promise<string> {
    if (this.root) return join(this.root, runId);
    return join(await this.stateDir(), 'workspaces', runId);
  }

  async create(runId: string, baseCommit: string): Promise<RunWorkspace> {
    const dir = await this.workspaceDir(runId);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(join(dir, '..'), { recursive: true });
    // --no-hardlinks: the clone's objects are its own copies. A local clone otherwise hard-links
    // the user's .git/objects files, and handing the workspace to the station user (chown -R
    // in the Docker runtime) would then change the owner of the user's own objects.
    // The workspace's own config is written by the clone (`--config`), not by a command each.
    const own = WORKSPACE_CONFIG.flatMap(([k, v]) => ['--config', `${k}=${v}`]);
    await gitProcess({ config: USER_REPO_SAFE_CONFIG }).raw(['clone', '--quiet', '--no-checkout', '--no-hardlinks', ...own, '--', this.repo, dir]);
    await workspaceGitProcess(dir).raw(['checkout', '--quiet', '--detach', baseCommit]);
    return new GitRunWorkspace(dir, baseCommit);
  }

  async attach(_runId: string, dir: string, baseCommit: string): Promise<RunWorkspace | undefined> {
    if (!fs.existsSync(join(dir, '.git'))) return undefined;
    const ok = await workspaceGitProcess(dir)
      .raw(['cat-file', '-e', `${baseCommit}^{commit}`])
      .then(() => true)
      .catch(() => false);
    return ok ? new GitRunWorkspace(dir, baseCommit) : undefined;
  }

  /** Removes a run's workspace folder. */
  async remove(runId: string): Promise<void> {
    fs.rmSync(await this.workspaceDir(runId), { recursive: true, force: true });
  }
}
