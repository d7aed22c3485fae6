import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { readJournal } from '../../adapters/store/file-journal';
import { runFolder } from '../../adapters/store/run-folder';
import { userRepoGit } from '../../adapters/git/user-repo';
import { GitWorkspaceProvider, workspaceGit } from '../../adapters/git/worktree';

/** URI scheme of a file's text at a commit, served by GitRevisionContent. */
export const REVISION_SCHEME = 'shopfloor-rev';

/** Where a revision's file is read from: the run workspace (Shopfloor's own clone) or the user's repository. */
interface RevisionQuery {
  dir: string;
  rev: string;
  path: string;
  /** true: `dir` is a run workspace (safe.directory for it); false: the user's repository. */
  workspace: boolean;
}

/**
 * Serves `shopfloor-rev:` documents: a file as it is at a commit (`git show REV:PATH`), read
 * only, so VS Code's own diff editor can show base against run. A file the commit does not
 * have reads as empty (an added or deleted file).
 */
export class GitRevisionContent implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = JSON.parse(uri.query) as RevisionQuery;
    const git = q.workspace ? workspaceGit(q.dir) : userRepoGit(q.dir);
    return git.show([`${q.rev}:${q.path}`]).catch(() => '');
  }
}

function revisionUri(q: RevisionQuery): vscode.Uri {
  return vscode.Uri.from({ scheme: REVISION_SCHEME, path: `/${q.path}`, query: JSON.stringify(q) });
}

/** A path a diff may be opened for: relative, inside the repository, among the files the run changed. */
function checkPath(path: string, allowed: readonly string[]): string | undefined {
  if (isAbsolute(path) || path.split(/[\\/]/).some((s) => s === '..' || s === '')) return `"${path}" is not a path inside the repository`;
  if (!allowed.includes(path)) return `"${path}" is not one of the files this run changed`;
  return undefined;
}

/**
 * Opens VS Code's diff editor for one file a run changed: the file at the run's base
 * commit on the left; on the right the run's workspace copy while the workspace exists
 * (during the run: what the gate shows), else the file on the run's output branch. The
 * base commit and workspace come from the run's journal (`run/started`,
 * `workspace/prepared`, `output/created`). `allowed` is the list of changed files the panel
 * shows (the open gate's or the bundle's); any other path is refused, so a message cannot
 * make the host read an arbitrary file. The diff opens beside the panel, so the gate card
 * or bundle it was opened from stays in view. I/O: reads the journal, runs git show.
 */
export async function openRunDiff(repo: string, runId: string, path: string, allowed: readonly string[]): Promise<{ opened: boolean; message?: string }> {
  const bad = checkPath(path, allowed);
  if (bad) return { opened: false, message: bad };
  const folder = runFolder(repo, runId);
  if (!existsSync(folder.journal)) return { opened: false, message: `run ${runId} has no journal` };
  let base: string | undefined;
  let workspace: string | undefined;
  let branch: string | undefined;
  for (const r of readJournal(folder.journal).records) {
    if (r.event.type === 'run/started') base = r.event.baseCommit;
    if (r.event.type === 'workspace/prepared') workspace = r.event.path;
    if (r.event.type === 'output/created') branch = r.event.branch;
  }
  if (!base) return { opened: false, message: `run ${runId}'s journal names no base commit` };
  workspace ??= await new GitWorkspaceProvider(repo).workspaceDir(runId);
  const hasWorkspace = existsSync(join(workspace, '.git'));
  const left = revisionUri(hasWorkspace ? { dir: workspace, rev: base, path, workspace: true } : { dir: repo, rev: base, path, workspace: false });
  let right: vscode.Uri;
  let side: string;
  if (hasWorkspace) {
    right = vscode.Uri.file(join(workspace, ...path.split('/')));
    side = `run ${runId}`;
  } else if (branch) {
    right = revisionUri({ dir: repo, rev: branch, path, workspace: false });
    side = branch;
  } else return { opened: false, message: `run ${runId}'s workspace is gone and it made no output branch` };
  await vscode.commands.executeCommand('vscode.diff', left, right, `${path} (${base.slice(0, 8)} ↔ ${side})`, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  return { opened: true };
}
