import { readFile, realpath } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type Docker from 'dockerode';
import { ImageBuildError, imageHash, imageTagFor, isInsideRoot, type BuildOutput, type EnvironmentSpec } from '../../core/container';
import { contextDigest, listContext, packContext } from './build-context';
import { LABEL_IMAGE_HASH } from './labels';

/** The image a station runs, as inspected. */
export interface ResolvedImage {
  /** Image id (`sha256:...`), content-addressed: the digest recorded in evidence. */
  id: string;
  /** The image's `Config.User` ('' when unset). */
  user: string;
  /** The image's `Config.Env`, `NAME=value` strings. */
  env: string[];
  /** True when this call built it. */
  built: boolean;
}

/** Name under which a Dockerfile kept outside the build context travels inside the tar. */
const OUTSIDE_DOCKERFILE = '.shopfloor.Dockerfile';

/**
 * Finds the environment's image, building it when the spec has `build`: the context is
 * packed to a tar and sent to the Engine API, tagged by a hash of the build definition
 * and the context's contents, and reused while that hash is unchanged. Build output is
 * streamed to `onOutput` line by line. Throws ImageBuildError with the log tail.
 */
export async function ensureImage(docker: Docker, spec: EnvironmentSpec, workspaceDir: string, onOutput?: (l: BuildOutput) => void): Promise<ResolvedImage> {
  if (spec.image) {
    const found = await inspectImage(docker, spec.image);
    if (found) return { ...found, built: false };
    await pull(docker, spec.image, onOutput);
    const pulled = await inspectImage(docker, spec.image);
    if (!pulled) throw new ImageBuildError(`image ${spec.image} is not available after pulling`, '');
    return { ...pulled, built: false };
  }
  const build = spec.build!;
  const root = await realpath(workspaceDir);
  const contextDir = await realpath(join(root, build.context)).catch(() => undefined);
  if (!contextDir || !isInsideRoot(root, contextDir)) throw new ImageBuildError(`build context ${build.context || '.'} is missing or leaves the workspace`, '');
  const dockerfilePath = await realpath(join(root, build.dockerfile)).catch(() => undefined);
  if (!dockerfilePath || !isInsideRoot(root, dockerfilePath)) throw new ImageBuildError(`Dockerfile ${build.dockerfile} is missing or leaves the workspace`, '');
  const entries = await listContext(contextDir);
  const inContext = isInsideRoot(contextDir, dockerfilePath) ? relative(contextDir, dockerfilePath).split('\\').join('/') : undefined;
  const extra: Record<string, string> = {};
  if (!inContext || !entries.some((e) => e.path === inContext)) {
    extra[OUTSIDE_DOCKERFILE] = await readFile(dockerfilePath, 'utf8');
  }
  const hash = imageHash(spec, await contextDigest(contextDir, entries, extra));
  const tag = imageTagFor(hash);
  const existing = await inspectImage(docker, tag);
  if (existing) return { ...existing, built: false };

  const log: string[] = [];
  const emit = (l: BuildOutput) => {
    log.push(l.text);
    if (log.length > 200) log.shift();
    onOutput?.(l);
  };
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(packContext(contextDir, entries, extra) as unknown as NodeJS.ReadableStream, {
      t: tag,
      dockerfile: extra[OUTSIDE_DOCKERFILE] !== undefined ? OUTSIDE_DOCKERFILE : inContext,
      buildargs: build.args,
      target: build.target,
      labels: { [LABEL_IMAGE_HASH]: hash },
      rm: true,
      forcerm: true,
    });
  } catch (e) {
    throw new ImageBuildError(`image build could not start: ${(e as Error).message}`, '');
  }
  let failure: string | undefined;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err) => (err ? reject(err) : resolve()),
      (ev: { stream?: string; error?: string; status?: string }) => {
        if (ev.error) {
          failure = ev.error;
          emit({ stream: 'error', text: ev.error });
        } else if (ev.stream) for (const line of ev.stream.split('\n')) if (line.trim()) emit({ stream: 'build', text: line });
      },
    );
  }).catch((e: Error) => {
    failure ??= e.message;
  });
  if (failure) throw new ImageBuildError(`image build failed: ${failure.trim()}`, log.join('\n'));
  const built = await inspectImage(docker, tag);
  if (!built) throw new ImageBuildError(`image build produced no image ${tag}`, log.join('\n'));
  return { ...built, built: true };
}

/** An image's id, user and env on the engine, or undefined when it is not there (404); other engine errors are thrown. */
export async function inspectImage(docker: Docker, name: string): Promise<Omit<ResolvedImage, 'built'> | undefined> {
  try {
    const i = await docker.getImage(name).inspect();
    return { id: i.Id, user: i.Config?.User ?? '', env: i.Config?.Env ?? [] };
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    throw e;
  }
}

async function pull(docker: Docker, image: string, onOutput?: (l: BuildOutput) => void): Promise<void> {
  try {
    const stream = await docker.pull(image);
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(
        stream,
        (err) => (err ? reject(err) : resolve()),
        (ev: { status?: string; progress?: string }) => ev.status && onOutput?.({ stream: 'build', text: `${ev.status}${ev.progress ? ` ${ev.progress}` : ''}` }),
      ),
    );
  } catch (e) {
    throw new ImageBuildError(`image ${image} is not on this engine and could not be pulled: ${(e as Error).message.trim()}`, '');
  }
}
