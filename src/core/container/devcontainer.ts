import { posix } from 'node:path';
import { SAFE_CAPABILITIES, defaultWorkspaceFolder, workspacePathProblem } from './defaults';
import { resolveCompose } from './compose';
import { ConfigRefusedError } from './errors';
import { parseFeatures } from './features';
import { LIFECYCLE_PROPERTIES, parseLifecycleCommand } from './lifecycle';
import { parseMount, validateMount, workspaceRelativeSource } from './mounts';
import { applyRunArgs } from './run-args';
import type { EnvironmentSpec, LifecycleCommands, MountSpec, NetworkPolicy, ResourceLimits } from './types';
import { substitute, type VariableContext } from './variables';

/** Inputs of `resolveDevcontainer`. */
export interface ResolveDevcontainerInput {
  /** The parsed devcontainer.json (see `parseDevcontainerJson`). */
  config: Record<string, unknown>;
  /** Repository-relative path of the file, POSIX separators, e.g. `.devcontainer/devcontainer.json`. */
  configPath: string;
  /** Absolute host path of the run's workspace (the repository root of the run's worktree). */
  workspaceDir: string;
  /** Name used for the default workspace folder (`/workspaces/<name>`); default: the workspace directory's name. */
  workspaceBasename?: string;
  /** The blueprint's walls; a configuration may lower them, never raise them. */
  limits: ResourceLimits;
  network: NetworkPolicy;
  /**
   * Texts of the Compose files the configuration names (`composeFilePaths`), by
   * repository-relative path; undefined for a file that does not exist. Only read when the
   * configuration has `dockerComposeFile`.
   */
  composeTexts?: Record<string, string | undefined>;
}

/** Properties that only matter to an editor or a port forwarder; stations ignore them. */
const IGNORED = ['forwardPorts', 'appPort', 'portsAttributes', 'otherPortsAttributes', 'hostRequirements', 'shutdownAction', 'userEnvProbe', 'updateRemoteUserUID', 'waitFor', 'secrets'];

/**
 * Resolves a devcontainer.json (containers.dev JSON reference) into an EnvironmentSpec.
 * Supports image; build.dockerfile/context/args/target (and legacy top-level
 * dockerFile/context); containerEnv, remoteEnv; containerUser, remoteUser (root is never
 * honoured: the Docker runtime maps it to the image's non-root user or refuses, see
 * resolveStationUsers in src/adapters/docker/users.ts);
 * workspaceFolder and the workspaceMount target (only under WORKSPACE_ROOTS); mounts;
 * runArgs (reviewed subset; `--shm-size` clamped to MAX_SHM_BYTES); capAdd, init,
 * securityOpt (no-new-privileges only); the four lifecycle commands.
 * `features` (parseFeatures: local, OCI and tarball references; built by the adapter
 * with the Dev Containers CLI); `dockerComposeFile`, `service`, `runServices`
 * (resolveCompose: the station's service gives its image or build).
 * `initializeCommand` is never run (it would run on the host): a note says so.
 * A mount whose source comes from `${localEnv:...}` (never read from the host, so it
 * names nothing) is left out with a note instead of refused.
 * Throws ConfigRefusedError listing every refused property at once: privileged,
 * escaping mounts, unsafe runArgs, a workspaceFolder or workspaceMount target outside
 * WORKSPACE_ROOTS, a bad feature reference, a Compose file or service that cannot be used.
 */
export function resolveDevcontainer(input: ResolveDevcontainerInput): EnvironmentSpec {
  const { config: c, configPath, workspaceDir } = input;
  const problems: { property: string; message: string }[] = [];
  const notes: string[] = [];
  const refuse = (property: string, message: string) => problems.push({ property, message });
  const configDir = posix.dirname(configPath);

  const mountTarget0 = typeof c.workspaceFolder === 'string' ? c.workspaceFolder : undefined;
  const basename = input.workspaceBasename ?? workspaceDir.split(/[\\/]/).filter(Boolean).pop() ?? 'workspace';
  const workspaceFolderRaw = mountTarget0 ?? defaultWorkspaceFolder(basename);
  const ctx: VariableContext = { localWorkspaceFolder: workspaceDir, containerWorkspaceFolder: workspaceFolderRaw, devcontainerId: basename };
  const sub = (v: string, where: string) => substitute(v, ctx, notes, where);
  const workspaceFolder = posix.normalize(sub(workspaceFolderRaw, 'workspaceFolder'));
  if (!workspaceFolder.startsWith('/')) refuse('workspaceFolder', 'must be an absolute container path');
  else {
    const problem = workspacePathProblem(workspaceFolder);
    if (problem) refuse('workspaceFolder', problem);
  }

  const feats = parseFeatures(c.features, configDir, sub);
  feats.problems.forEach((p) => refuse(p.property, p.message));
  let featureInstallOrder: string[] | undefined;
  if (c.overrideFeatureInstallOrder !== undefined) {
    if (Array.isArray(c.overrideFeatureInstallOrder) && c.overrideFeatureInstallOrder.every((x) => typeof x === 'string')) featureInstallOrder = c.overrideFeatureInstallOrder as string[];
    else refuse('overrideFeatureInstallOrder', 'must be an array of feature ids');
  }
  let composed: ReturnType<typeof resolveCompose>['resolution'];
  if (c.dockerComposeFile !== undefined) {
    const r = resolveCompose({ config: c, configPath, texts: input.composeTexts ?? {}, workspaceDir, notes });
    r.problems.forEach((p) => refuse(p.property, p.message));
    composed = r.resolution;
  } else for (const p of ['service', 'runServices']) if (c[p] !== undefined) refuse(p, 'only means something with "dockerComposeFile"');
  if (c.privileged === true) refuse('privileged', 'privileged containers are never run');
  if (c.initializeCommand !== undefined) notes.push('initializeCommand is never run: it would run on the host, outside the station');
  if (c.postAttachCommand !== undefined) notes.push('postAttachCommand is not run: stations do not attach an editor');
  if (c.overrideCommand === false) notes.push("overrideCommand false is ignored: stations keep the container alive with their own command");
  for (const p of IGNORED) if (c[p] !== undefined) notes.push(`${p} is ignored by stations`);

  // Image or build.
  let image: string | undefined;
  let build: EnvironmentSpec['build'];
  const b = (c.build && typeof c.build === 'object' ? c.build : {}) as Record<string, unknown>;
  const dockerfile = typeof b.dockerfile === 'string' ? b.dockerfile : typeof c.dockerFile === 'string' ? c.dockerFile : undefined;
  if (composed) {
    if (typeof c.image === 'string' || dockerfile) notes.push(`image and build are ignored: the station's image is that of Compose service "${composed.compose.service}"`);
    image = composed.image;
    build = composed.build;
  } else if (typeof c.image === 'string' && dockerfile) refuse('image', 'give either "image" or "build.dockerfile", not both');
  else if (typeof c.image === 'string') image = sub(c.image, 'image');
  else if (dockerfile) {
    const context = typeof b.context === 'string' ? b.context : typeof c.context === 'string' ? c.context : '.';
    const df = inRepo(posix.join(configDir, dockerfile));
    const cx = inRepo(posix.join(configDir, context));
    if (df === undefined) refuse('build.dockerfile', 'must stay inside the repository');
    if (cx === undefined) refuse('build.context', 'must stay inside the repository (a context outside it would send host files to the engine)');
    const args: Record<string, string> = {};
    if (b.args && typeof b.args === 'object') for (const [k, v] of Object.entries(b.args)) if (typeof v === 'string') args[k] = sub(v, `build.args.${k}`);
    if (b.cacheFrom !== undefined) notes.push('build.cacheFrom is ignored');
    build = { dockerfile: df ?? '', context: cx ?? '', args, target: typeof b.target === 'string' ? b.target : undefined };
  } else refuse('image', 'needs "image" or "build.dockerfile"');

  const containerEnv = { ...(composed?.environment ?? {}), ...stringRecord(c.containerEnv, 'containerEnv', refuse, sub) };
  const remoteEnv = stringRecord(c.remoteEnv, 'remoteEnv', refuse, sub);

  // Workspace mount: the run's workspace root, at a target of the configuration's choosing.
  let workspaceMountTarget = workspaceFolder;
  if (typeof c.workspaceMount === 'string' && c.workspaceMount.trim()) {
    const raw = parseMount(sub(c.workspaceMount, 'workspaceMount'));
    if ('problem' in raw) refuse('workspaceMount', raw.problem);
    else if (!raw.source || !raw.target) refuse('workspaceMount', 'needs source and target');
    else {
      const rel = workspaceRelativeSource(raw.source, workspaceDir);
      if ('refused' in rel) refuse('workspaceMount', `${raw.source}: ${rel.refused}`);
      else if (rel.path !== '') refuse('workspaceMount', 'must mount the workspace root (${localWorkspaceFolder})');
      else {
        workspaceMountTarget = posix.normalize(raw.target);
        const problem = workspacePathProblem(workspaceMountTarget);
        if (problem) refuse('workspaceMount', `target ${problem}`);
      }
    }
  }

  const mounts: MountSpec[] = [...(composed?.mounts ?? [])];
  if (c.mounts !== undefined) {
    if (!Array.isArray(c.mounts)) refuse('mounts', 'must be an array');
    else
      c.mounts.forEach((m, i) => {
        const raw = parseMount(typeof m === 'string' ? sub(m, `mounts[${i}]`) : substituteObject(m, sub, `mounts[${i}]`));
        if ('problem' in raw) return refuse(`mounts[${i}]`, raw.problem);
        const v = validateMount(raw, workspaceDir);
        // The host's environment is never read, so a source built from it names no real path: the mount is left out (kubeconfig-style mounts of ${localEnv:HOME}/.kube).
        const fromHostEnv = /\$\{(localEnv|env):/.test(typeof m === 'string' ? m : JSON.stringify((m as { source?: unknown })?.source ?? ''));
        if ('refused' in v && fromHostEnv && raw.type === 'bind') notes.push(`mounts[${i}]: ${raw.source ?? ''} -> ${raw.target ?? ''} is not mounted: its source comes from the host's environment, which never enters a station`);
        else if ('refused' in v) refuse(`mounts[${i}]`, `${raw.source ?? raw.target ?? ''}: ${v.refused}`);
        else mounts.push(v);
      });
  }

  let limits = { ...input.limits };
  let capAdd: string[] = [...(composed?.capAdd ?? [])];
  const init = true;
  let shmSizeBytes: number | undefined;
  let containerUser = typeof c.containerUser === 'string' ? c.containerUser : composed?.user;
  if (c.runArgs !== undefined) {
    if (!Array.isArray(c.runArgs) || !c.runArgs.every((a) => typeof a === 'string')) refuse('runArgs', 'must be an array of strings');
    else {
      const eff = applyRunArgs(c.runArgs.map((a, i) => sub(a, `runArgs[${i}]`)), input.limits);
      eff.refused.forEach((r) => refuse('runArgs', r));
      notes.push(...eff.notes);
      capAdd.push(...eff.capAdd);
      Object.assign(containerEnv, eff.env);
      mounts.push(...eff.tmpfs);
      limits = { ...limits, ...eff.limits };
      shmSizeBytes = eff.shmSizeBytes;
      containerUser ??= eff.user;
    }
  }
  if (c.capAdd !== undefined) {
    for (const cap of Array.isArray(c.capAdd) ? c.capAdd : [c.capAdd]) {
      const name = String(cap).toUpperCase().replace(/^CAP_/, '');
      if ((SAFE_CAPABILITIES as readonly string[]).includes(name)) capAdd.push(name);
      else refuse('capAdd', `${String(cap)}: only ${SAFE_CAPABILITIES.join(', ')} may be added`);
    }
  }
  if (c.securityOpt !== undefined) {
    for (const o of Array.isArray(c.securityOpt) ? c.securityOpt : [c.securityOpt]) {
      if (!/^no-new-privileges(?::true)?$/.test(String(o))) refuse('securityOpt', `${String(o)}: only no-new-privileges is accepted`);
    }
  }
  if (c.init === false) notes.push('init false is ignored: stations run an init process to reap zombies');
  capAdd = [...new Set(capAdd)].sort();

  const lifecycle: LifecycleCommands = {};
  for (const [prop, hook] of LIFECYCLE_PROPERTIES) {
    const parsed = parseLifecycleCommand(c[prop]);
    if (parsed && 'problem' in parsed) refuse(prop, parsed.problem);
    else if (parsed) lifecycle[hook] = parsed;
  }

  if (problems.length > 0) throw new ConfigRefusedError(configPath, problems);
  return {
    origin: { kind: 'devcontainer', configPath },
    image,
    build,
    ...(feats.features.length ? { features: feats.features } : {}),
    ...(featureInstallOrder ? { featureInstallOrder } : {}),
    ...(composed ? { compose: composed.compose } : {}),
    containerEnv,
    remoteEnv,
    containerUser,
    remoteUser: typeof c.remoteUser === 'string' ? c.remoteUser : undefined,
    workspaceFolder,
    workspaceMountTarget,
    mounts,
    lifecycle,
    limits,
    capAdd,
    network: input.network,
    init,
    shmSizeBytes,
    notes,
  };
}

/** A repository-relative path that does not climb out of the repository, or undefined. */
function inRepo(p: string): string | undefined {
  const n = posix.normalize(p);
  if (n === '..' || n.startsWith('../') || n.startsWith('/')) return undefined;
  return n === '.' ? '' : n.replace(/\/$/, '');
}

function stringRecord(
  v: unknown,
  property: string,
  refuse: (p: string, m: string) => void,
  sub: (v: string, where: string) => string,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === undefined) return out;
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    refuse(property, 'must be an object of strings');
    return out;
  }
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') refuse(`${property}.${k}`, 'must be a string');
    else out[k] = sub(val, `${property}.${k}`);
  }
  return out;
}

function substituteObject(m: unknown, sub: (v: string, where: string) => string, where: string): unknown {
  if (!m || typeof m !== 'object') return m;
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v === 'string' ? sub(v, `${where}.${k}`) : v]));
}
