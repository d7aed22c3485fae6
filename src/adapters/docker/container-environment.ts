import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, realpath, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { OUTPUT_TAIL_CHARS } from '../../contracts';
import { repairOnCorruption, writableCaches } from './cache-upkeep';
import { cacheEcosystemsFor, TOOLCHAIN_FILES, defaultEnvironment, isInsideRoot, toolchainRequest, type ContainerRuntime, type ToolchainFiles, type EnvironmentSpec, type NetworkPolicy, type StationContainer } from '../../core/container';
import { readDevcontainer } from './devcontainer-file';
import type { Logger } from '../../core/ports';
import type { EnvironmentProvider, EnvironmentRequest, ExecOptions, ExecResult, StationEnvironment } from '../../core/run/ports';
import { TextTail } from '../../core/run/tail';

/** Options of the bridge from the run engine's EnvironmentProvider port to a ContainerRuntime. */
export interface ContainerEnvironmentOptions {
  runtime: ContainerRuntime;
  sessionId: string;
  /** Image when the repository has no devcontainer.json and the station names none. */
  defaultImage: string;
  /** Name of the user's repository: container paths (`/workspaces/<name>`) stay stable across runs. */
  repoName: string;
  /** Scratch folder of a run (inside its run folder), for the verifier's private copy of the workspace. */
  scratchDir: (runId: string) => string;
  logger?: Logger;
}

/**
 * The run engine's EnvironmentProvider on a ContainerRuntime (Docker): resolves the run
 * workspace's devcontainer.json (or the default image), applies the station's network
 * policy, and prepares the run's hardened container. The runtime's environment failures
 * are RetryableCause already (src/core/container/errors.ts), so they reach the engine as
 * they are: it retries with backoff and ends RETRYABLE_FAILURE when retries run out; a
 * refused configuration is not retryable and propagates as is. A command's structured end
 * reason (a station wall such as `oom-killed`) is passed through unchanged.
 *
 * A verifier's holdout scenarios live outside the repository and must never be visible to
 * an implementing station, while the runtime only binds paths inside a run's workspace.
 * So a station with mounts gets its own container over a private copy of the workspace
 * (`scratchDir/<station>`), with each mount copied in under `.holdout/` and bound read-only
 * at its container path; the implementing station's container never has them.
 *
 * A request's readOnlyPaths (the frozen reproduction) are bound read-only over their place
 * in the workspace.
 *
 * An agent station's volumes (its installed CLI) are mounted read-only, and a read-only
 * workspace request mounts the workspace read-only; both change the configuration hash,
 * so such a station gets its own container of the run, never a writable one reattached.
 */
export class ContainerEnvironmentProvider implements EnvironmentProvider {
  constructor(private readonly o: ContainerEnvironmentOptions) {}

  /**
   * Removes every container of the run and the run's scratch folder (the verifiers' private
   * workspace copies, with their copies of the holdout scenarios, which must not outlive the
   * run on the host): called when a killed run resumes, and by the composition root when a
   * run ends. I/O: the engine, and deletes `scratchDir(runId)`.
   */
  async cleanup(runId: string): Promise<void> {
    const removed = await this.o.runtime.removeRun(runId);
    if (removed.length) this.o.logger?.info(`removed ${removed.length} container(s) of run ${runId}`);
    await rm(this.o.scratchDir(runId), { recursive: true, force: true });
  }

  async prepare(req: EnvironmentRequest): Promise<StationEnvironment> {
    const network: NetworkPolicy = req.network.mode === 'none' ? 'none' : { egressAllow: req.network.allow };
    let workspaceDir = req.workspaceDir;
    let runKey = req.runId;
    const holdout: Array<{ rel: string; target: string }> = [];
    if (req.mounts.length) {
      workspaceDir = join(this.o.scratchDir(req.runId), req.stationId);
      runKey = `${req.runId}.${req.stationId}`;
      await rm(workspaceDir, { recursive: true, force: true });
      await mkdir(workspaceDir, { recursive: true });
      await cp(req.workspaceDir, workspaceDir, { recursive: true, verbatimSymlinks: true });
      for (const [i, m] of req.mounts.entries()) {
        const rel = `.holdout/${i}-${basename(m.hostPath)}`;
        await cp(m.hostPath, join(workspaceDir, rel), { recursive: true, verbatimSymlinks: true });
        holdout.push({ rel, target: m.containerPath });
      }
    }
    let spec: EnvironmentSpec =
      req.image !== undefined
        ? defaultEnvironment({ image: req.image, workspaceBasename: this.o.repoName, network, env: req.env })
        : await readDevcontainer({ workspaceDir, defaultImage: this.o.defaultImage, workspaceBasename: this.o.repoName, network });
    if (spec.origin.kind === 'default' && req.image === undefined) {
      // The default image takes the Node.js and package manager the repository asks for; a devcontainer.json's image is its own choice.
      const files: ToolchainFiles = {};
      const root = await realpath(workspaceDir);
      for (const [k, rel] of Object.entries(TOOLCHAIN_FILES) as [keyof ToolchainFiles, string][]) {
        // Real paths inside the workspace only: a symlinked .nvmrc must not bring a host file's first line into the log.
        const real = await realpath(join(workspaceDir, rel)).catch(() => undefined);
        if (real && isInsideRoot(root, real)) files[k] = await readFile(real, 'utf8').catch(() => undefined);
      }
      const t = toolchainRequest(files);
      for (const n of t.notes) this.o.logger?.info(`[toolchain] ${n}`);
      if (t.request.node || t.request.packageManager) spec = { ...spec, toolchain: t.request };
    }
    spec = {
      ...spec,
      containerEnv: { ...spec.containerEnv, ...req.env },
      ...(req.readOnlyWorkspace ? { workspaceReadOnly: true } : {}),
      mounts: [
        ...spec.mounts,
        // The clone's .git is read-only inside the station: a station that could write it could
        // plant hooks, fsmonitor or filter commands that the host's own git calls would then run.
        ...(existsSync(join(workspaceDir, '.git')) ? [{ type: 'bind' as const, workspacePath: '.git', target: `${spec.workspaceMountTarget}/.git`, readOnly: true }] : []),
        ...holdout.map((h) => ({ type: 'bind' as const, workspacePath: h.rel, target: h.target, readOnly: true })),
        // The frozen reproduction, read-only at its own place in the workspace: stations run it, none can change it.
        ...(req.readOnlyPaths ?? []).map((p) => ({ type: 'bind' as const, workspacePath: p, target: `${spec.workspaceMountTarget}/${p}`, readOnly: true })),
        ...(req.volumes ?? []).map((v) => ({ type: 'volume' as const, name: v.volume, target: v.containerPath, readOnly: true as const })),
        // The shared package caches of the ecosystems the workspace uses: read-write only in set-up.
        ...(req.packageCache
          ? cacheEcosystemsFor((p) => existsSync(join(workspaceDir, p))).map((ecosystem) => ({ type: 'package-cache' as const, ecosystem, readOnly: req.packageCache !== 'read-write' }))
          : []),
      ],
    };
    const container = await this.o.runtime.prepare(spec, {
      runId: runKey,
      sessionId: this.o.sessionId,
      workspaceDir,
      onBuildOutput: (l) => this.o.logger?.info(`[image] ${l.text.trimEnd()}`),
      onLog: (l) => this.o.logger?.info(l),
    });
    this.o.logger?.info(`station ${req.stationId}: container ${container.id.slice(0, 12)} (${container.reused ? 'reattached' : 'created'}) image ${container.imageDigest}`);
    return new ContainerStationEnvironment(container, spec);
  }
}

/** One station's view of a prepared container. */
class ContainerStationEnvironment implements StationEnvironment {
  constructor(
    private readonly c: StationContainer,
    private readonly spec: EnvironmentSpec,
  ) {}

  get imageDigest(): string {
    return this.c.imageDigest;
  }

  /**
   * Runs the argv in the container. Output reaches `onOutput` as it arrives (each stream
   * decoded on its own, so a multi-byte character split across chunks stays whole); the
   * result keeps the last OUTPUT_TAIL_CHARS characters. The end reason and its detail are
   * the container's, unchanged; the exit code is null only when Shopfloor killed the process.
   * In a set-up station with a read-write package cache, a command that failed because the
   * package manager refused a corrupt cache entry runs once more after the cache is repaired
   * (repairOnCorruption); the output shows both attempts and the repair.
   */
  async exec(argv: readonly string[], o: ExecOptions = {}): Promise<ExecResult> {
    const first = await this.execOnce(argv, o);
    if (first.exitCode === 0 || first.exitCode === null || !writableCaches(this.spec).length) return first;
    const log = (l: string) => o.onOutput?.(`${l}\n`);
    return (await repairOnCorruption(this.c, this.spec, first.output, log)) ? this.execOnce(argv, o) : first;
  }

  private async execOnce(argv: readonly string[], o: ExecOptions): Promise<ExecResult> {
    const tail = new TextTail(OUTPUT_TAIL_CHARS);
    const sink = (decoder: StringDecoder) => (chunk: Buffer) => {
      const text = decoder.write(chunk);
      if (!text) return;
      o.onOutput?.(text);
      tail.push(text);
    };
    const out = new StringDecoder('utf8');
    const err = new StringDecoder('utf8');
    const r = await this.c.exec([...argv], { env: o.env, cwd: o.cwd, timeoutMs: o.timeoutMs, signal: o.signal, onStdout: sink(out), onStderr: sink(err) });
    for (const rest of [out.end(), err.end()])
      if (rest) {
        o.onOutput?.(rest);
        tail.push(rest);
      }
    await this.c.syncOut();
    return {
      exitCode: r.endReason === 'timeout' || r.endReason === 'cancelled' ? null : r.exitCode,
      endReason: r.endReason,
      endDetail: r.endDetail,
      durationMs: r.durationMs,
      output: tail.text(),
      truncated: r.truncated,
    };
  }

  async dispose(): Promise<void> {
    // Kept running: the run's next station reattaches to it in milliseconds (warm attach);
    // the composition root removes the run's containers when the run ends.
  }
}
