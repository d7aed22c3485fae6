import { execFile } from 'node:child_process';
import type Docker from 'dockerode';
import {
  ConfigRefusedError,
  DEFAULT_LIMITS,
  DEVCONTAINER_LOCATIONS,
  buildProblems,
  composeFilePaths,
  dockerfileBaseImages,
  featureHost,
  featureMetadataEffect,
  imageRegistry,
  parseDevcontainerJson,
  resolveDevcontainer,
  type BuildSpec,
  type EnvironmentSpec,
} from '../../core/container';
import { userRepoGitConfigArgs } from '../git/user-repo';
import { connectToEngine } from './connect';

/** Options of `environmentProblems`. */
export interface EnvironmentCheckOptions {
  /** The user's repository (read through git only, never its working tree). */
  repo: string;
  /** The commit the run starts from (`packet.baseCommit`, else `HEAD`). */
  ref: string;
  /** Station image when the repository has no devcontainer.json. */
  defaultImage: string;
  /** Name of the repository folder: the default workspace folder `/workspaces/<name>`. */
  workspaceBasename: string;
  /** The `shopfloor.docker.host` setting; empty: DOCKER_HOST, context, default sockets. */
  dockerHost?: string;
  /** Whether a registry host answers; default: an HTTPS request to `https://HOST/v2/` with a 3 s limit (any HTTP answer counts). */
  reachable?: (host: string) => Promise<boolean>;
}

/** What the check found: the configuration's problems by property (empty: it can be built here) and notes for the approval. */
export interface EnvironmentCheck {
  /** The devcontainer.json used, repository-relative; undefined: the default image. */
  configPath?: string;
  problems: { property: string; message: string }[];
  notes: string[];
}

/**
 * Whether the run's station environment can be built and started here, decided before
 * the run starts (at the approved packet's start), so a configuration that cannot be used
 * is refused with its reasons instead of ending a run mid-way. Reads the devcontainer.json
 * and the files it names at `ref` through git (`git show`, the user repository's safe
 * configuration), resolves it (resolveDevcontainer: refusals by property), then checks
 * what the Docker runtime would need: Compose services and registry features against
 * buildProblems (the runtime's own rule), each local feature's devcontainer-feature.json
 * (present; no privileged or unsafe capability, featureMetadataEffect), and each image
 * (the `image`, every Dockerfile `FROM`, the Compose services' images) on the engine or
 * from a registry that answers. When no engine answers, images are not checked (the run
 * then ends RETRYABLE_FAILURE engine-unavailable, a condition that passes). I/O: git,
 * the engine, HTTPS to registry hosts.
 */
export async function environmentProblems(o: EnvironmentCheckOptions): Promise<EnvironmentCheck> {
  const show = (path: string) => gitShow(o.repo, o.ref, path);
  const reachable = memo(o.reachable ?? probeRegistry);
  const notes: string[] = [];
  let configPath: string | undefined;
  let text: string | undefined;
  for (const rel of DEVCONTAINER_LOCATIONS) {
    text = await show(rel);
    if (text !== undefined) {
      configPath = rel;
      break;
    }
  }
  let spec: EnvironmentSpec;
  if (!configPath || text === undefined) return { problems: await imageProblems([o.defaultImage], 'image', o, reachable, notes), notes };
  try {
    const config = parseDevcontainerJson(text, configPath);
    const composeTexts: Record<string, string | undefined> = {};
    for (const f of composeFilePaths(config, configPath)) composeTexts[f] = f.startsWith('../') || f === '..' ? undefined : await show(f);
    spec = resolveDevcontainer({ config, configPath, workspaceDir: o.repo, workspaceBasename: o.workspaceBasename, limits: DEFAULT_LIMITS, network: 'none', composeTexts });
  } catch (e) {
    if (e instanceof ConfigRefusedError) return { configPath, problems: e.problems, notes };
    throw e;
  }
  notes.push(...spec.notes);
  const hosts: string[] = [];
  for (const f of spec.features ?? []) if (f.kind !== 'local' && (await reachable(featureHost(f.id)))) hosts.push(featureHost(f.id));
  const problems = buildProblems(spec, { localFeatures: true, reachableFeatureHosts: hosts, composeServices: true });
  for (const f of (spec.features ?? []).filter((x) => x.kind === 'local')) {
    const meta = await show(`${f.path}/devcontainer-feature.json`);
    if (meta === undefined) {
      problems.push({ property: `features.${f.id}`, message: `${f.path}/devcontainer-feature.json does not exist at ${o.ref}` });
      continue;
    }
    let parsed: Record<string, unknown>;
    try {
      parsed = parseDevcontainerJson(meta, `${f.path}/devcontainer-feature.json`);
    } catch (e) {
      problems.push(...(e as ConfigRefusedError).problems.map((p) => ({ property: `features.${f.id}`, message: `devcontainer-feature.json ${p.property}: ${p.message}` })));
      continue;
    }
    const effect = featureMetadataEffect([{ ...parsed, id: f.id }]);
    problems.push(...effect.problems);
    notes.push(...effect.notes);
  }
  // The images the station and its services are built from.
  const images: Array<{ ref: string; property: string }> = [];
  const fromBuild = async (b: BuildSpec, property: string) => {
    const df = await show(b.dockerfile);
    if (df === undefined) problems.push({ property, message: `${b.dockerfile} does not exist at ${o.ref}` });
    else for (const ref of dockerfileBaseImages(df, b.args)) images.push({ ref, property });
  };
  if (spec.image) images.push({ ref: spec.image, property: 'image' });
  if (spec.build) await fromBuild(spec.build, 'build.dockerfile');
  for (const s of spec.compose?.services ?? []) {
    if (s.image) images.push({ ref: s.image, property: `services.${s.name}.image` });
    if (s.build) await fromBuild(s.build, `services.${s.name}.build`);
  }
  for (const img of images) problems.push(...(await imageProblems([img.ref], img.property, o, reachable, notes)));
  return { configPath, problems, notes };
}

/** Problems of images that are neither on the engine nor pullable from a registry that answers. */
async function imageProblems(refs: string[], property: string, o: EnvironmentCheckOptions, reachable: (h: string) => Promise<boolean>, notes: string[]): Promise<{ property: string; message: string }[]> {
  let docker: Docker;
  try {
    docker = (await connectToEngine({ setting: o.dockerHost || undefined, timeoutMs: 2000 })).docker;
  } catch {
    notes.push('no Docker engine answered: the station images were not checked');
    return [];
  }
  const out: { property: string; message: string }[] = [];
  for (const ref of refs) {
    const present = await docker
      .getImage(ref)
      .inspect()
      .then(() => true)
      .catch(() => false);
    if (present) continue;
    const host = imageRegistry(ref);
    if (!(await reachable(host))) out.push({ property, message: `image ${ref} is not on this Docker engine and its registry ${host} cannot be reached from this machine; build it locally or use a local image` });
  }
  return out;
}

/** `git show REF:PATH` in the user's repository with its safe configuration; undefined when the path does not exist there. */
function gitShow(repo: string, ref: string, path: string): Promise<string | undefined> {
  return new Promise((resolve) =>
    execFile('git', ['--no-optional-locks', ...userRepoGitConfigArgs(), '-C', repo, 'show', `${ref}:${path}`], { maxBuffer: 4 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }, (err, stdout) =>
      resolve(err ? undefined : stdout),
    ),
  );
}

/** Any HTTP answer from `https://HOST/v2/` (the registry API root, 401 when it wants a token) within 3 s. */
async function probeRegistry(host: string): Promise<boolean> {
  try {
    await fetch(`https://${host}/v2/`, { method: 'GET', signal: AbortSignal.timeout(3000), redirect: 'manual' });
    return true;
  } catch {
    return false;
  }
}

function memo(f: (h: string) => Promise<boolean>): (h: string) => Promise<boolean> {
  const m = new Map<string, Promise<boolean>>();
  return (h) => {
    let p = m.get(h);
    if (!p) m.set(h, (p = f(h)));
    return p;
  };
}
