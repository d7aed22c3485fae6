import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
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

/** Run folders of `repo` (the runs folder also holds the .gitignore that keeps runs out of git status). */
export function runsOf(repo: string): string[] {
  const dir = join(repo, '.shopfloor', 'runs');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => !n.startsWith('.')) : [];
}

/**
 * Starts the CLI with `args`, waits until the journal of the (only) run in `repo` holds
 * `marker` (e.g. `"type":"station/started","stationId":"implement"`), waits `afterMs`
 * more, sends `signal` and waits for the exit. Fails when the run ends first or the marker
 * never appears within 120 s. Returns the run id, the exit code and what the CLI wrote to stderr.
 */
export async function signalWhen(repo: string, args: string[], marker: string, signal: NodeJS.Signals, afterMs = 0): Promise<{ runId: string; code: number | null; stderr: string }> {
  const child = startCli(args);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`the journal never held ${marker}: ${stderr}`);
    const id = runsOf(repo)[0];
    const journal = id ? join(repo, '.shopfloor', 'runs', id, 'journal.jsonl') : undefined;
    if (journal && fs.existsSync(journal) && fs.readFileSync(journal, 'utf8').includes(marker)) break;
    if (child.exitCode !== null) throw new Error(`the run ended before its journal held ${marker}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  if (afterMs) await new Promise((r) => setTimeout(r, afterMs));
  child.kill(signal);
  const code = await exited;
  return { runId: runsOf(repo)[0]!, code, stderr };
}
