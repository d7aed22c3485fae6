import * as vscode from 'vscode';
import { listRemotes, pullRequestUrl, pushBranch } from '../../adapters/git/push';
import { listRuns } from '../../adapters/store/run-list';
import type { HostContext } from '../context';

/**
 * Pushes a PR_READY run's branch to a remote of the user's repository (asking which when
 * there are several) with the user's own git credentials, then offers the hosting
 * service's pull request page when the remote URL names a known host. Never throws: a
 * failure is reported in the result (and the log).
 */
export async function pushRunBranch(ctx: HostContext, runId: string): Promise<{ pushed: boolean; remote?: string; url?: string; message?: string }> {
  if (!vscode.workspace.isTrusted) return { pushed: false, message: 'this workspace is not trusted' };
  const repo = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!repo) return { pushed: false, message: 'open a repository folder first' };
  const run = listRuns(repo).find((r) => r.id === runId);
  const branch = run?.output?.branch;
  if (!branch || run?.terminal?.state !== 'PR_READY') return { pushed: false, message: `run ${runId} has no PR_READY branch to push` };
  const remotes = await listRemotes(repo);
  if (!remotes.length) return { pushed: false, message: `the repository has no remote; add one (git remote add origin URL) and push ${branch}` };
  const remote =
    remotes.length === 1
      ? remotes[0]
      : (await vscode.window.showQuickPick(remotes.map((r) => ({ label: r.name, description: r.url, remote: r })), { placeHolder: `Push ${branch} to…` }))?.remote;
  if (!remote) return { pushed: false, message: 'no remote chosen' };
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Pushing ${branch} to ${remote.name}` }, () => pushBranch(repo, remote.name, branch));
  } catch (e) {
    ctx.log.error(`push of ${branch} to ${remote.name} failed: ${(e as Error).message}`);
    return { pushed: false, remote: remote.name, message: (e as Error).message };
  }
  ctx.log.info(`pushed ${branch} to ${remote.name} (${remote.url})`);
  const url = pullRequestUrl(remote.url, branch);
  if (url) {
    void vscode.window.showInformationMessage(`Shopfloor: pushed ${branch} to ${remote.name}.`, 'Open Pull Request').then((a) => {
      if (a) void vscode.env.openExternal(vscode.Uri.parse(url));
    });
  } else void vscode.window.showInformationMessage(`Shopfloor: pushed ${branch} to ${remote.name}.`);
  return { pushed: true, remote: remote.name, url };
}
