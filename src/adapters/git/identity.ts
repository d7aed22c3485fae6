import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import { userRepoGitConfigArgs } from './user-repo';

/**
 * Who a human decision is recorded as: `Name <email>` from git's `user.name` and
 * `user.email` in `cwd` (the identity the user commits with), falling back to the OS user
 * name. Never throws; git missing or unset falls back.
 */
export async function humanIdentity(cwd: string): Promise<string> {
  const get = (key: string) =>
    new Promise<string>((resolve) =>
      execFile('git', [...userRepoGitConfigArgs(), 'config', '--get', key], { cwd, timeout: 5000 }, (err, stdout) => resolve(err ? '' : stdout.trim())),
    );
  const [name, email] = await Promise.all([get('user.name'), get('user.email')]);
  if (name && email) return `${name} <${email}>`;
  if (name || email) return name || email;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
