import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { join, relative, resolve, isAbsolute } from 'node:path';
import type { EnvironmentProvider, EnvironmentRequest, ExecOptions, ExecResult, StationEnvironment } from '../../core/run/ports';

/** Environment variables never passed to a station: anything that looks like a credential. */
const CREDENTIAL = /(TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|API_?KEY|PRIVATE_?KEY|^AWS_|^GITHUB_|^GH_|^NPM_CONFIG__AUTH|^SSH_AUTH_SOCK$|^DOCKER_)/i;

/** Default cap on the output tail kept in a result, in characters. */
const OUTPUT_CAP = 64 * 1024;

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
 */
export class LocalProcessEnvironment implements StationEnvironment {
  readonly imageDigest = undefined;

  constructor(
    private readonly workspaceDir: string,
    private readonly baseEnv: Record<string, string>,
    private readonly pidDir: string | undefined,
    private readonly outputCap = OUTPUT_CAP,
  ) {}

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    const cwd = resolve(this.workspaceDir, options.cwd ?? '.');
    const rel = relative(this.workspaceDir, cwd);
    if (rel.startsWith('..') || isAbsolute(rel)) return Promise.resolve(this.failed(started, `cwd ${options.cwd} is outside the workspace`));
    if (argv.length === 0) return Promise.resolve(this.failed(started, 'empty argv'));
    return new Promise((done) => {
      let tail = '';
      let total = 0;
      let timedOut = false;
      let cancelled = false;
      let reason: string | undefined;
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
        total += s.length;
        tail = (tail + s).slice(-this.outputCap);
        options.onOutput?.(s);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      const timer = options.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            reason = `timed out after ${options.timeoutMs} ms`;
            killGroup();
          }, options.timeoutMs)
        : undefined;
      const onAbort = () => {
        cancelled = true;
        reason = 'cancelled';
        killGroup();
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      let spawnError: Error | undefined;
      child.on('error', (e) => (spawnError = e));
      child.on('close', (code) => {
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (pidFile) fs.rmSync(pidFile, { force: true });
        done({
          exitCode: spawnError || timedOut || cancelled ? null : code,
          timedOut,
          cancelled,
          durationMs: Date.now() - started,
          output: spawnError ? `${tail}${spawnError.message}\n` : tail,
          truncated: total > this.outputCap,
          reason: spawnError ? spawnError.message : reason,
        });
      });
    });
  }

  async dispose(): Promise<void> {}

  private failed(started: number, reason: string): ExecResult {
    return { exitCode: null, timedOut: false, cancelled: false, durationMs: Date.now() - started, output: reason, truncated: false, reason };
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
