import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, run, waitForHttp } from '../../support/processes';

export const repoRoot = resolve(__dirname, '..', '..', '..');
const bin = join(repoRoot, '.cache', 'code-server', 'node_modules', '.bin', 'code-server');

/** A running code-server (real VS Code in a browser) with the packaged extension installed. */
export interface CodeServer {
  url: string;
  userDataDir: string;
  /** URL that opens `folder` in the workbench. */
  urlFor(folder: string): string;
  /** Text of every log file the extension host wrote for `extensionId`'s output channels. */
  extensionLogs(): string;
  stop(): Promise<void>;
}

/**
 * Starts code-server on a free loopback port with fresh user-data and extensions dirs,
 * after installing `vsix` (the packaged extension, as users get it). Recipe and flags:
 * ../shared/environment.md. Throws with a hint when code-server is not installed.
 */
export async function startCodeServer(vsix: string): Promise<CodeServer> {
  if (!existsSync(bin)) throw new Error(`code-server is not installed at ${bin}: run scripts/setup-code-server.sh (npm test does)`);
  if (!existsSync(vsix)) throw new Error(`${vsix} does not exist: run npm run package (npm test does)`);
  const base = mkdtempSync(join(tmpdir(), 'shopfloor-e2e-'));
  const userDataDir = join(base, 'user-data');
  const extensionsDir = join(base, 'extensions');
  const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  // A fresh profile opens the "Setup VS Code Web" walkthrough on first start, which takes
  // focus from a quick pick a test has just opened (seen failing the draft test on a loaded machine).
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none', 'workbench.welcomePage.walkthroughs.openOnInstall': false }, null, 2));
  await run(bin, [...common, '--install-extension', vsix]);
  const port = await freePort();
  const child: ChildProcess = spawn(
    bin,
    [...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SHELL: '/bin/bash' } },
  );
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/healthz`, 60_000, child);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}\ncode-server output:\n${output}`);
  }
  return {
    url,
    userDataDir,
    urlFor: (folder) => `${url}/?folder=${encodeURIComponent(folder)}`,
    extensionLogs: () => collectLogs(join(userDataDir, 'logs')),
    stop: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

function collectLogs(dir: string): string {
  if (!existsSync(dir)) return '';
  let text = '';
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) text += collectLogs(p);
    else if (/shopfloor/i.test(p) && name.endsWith('.log')) text += readFileSync(p, 'utf8');
  }
  return text;
}
