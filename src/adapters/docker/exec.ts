import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { ContainerExecResult, ExecEndReason, OutputSink } from '../../core/container';
import { CappedOutput } from './capped-output';
import { demultiplex } from './demux';

/** A resource wall the watchdog saw crossed while a command ran. */
export interface Violation {
  reason: Extract<ExecEndReason, 'pids-limit' | 'disk-limit' | 'oom-killed' | 'container-died'>;
  detail: string;
}

/** Watches a container while one command runs; `stop` ends the watch. */
export interface ExecWatch {
  violation: Promise<Violation>;
  /** True when the kernel OOM-killed a process in the container since the watch began. */
  oomSeen(): boolean;
  /** A wall crossed by a command that has already ended (e.g. forks refused by the pids limit). */
  finalCheck(): Promise<Violation | undefined>;
  stop(): void;
}

/** Everything one exec needs, already resolved by the station (user, cwd, env). */
export interface ExecRequest {
  docker: Docker;
  containerId: string;
  argv: string[];
  env: string[];
  cwd: string;
  user: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  maxOutputBytes: number;
  onStdout?: OutputSink;
  onStderr?: OutputSink;
  watch?: () => ExecWatch;
  /** Called when a resource wall ends the station: the container is killed. */
  onStationEnded?: (v: Violation) => void;
}

/** Environment variable carrying the exec's id, so cancellation can find its processes. */
export const EXEC_ID_VAR = 'SHOPFLOOR_EXEC_ID';

/**
 * Kills every process of one exec by the marker in its environment. Docker has no "kill
 * exec" call; this runs as the same user (all capabilities are dropped, so only the
 * same uid may signal), needs only sh and cat, and sweeps three times to catch forks.
 */
const KILL_SCRIPT =
  'for i in 1 2 3; do for p in /proc/[0-9]*; do case "$(cat "$p/environ" 2>/dev/null)" in *"$0=$1"*) kill -9 "${p#/proc/}" 2>/dev/null;; esac; done; done';

/**
 * Runs one argv in the container through the Engine API (no shell on the host or in
 * the container), streams stdout and stderr with backpressure and caps, and returns a
 * reliable exit code from exec inspect. Timeout and cancellation kill the process
 * inside the container; a crossed resource wall kills the whole container.
 */
export async function runExec(req: ExecRequest): Promise<ContainerExecResult> {
  const started = Date.now();
  const id = randomBytes(8).toString('hex');
  const container = req.docker.getContainer(req.containerId);
  const stdout = new CappedOutput('stdout', req.maxOutputBytes, req.onStdout);
  const stderr = new CappedOutput('stderr', req.maxOutputBytes, req.onStderr);
  const exec = await container.exec({
    Cmd: req.argv,
    Env: [...req.env, `${EXEC_ID_VAR}=${id}`],
    WorkingDir: req.cwd,
    User: req.user,
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: false,
    Tty: false,
  });
  const sock = (await exec.start({ hijack: true, stdin: false })) as unknown as Duplex;

  const end: { reason: ExecEndReason; detail?: string } = { reason: 'exited' };
  let stopping: Promise<void> | undefined;
  const streamDone = demultiplex(sock, (s, payload) => (s === 1 ? stdout.write(payload) : stderr.write(payload)));
  const ended = streamDone.then(
    () => true,
    () => true,
  );

  const stop = (why: ExecEndReason, text: string, wholeContainer: boolean) => {
    if (stopping) return;
    end.reason = why;
    end.detail = text;
    stopping = (async () => {
      if (!wholeContainer) {
        await killByMarker(req, id).catch(() => undefined);
        if (await settlesWithin(ended, 3000)) return;
        end.detail += '; the process did not die, so the container was killed';
      }
      await container.kill().catch(() => undefined);
      if (!(await settlesWithin(ended, 3000))) sock.destroy();
    })();
  };

  const timer = req.timeoutMs ? setTimeout(() => stop('timeout', `no exit within ${req.timeoutMs} ms`, false), req.timeoutMs) : undefined;
  const onAbort = () => stop('cancelled', 'cancelled', false);
  if (req.signal?.aborted) onAbort();
  else req.signal?.addEventListener('abort', onAbort, { once: true });
  const watch = req.watch?.();
  watch?.violation.then((v) => {
    stop(v.reason, v.detail, true);
    req.onStationEnded?.(v);
  });

  let sinkError: unknown;
  try {
    await streamDone;
  } catch (e) {
    // A destroyed socket after a stop is expected; anything else is a sink or engine failure.
    if (!stopping) {
      sinkError = e;
      stop('cancelled', `output consumer failed: ${(e as Error).message}`, false);
    }
  }
  if (stopping) await stopping;
  if (timer) clearTimeout(timer);
  req.signal?.removeEventListener('abort', onAbort);
  watch?.stop();
  const late = !stopping && watch ? await watch.finalCheck() : undefined;
  if (late) {
    // The command hit a wall and ended by itself; the station still ends, so the reason is not lost.
    end.reason = late.reason;
    end.detail = late.detail;
    await container.kill().catch(() => undefined);
    req.onStationEnded?.(late);
  }

  const exitCode = await exitCodeOf(exec);
  if (end.reason === 'exited' && exitCode === 137 && watch) {
    // The OOM event can trail the exit by a few milliseconds.
    for (let i = 0; i < 10 && !watch.oomSeen(); i++) await sleep(30);
    if (watch.oomSeen()) {
      end.reason = 'oom-killed';
      end.detail = 'the kernel killed the process: the station hit its memory limit';
    }
  }
  if (sinkError) throw sinkError;
  return {
    exitCode,
    endReason: end.reason,
    endDetail: end.detail,
    stdoutBytes: stdout.total,
    stderrBytes: stderr.total,
    truncated: stdout.truncated || stderr.truncated,
    durationMs: Date.now() - started,
  };
}

/** Exit code from exec inspect, waiting briefly for the engine to record it after the stream closes. */
async function exitCodeOf(exec: Docker.Exec): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const info = await exec.inspect().catch(() => undefined);
    if (!info) return -1;
    if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) return info.ExitCode;
    if (!info.Running && i > 20) return -1;
    await sleep(i < 10 ? 2 : 20);
  }
  return -1;
}

async function killByMarker(req: ExecRequest, id: string): Promise<void> {
  const c = req.docker.getContainer(req.containerId);
  const k = await c.exec({ Cmd: ['/bin/sh', '-c', KILL_SCRIPT, EXEC_ID_VAR, id], User: req.user, AttachStdout: false, AttachStderr: false });
  const s = (await k.start({ hijack: true, stdin: false })) as unknown as Duplex;
  s.resume();
  await new Promise<void>((resolve) => {
    s.on('end', resolve);
    s.on('close', resolve);
    s.on('error', () => resolve());
  });
}

function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([p.then(() => true), sleep(ms).then(() => false)]);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
