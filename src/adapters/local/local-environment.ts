import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { join, relative, resolve, isAbsolute } from 'node:path';
import { OUTPUT_TAIL_CHARS, type ExecEndReason } from '../../contracts';
import type { EnvironmentProvider, EnvironmentRequest, ExecOptions, ExecResult, StationEnvironment } from '../../core/run/ports';
import { TextTail } from '../../core/run/tail';

/** Environment variables never passed to a station: anything that looks like a credential. */
const CREDENTIAL = /(TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|API_?KEY|PRIVATE_?KEY|^AWS_|^GITHUB_|^GH_|^NPM_CONFIG__AUTH|^SSH_AUTH_SOCK$|^DOCKER_)/i;

function hostEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !CREDENTIAL.test(k)) out[k] = v;
  return out;
}

/**
 * THE NO-ISOLATION FALLBACK. Runs a station's argv directly on the host with
 * child_process.spawn (no shell) in the run workspace. It enforces neither network
 * policy nor mounts nor resource limits: it exists for tests and for
 * `shopfloor run --environment local`; the default becomes the Docker devcontainer once
 * wired. Credential-like variables of the host are dropped from the child's environment.
 * Each command runs in its own process group, killed whole on timeout or cancel, and its
 * pid is recorded under `stateDir` so `cleanup` can kill what a killed run left running.
 * End reasons: `exited`, `timeout`, `cancelled`, `killed` (a signal Shopfloor did not
 * send) and `not-started`; with no walls there is never a wall reason.
 */
export class LocalProcessEnvironment implements StationEnvironment {
  readonly imageDigest = undefined;

  constructor(
    private readonly workspaceDir: string,
    private readonly baseEnv: Record<string, string>,
    private readonly pidDir: string | undefined,
    private readonly tailChars = OUTPUT_TAIL_CHARS,
  ) {}

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    const cwd = resolve(this.workspaceDir, options.cwd ?? '.');
    const rel = relative(this.workspaceDir, cwd);
    if (rel.startsWith('..') || isAbsolute(rel)) return Promise.resolve(this.failed(started, `cwd ${options.cwd} is outside the workspace`));
    if (argv.length === 0) return Promise.resolve(this.failed(started, 'empty argv'));
    return new Promise((done) => {
      const tail = new TextTail(this.tailChars);
      let end: { reason: ExecEndReason; detail?: string } = { reason: 'exited' };
      const child = spawn(argv[0]!, argv.slice(1), { cwd, env: { ...this.baseEnv, ...(options.env ?? {}) }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      const pidFile = this.pidDir && child.pid ? join(this.pidDir, String(child.pid)) : undefined;
      if (pidFile) {
        fs.mkdirSync(this.pidDir!, { recursive: true });
        fs.writeFileSync(pidFile, argv.join(' '));
      }
      const killGroup = () => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      };
      const onData = (b: Buffer) => {
        const s = b.toString('utf8');
        tail.push(s);
        options.onOutput?.(s);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      const timer = options.timeoutMs
        ? setTimeout(() => {
            end = { reason: 'timeout', detail: `timed out after ${options.timeoutMs} ms` };
            killGroup();
          }, options.timeoutMs)
        : undefined;
      const onAbort = () => {
        end = { reason: 'cancelled', detail: 'cancelled' };
        killGroup();
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      let spawnError: Error | undefined;
      child.on('error', (e) => (spawnError = e));
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (pidFile) fs.rmSync(pidFile, { force: true });
        if (spawnError) {
          end = { reason: 'not-started', detail: spawnError.message };
          tail.push(`${spawnError.message}\n`);
        } else if (end.reason === 'exited' && code === null) end = { reason: 'killed', detail: `killed by ${signal ?? 'a signal'}` };
        done({
          exitCode: end.reason === 'exited' ? code : null,
          endReason: end.reason,
          endDetail: end.detail,
          durationMs: Date.now() - started,
          output: tail.text(),
          // Every byte reached onOutput: nothing is cut before the station's log.
          truncated: false,
        });
      });
    });
  }

  async dispose(): Promise<void> {}

  private failed(started: number, detail: string): ExecResult {
    return { exitCode: null, endReason: 'not-started', endDetail: detail, durationMs: Date.now() - started, output: detail, truncated: false };
  }
}

/**
 * Provides LocalProcessEnvironment for every station (see its warning). Mounts are not
 * performed: a station environment variable whose value is a mount's container path is
 * rewritten to the host path, so a verifier finds its scenarios. `stateDir(runId)` names
 * where pid files of running commands are kept for `cleanup`.
 */
export class LocalEnvironmentProvider implements EnvironmentProvider {
  constructor(private readonly stateDir?: (runId: string) => string) {}

  async prepare(request: EnvironmentRequest): Promise<StationEnvironment> {
    const env = { ...hostEnv(), ...request.env };
    for (const m of request.mounts) for (const [k, v] of Object.entries(env)) if (v === m.containerPath) env[k] = m.hostPath;
    if (request.mounts.length) env.SHOPFLOOR_SCENARIOS = request.mounts[0]!.hostPath;
    return new LocalProcessEnvironment(request.workspaceDir, env, this.stateDir ? join(this.stateDir(request.runId), 'pids') : undefined);
  }

  /** Kills the process groups of commands a killed run left running. */
  async cleanup(runId: string): Promise<void> {
    if (!this.stateDir) return;
    const dir = join(this.stateDir(runId), 'pids');
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const pid = Number(name);
      if (Number.isInteger(pid) && pid > 1)
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      fs.rmSync(join(dir, name), { force: true });
    }
  }
}
