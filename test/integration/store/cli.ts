import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

/** The repository root, where the CLI source is. */
export const ROOT = resolve(__dirname, '..', '..', '..');

/** The CLI as ONE node process (tsx hook in-process), so `kill -9` of its pid is a real crash. */
export function cliArgs(args: string[]): [string, string[]] {
  return [process.execPath, ['-r', 'tsx/cjs', join(ROOT, 'src', 'cli', 'main.ts'), ...args]];
}

/** Runs the CLI to completion (stdin closed: headless). */
export function runCli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const [cmd, argv] = cliArgs(args);
  const r = spawnSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI in the background. */
export function startCli(args: string[]): ChildProcess {
  const [cmd, argv] = cliArgs(args);
  return spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}
