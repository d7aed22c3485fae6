import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { simpleGit } from 'simple-git';
import { sha256Hex } from '../../core/hash';

/**
 * Identities the registry stores only as hashes (issue 13 item 5: repository identity as
 * a hash; never a URL, path or host name in a record).
 */

/** Hash of a repository's identity: its root commit(s), so every clone of it agrees; its resolved path when it has no commit. Never throws. */
export async function repositoryIdentity(repo: string): Promise<string> {
  const roots = await simpleGit(repo)
    .raw(['rev-list', '--max-parents=0', 'HEAD'])
    .then((s) => s.trim().split('\n').sort().join(','), () => '');
  return sha256Hex(`shopfloor-repository:${roots || resolve(repo)}`);
}

/** Hash of a workspace identity: this machine and the workspace folder. */
export function workspaceIdentity(folder: string): string {
  return sha256Hex(`shopfloor-workspace:${hostname()}:${resolve(folder)}`);
}

/** Hash of a person's identity (`Name <email>`), for review verdicts. */
export function personIdentity(who: string): string {
  return sha256Hex(`shopfloor-person:${who.trim().toLowerCase()}`);
}
