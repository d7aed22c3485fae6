import { execFile } from 'node:child_process';

/** One git command runner: `raw(args)` resolves with stdout, rejects with git's stderr. */
export interface GitProcess {
  raw(args: readonly string[]): Promise<string>;
}

/**
 * git run as a plain child process (execFile, no shell) with `config` as `-c key=value`
 * before the command, in `cwd`, for the commands on a run's path whose arguments Shopfloor
 * builds itself (full commit hashes, its own paths after `--`). Why not simple-git here:
 * simple-git 3 waits 50 ms after a command that printed nothing before it settles (its
 * completion plugin), so every quiet command (`checkout --quiet`, `config`, `add -A`) cost
 * 50 ms more than git itself; a run workspace's creation was 5 such commands, about 300 ms.
 * Like simple-git's environment guard, the ambient `GIT_*` variables are left out (a
 * `GIT_DIR` or `GIT_CONFIG_*` of the caller's shell must not redirect these commands),
 * and prompts are off. I/O: one git process per call. Rejects with an Error whose message
 * is git's stderr (or the exit reason).
 */
export function gitProcess(o: { cwd?: string; config: readonly string[] }): GitProcess {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toUpperCase().startsWith('GIT_')));
  env.GIT_TERMINAL_PROMPT = '0';
  const prefix = o.config.flatMap((c) => ['-c', c]);
  return {
    raw: (args) =>
      new Promise((resolve, reject) => {
        execFile('git', [...prefix, ...args], { cwd: o.cwd, env, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 }, (err, stdout, stderr) => {
          if (err) reject(new Error(stderr.trim() || err.message));
          else resolve(stdout);
        });
      }),
  };
}
