import { simpleGit } from 'simple-git';
import { userRepoGit } from './user-repo';

/** A remote of the user's repository. */
export interface Remote {
  name: string;
  url: string;
}

/** The user's remotes (push URLs), in `git remote` order. */
export async function listRemotes(repo: string): Promise<Remote[]> {
  const remotes = await userRepoGit(repo).getRemotes(true);
  return remotes.map((r) => ({ name: r.name, url: r.refs.push || r.refs.fetch }));
}

/**
 * Pushes `branch` to `remote` as the same branch name. Uses the user's own git
 * configuration and credentials (host side, never a container). Throws with git's message.
 */
export async function pushBranch(repo: string, remote: string, branch: string): Promise<void> {
  if (!/^shopfloor\/[A-Za-z0-9._-]+$/.test(branch)) throw new Error(`refusing to push ${branch}: only shopfloor/<run-id> branches are pushed from here`);
  await simpleGit(repo).raw(['push', '--quiet', remote, `refs/heads/${branch}:refs/heads/${branch}`]);
}

/**
 * The web page that opens a pull (merge) request for `branch`, derived from the remote URL
 * for GitHub, GitLab and Bitbucket style hosts (https, ssh and scp-like forms); undefined
 * for anything else (a local path, an unknown host). No hosting-service API is called.
 */
export function pullRequestUrl(remoteUrl: string, branch: string): string | undefined {
  const m =
    /^(?:https?:\/\/(?:[^@/]+@)?|ssh:\/\/(?:[^@/]+@)?|[^@/]+@)([^/:]+)(?::\d+)?[/:](.+?)(?:\.git)?\/?$/.exec(remoteUrl.trim()) ?? undefined;
  if (!m) return undefined;
  const host = m[1]!.toLowerCase();
  const path = m[2]!.replace(/^\/+/, '');
  const b = encodeURIComponent(branch).replace(/%2F/g, '/');
  if (host.includes('github')) return `https://${host}/${path}/compare/${b}?expand=1`;
  if (host.includes('gitlab')) return `https://${host}/${path}/-/merge_requests/new?merge_request%5Bsource_branch%5D=${encodeURIComponent(branch)}`;
  if (host.includes('bitbucket')) return `https://${host}/${path}/pull-requests/new?source=${encodeURIComponent(branch)}`;
  return undefined;
}
