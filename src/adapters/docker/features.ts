import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import type Docker from 'dockerode';
import { ImageBuildError, imageTagFor, isInsideRoot, type BuildOutput, type EnvironmentSpec, type FeatureRef } from '../../core/container';
import { contentHash } from '../../core/hash';
import { contextDigest, listContext } from './build-context';
import type { ResolvedImage } from './images';
import { LABEL_IMAGE_HASH } from './labels';

/**
 * Path of the Dev Containers CLI's entry script (`@devcontainers/cli`, MIT, ~2 MB, no
 * dependencies of its own), run with this process's Node. Throws when it is not installed.
 */
export function devcontainerCliPath(): string {
  return join(dirname(require.resolve('@devcontainers/cli/package.json')), 'devcontainer.js');
}

/** Options of `buildFeatures`. */
export interface FeatureBuildOptions {
  /** The engine the CLI's `docker build` talks to, as DOCKER_HOST (`unix:///...`, `tcp://...`); undefined: the CLI's default. */
  dockerHost?: string;
  onOutput?: (l: BuildOutput) => void;
  /** Entry script of the Dev Containers CLI; default devcontainerCliPath(). */
  cliPath?: string;
}

/**
 * Builds the spec's Dev Container Features on top of `base` (an image already on the
 * engine, by a name the engine knows) with the Dev Containers CLI's own build
 * (`devcontainer build`: the spec's reference implementation of feature ordering,
 * options as environment variables, `containerEnv` as ENV, the `devcontainer.metadata`
 * label), never a home-made one. The CLI sees only a generated configuration in a
 * temporary folder, `{ image: base, features }`, with the repository's local features
 * copied next to it (regular files and folders only: a symlink could pull host files into
 * the build), so it reads nothing else of the repository and runs no lifecycle command
 * (`devcontainer build` never runs `initializeCommand`).
 *
 * The result is tagged `imageTagFor(hash)`, the hash over the base image id, the features
 * with their options and order, and each local feature's content digest; an existing tag
 * is reused. Registry features are fetched by the CLI on this machine (credentials stay
 * on the host). I/O: reads the local feature folders under `workspaceDir`, writes and
 * removes a temporary folder, spawns the CLI, talks to the engine.
 * Throws ImageBuildError with the log tail when the CLI fails.
 */
export async function buildFeatures(
  docker: Docker,
  base: { name: string; id: string },
  spec: EnvironmentSpec,
  workspaceDir: string,
  o: FeatureBuildOptions = {},
): Promise<ResolvedImage & { metadata: Record<string, unknown>[] }> {
  const features = spec.features ?? [];
  const root = await realpath(workspaceDir);
  const configDir = spec.origin.kind === 'devcontainer' ? posix.dirname(spec.origin.configPath) : '.devcontainer';
  const locals: Array<{ f: FeatureRef; dir: string; entries: Awaited<ReturnType<typeof listContext>> }> = [];
  for (const f of features.filter((x) => x.kind === 'local')) {
    const dir = await realpath(join(root, f.path!)).catch(() => undefined);
    if (!dir || !isInsideRoot(root, dir)) throw new ImageBuildError(`feature ${f.id}: folder ${f.path} is missing or leaves the workspace`, '');
    const entries = await listContext(dir, { dockerignore: false });
    if (!entries.some((e) => e.path === 'devcontainer-feature.json' && e.kind === 'file')) throw new ImageBuildError(`feature ${f.id}: ${f.path}/devcontainer-feature.json is missing`, '');
    locals.push({ f, dir, entries });
  }
  const digests: Record<string, string> = {};
  for (const l of locals) digests[l.f.id] = await contextDigest(l.dir, l.entries.filter((e) => e.kind !== 'symlink'));
  const hash = contentHash({ v: 1, kind: 'features', base: base.id, features, order: spec.featureInstallOrder, digests });
  const tag = imageTagFor(hash);
  const existing = await inspect(docker, tag);
  if (existing) return { ...existing, built: false };

  const tmp = await mkdtemp(join(tmpdir(), 'shopfloor-features-'));
  const log: string[] = [];
  const emit = (l: BuildOutput) => {
    log.push(l.text);
    if (log.length > 200) log.shift();
    o.onOutput?.(l);
  };
  try {
    const dc = join(tmp, '.devcontainer');
    await mkdir(dc, { recursive: true });
    for (const l of locals) {
      // Same place relative to the configuration's folder, so the id as written (`./x`) still names it.
      const rel = posix.relative(configDir === '.' ? '' : configDir, l.f.path!);
      const dest = join(dc, rel);
      for (const e of l.entries) {
        if (e.kind === 'dir') await mkdir(join(dest, e.path), { recursive: true });
        else if (e.kind === 'file') {
          await mkdir(dirname(join(dest, e.path)), { recursive: true });
          await copyFile(join(l.dir, e.path), join(dest, e.path));
          await chmod(join(dest, e.path), e.mode);
        } else emit({ stream: 'build', text: `feature ${l.f.id}: symlink ${e.path} is not copied into the build` });
      }
    }
    const config = {
      image: base.name,
      features: Object.fromEntries(features.map((f) => [f.id, f.options])),
      ...(spec.featureInstallOrder ? { overrideFeatureInstallOrder: spec.featureInstallOrder } : {}),
    };
    await writeFile(join(dc, 'devcontainer.json'), JSON.stringify(config, null, 2));
    const result = await runCli(o.cliPath ?? devcontainerCliPath(), ['build', '--workspace-folder', tmp, '--image-name', tag, '--log-format', 'json', '--label', `${LABEL_IMAGE_HASH}=${hash}`], o.dockerHost, emit);
    if (result.outcome !== 'success') throw new ImageBuildError(`feature build failed: ${result.message ?? result.description ?? 'the Dev Containers CLI gave no reason'}`, log.join('\n'));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const built = await inspect(docker, tag);
  if (!built) throw new ImageBuildError(`feature build produced no image ${tag}`, log.join('\n'));
  return { ...built, built: true };
}

/**
 * The `devcontainer.metadata` label of a built image (containers.dev "image metadata"):
 * one entry per feature and configuration, in order; [] when absent or unreadable.
 */
export function imageMetadata(labels: Record<string, string> | undefined): Record<string, unknown>[] {
  const text = labels?.['devcontainer.metadata'];
  if (!text) return [];
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object') : [v as Record<string, unknown>];
  } catch {
    return [];
  }
}

async function inspect(docker: Docker, name: string): Promise<(Omit<ResolvedImage, 'built'> & { metadata: Record<string, unknown>[] }) | undefined> {
  try {
    const i = await docker.getImage(name).inspect();
    return { id: i.Id, user: i.Config?.User ?? '', env: i.Config?.Env ?? [], metadata: imageMetadata(i.Config?.Labels ?? undefined) };
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    throw e;
  }
}

interface CliResult {
  outcome?: string;
  message?: string;
  description?: string;
}

/** Runs the CLI with this Node, streams its JSON log lines' text, and returns the final JSON result line. */
function runCli(cli: string, args: string[], dockerHost: string | undefined, emit: (l: BuildOutput) => void): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...(dockerHost ? { DOCKER_HOST: dockerHost } : {}) };
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errBuf = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => {
      errBuf += c.toString('utf8');
      let nl: number;
      while ((nl = errBuf.indexOf('\n')) >= 0) {
        const line = errBuf.slice(0, nl);
        errBuf = errBuf.slice(nl + 1);
        try {
          const ev = JSON.parse(line) as { text?: string; level?: number };
          for (const t of (ev.text ?? '').split('\n')) if (t.trim()) emit({ stream: 'build', text: t });
        } catch {
          if (line.trim()) emit({ stream: 'build', text: line });
        }
      }
    });
    child.on('error', (e) => reject(new ImageBuildError(`the Dev Containers CLI could not start: ${e.message}`, '')));
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as CliResult);
      } catch {
        resolve({ outcome: 'error', message: `the Dev Containers CLI exited with code ${code} and no result` });
      }
    });
  });
}
