import { posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SAFE_CAPABILITIES } from './defaults';
import { checkTarget, workspaceRelativeSource } from './mounts';
import type { BuildSpec, ComposeServiceSpec, ComposeSpec, ComposeVolume, MountSpec } from './types';

type Problem = { property: string; message: string };

/**
 * The Compose files a devcontainer.json names (`dockerComposeFile`, a string or an array),
 * repository-relative with POSIX separators, in order; a path that climbs out of the
 * repository is kept as written so the caller can refuse it by name. Pure.
 */
export function composeFilePaths(config: Record<string, unknown>, configPath: string): string[] {
  const v = config.dockerComposeFile;
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  return list.map((f) => posix.normalize(posix.join(posix.dirname(configPath), f)));
}

/** What the station's own service contributes to the EnvironmentSpec. */
export interface ComposeResolution {
  compose: ComposeSpec;
  image?: string;
  build?: BuildSpec;
  environment: Record<string, string>;
  /** Binds inside the workspace and tmpfs mounts of the station's service. */
  mounts: MountSpec[];
  user?: string;
  capAdd: string[];
}

/** Keys of a service that would break the station's walls: refused by name. */
const REFUSED_KEYS: Record<string, string> = {
  privileged: 'privileged containers are never run',
  pid: 'shares a host namespace',
  ipc: 'shares a host namespace',
  userns_mode: 'shares a host namespace',
  cgroup_parent: 'places the container outside the run',
  devices: 'exposes host devices',
  volumes_from: 'mounts are checked one by one; volumes_from shares another container\'s',
};

/** Keys that only matter to a developer's own `docker compose up`: ignored with a note. */
const IGNORED_KEYS = ['container_name', 'ports', 'expose', 'restart', 'networks', 'labels', 'logging', 'stdin_open', 'tty', 'hostname', 'extra_hosts', 'dns', 'platform', 'profiles', 'deploy', 'init', 'stop_signal', 'stop_grace_period', 'working_dir', 'links'];

/**
 * Resolves the Compose side of a devcontainer.json (containers.dev/implementors/json_reference,
 * "Docker Compose specific properties"; compose-spec.io for the files): the files are
 * merged in order (a later file's keys replace an earlier one's for each service;
 * `volumes`, `env_file` and `environment` are combined, as Compose does); relative paths
 * are taken from the first file's folder (Compose's project directory).
 *
 * The station's service (`service`) gives the station's image or build, environment,
 * user, capabilities and mounts; its `command`, `entrypoint` and ports are not used
 * (stations keep their container alive themselves). A bind that covers the repository
 * (the templates' `../..:/workspaces`) is the workspace mount: the station mounts the run
 * workspace instead. Host paths outside the repository (the Docker socket included) are
 * never mounted: each is left out with a note naming it. `network_mode: service:X` is kept
 * (the station shares X's network); `host` is refused.
 *
 * `runServices` (default: every service) are started beside the station on the run's
 * internal network, dependencies first; their named volumes are per run. Texts come from
 * `texts` (repository-relative path to file text): the caller reads the files, so this
 * stays pure. Problems name the file and the service key.
 */
export function resolveCompose(o: {
  config: Record<string, unknown>;
  configPath: string;
  texts: Record<string, string | undefined>;
  workspaceDir: string;
  notes: string[];
}): { resolution?: ComposeResolution; problems: Problem[] } {
  const problems: Problem[] = [];
  const refuse = (property: string, message: string) => problems.push({ property, message });
  const files = composeFilePaths(o.config, o.configPath);
  if (files.length === 0) return { problems: [{ property: 'dockerComposeFile', message: 'must be a path or an array of paths' }] };
  const services: Record<string, Record<string, unknown>> = {};
  const namedVolumes = new Set<string>();
  for (const f of files) {
    if (f === '..' || f.startsWith('../') || f.startsWith('/')) {
      refuse('dockerComposeFile', `${f} is outside the repository`);
      continue;
    }
    const text = o.texts[f];
    if (text === undefined) {
      refuse('dockerComposeFile', `${f} does not exist in the repository`);
      continue;
    }
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (e) {
      refuse('dockerComposeFile', `${f} is not YAML: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    if (!doc || typeof doc !== 'object') {
      refuse('dockerComposeFile', `${f} is not a Compose file (no top-level object)`);
      continue;
    }
    const d = doc as Record<string, unknown>;
    if (d.volumes && typeof d.volumes === 'object') Object.keys(d.volumes).forEach((v) => namedVolumes.add(v));
    if (d.include !== undefined || d.extends !== undefined) refuse(`${f}: include`, 'Compose include/extends is not supported; list the files in dockerComposeFile');
    for (const [name, svc] of Object.entries((d.services ?? {}) as Record<string, unknown>)) {
      if (!svc || typeof svc !== 'object') continue;
      services[name] = mergeService(services[name] ?? {}, svc as Record<string, unknown>);
    }
  }
  if (problems.length) return { problems };
  const projectDir = posix.dirname(files[0]!);
  const service = o.config.service;
  if (typeof service !== 'string' || !service) return { problems: [{ property: 'service', message: 'a Compose devcontainer names the service the station runs as' }] };
  if (!services[service]) return { problems: [{ property: 'service', message: `no service "${service}" in ${files.join(', ')}` }] };

  let run: string[];
  if (o.config.runServices === undefined) run = Object.keys(services);
  else if (!Array.isArray(o.config.runServices) || !o.config.runServices.every((s) => typeof s === 'string')) return { problems: [{ property: 'runServices', message: 'must be an array of service names' }] };
  else run = o.config.runServices as string[];
  for (const s of run) if (!services[s]) refuse('runServices', `no service "${s}" in ${files.join(', ')}`);
  if (problems.length) return { problems };

  // Start order: dependencies first, only the services asked for (and what they need).
  const order: string[] = [];
  const visit = (s: string, path: string[]) => {
    if (order.includes(s)) return;
    if (path.includes(s)) return refuse(`services.${s}.depends_on`, `a dependency cycle: ${[...path, s].join(' -> ')}`);
    if (!services[s]) return refuse(`services.${path[path.length - 1]}.depends_on`, `no service "${s}"`);
    for (const dep of dependsOn(services[s]!)) visit(dep, [...path, s]);
    order.push(s);
  };
  for (const s of [service, ...run]) visit(s, []);
  if (problems.length) return { problems };

  const where = (s: string, k: string) => `services.${s}.${k}`;
  const resolved: ComposeServiceSpec[] = [];
  let primary: ComposeResolution | undefined;
  for (const name of order) {
    const svc = services[name]!;
    for (const [k, why] of Object.entries(REFUSED_KEYS)) if (svc[k] !== undefined && svc[k] !== false) refuse(where(name, k), why);
    for (const k of IGNORED_KEYS) if (svc[k] !== undefined) o.notes.push(`${where(name, k)} is ignored: a run's services live as long as the run and reach each other by service name on its internal network`);
    const nm = svc.network_mode;
    let shareNetworkWith: string | undefined;
    if (typeof nm === 'string') {
      const m = /^service:(.+)$/.exec(nm);
      if (m && services[m[1]!]) shareNetworkWith = m[1];
      else if (nm !== 'bridge' && nm !== 'default') refuse(where(name, 'network_mode'), `${nm}: only service:<name> is accepted (the network comes from the blueprint)`);
    }
    const capAdd: string[] = [];
    for (const cap of Array.isArray(svc.cap_add) ? svc.cap_add : svc.cap_add !== undefined ? [svc.cap_add] : []) {
      const c = String(cap).toUpperCase().replace(/^CAP_/, '');
      if ((SAFE_CAPABILITIES as readonly string[]).includes(c)) capAdd.push(c);
      else refuse(where(name, 'cap_add'), `${String(cap)}: only ${SAFE_CAPABILITIES.join(', ')} may be added`);
    }
    if (svc.security_opt !== undefined) {
      for (const so of Array.isArray(svc.security_opt) ? svc.security_opt : [svc.security_opt]) if (!/^no-new-privileges(?::true)?$/.test(String(so))) refuse(where(name, 'security_opt'), `${String(so)}: only no-new-privileges is accepted`);
    }
    const { image, build } = imageOrBuild(svc, projectDir, name, refuse);
    const environment = envOf(svc.environment, where(name, 'environment'), refuse);
    const envFiles = listOf(svc.env_file).map((e) => posix.normalize(posix.join(projectDir, typeof e === 'string' ? e : String((e as { path?: unknown }).path ?? ''))));
    for (const e of envFiles) if (e === '..' || e.startsWith('../') || e.startsWith('/')) refuse(where(name, 'env_file'), `${e} is outside the repository`);
    const volumes = volumesOf(svc, name, projectDir, o.workspaceDir, namedVolumes, name === service, o.notes, refuse);
    if (name === service) {
      for (const k of ['command', 'entrypoint']) if (svc[k] !== undefined) o.notes.push(`${where(name, k)} is not used: the station keeps its container alive with its own command`);
      primary = {
        compose: { files, service, services: [], envFiles, ...(shareNetworkWith ? { shareNetworkWith } : {}) },
        image,
        build,
        environment,
        mounts: volumes.filter((v): v is Extract<ComposeVolume, MountSpec> => v.type !== 'run-volume'),
        user: typeof svc.user === 'string' ? svc.user : undefined,
        capAdd,
      };
    } else {
      if (shareNetworkWith) o.notes.push(`${where(name, 'network_mode')} is ignored: a service beside the station has its own address on the run's network`);
      resolved.push({
        name,
        image,
        build,
        environment,
        envFiles,
        volumes,
        command: cmdOf(svc.command, where(name, 'command'), refuse),
        entrypoint: cmdOf(svc.entrypoint, where(name, 'entrypoint'), refuse),
        user: typeof svc.user === 'string' ? svc.user : undefined,
        dependsOn: dependsOn(svc),
        healthcheck: healthcheckOf(svc.healthcheck),
      });
    }
  }
  if (problems.length || !primary) return { problems };
  primary.compose.services = resolved;
  return { resolution: primary, problems };
}

function mergeService(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if ((k === 'volumes' || k === 'env_file') && out[k] !== undefined) out[k] = [...listOf(out[k]), ...listOf(v)];
    else if (k === 'environment' && out[k] !== undefined) out[k] = { ...envObject(out[k]), ...envObject(v) };
    else out[k] = v;
  }
  return out;
}

function listOf(v: unknown): unknown[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

function envObject(v: unknown): Record<string, unknown> {
  if (Array.isArray(v)) return Object.fromEntries(v.map((e) => String(e)).map((e) => (e.includes('=') ? [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] : [e, undefined])));
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

/** Compose `environment` (a map or a `K=V` list); a bare `K` would copy the host's value, which never enters a station: left out. */
function envOf(v: unknown, property: string, refuse: (p: string, m: string) => void): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === undefined || v === null) return out;
  if (typeof v !== 'object') {
    refuse(property, 'must be a map or a list of NAME=value');
    return out;
  }
  for (const [k, val] of Object.entries(envObject(v))) {
    if (val === undefined || val === null) continue;
    out[k] = String(val);
  }
  return out;
}

function dependsOn(svc: Record<string, unknown>): string[] {
  const d = svc.depends_on;
  if (Array.isArray(d)) return d.map(String);
  if (d && typeof d === 'object') return Object.keys(d);
  return [];
}

function imageOrBuild(svc: Record<string, unknown>, projectDir: string, name: string, refuse: (p: string, m: string) => void): { image?: string; build?: BuildSpec } {
  const b = svc.build;
  if (b !== undefined) {
    const o = (typeof b === 'string' ? { context: b } : b) as Record<string, unknown>;
    const context = posix.normalize(posix.join(projectDir, typeof o.context === 'string' ? o.context : '.'));
    const dockerfile = posix.normalize(posix.join(context, typeof o.dockerfile === 'string' ? o.dockerfile : 'Dockerfile'));
    for (const [k, p] of [['context', context], ['dockerfile', dockerfile]] as const)
      if (p === '..' || p.startsWith('../') || p.startsWith('/')) refuse(`services.${name}.build.${k}`, `${p} is outside the repository (a context outside it would send host files to the engine)`);
    const args: Record<string, string> = {};
    for (const [k, v] of Object.entries(envObject(o.args))) if (v !== undefined && v !== null) args[k] = String(v);
    return { build: { dockerfile, context: context === '.' ? '' : context, args, target: typeof o.target === 'string' ? o.target : undefined } };
  }
  if (typeof svc.image === 'string') return { image: svc.image };
  refuse(`services.${name}`, 'needs "image" or "build"');
  return {};
}

function cmdOf(v: unknown, property: string, refuse: (p: string, m: string) => void): string | string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  refuse(property, 'must be a string or an array of strings');
  return undefined;
}

/** Compose durations (`10s`, `1m30s`, `500ms`) in milliseconds; default when absent or unreadable. */
function durationMs(v: unknown, dflt: number): number {
  if (typeof v === 'number') return v * 1000;
  if (typeof v !== 'string') return dflt;
  let total = 0;
  let matched = false;
  for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)) {
    matched = true;
    total += Number(m[1]) * { ms: 1, us: 0.001, h: 3_600_000, m: 60_000, s: 1000 }[m[2] as 'ms'];
  }
  return matched ? Math.round(total) : dflt;
}

function healthcheckOf(v: unknown): ComposeServiceSpec['healthcheck'] {
  if (!v || typeof v !== 'object') return undefined;
  const h = v as Record<string, unknown>;
  if (h.disable === true || h.test === undefined) return undefined;
  const test = typeof h.test === 'string' ? ['CMD-SHELL', h.test] : Array.isArray(h.test) ? h.test.map(String) : undefined;
  if (!test || test[0] === 'NONE') return undefined;
  // Compose's defaults (compose-spec.io, healthcheck): 30 s interval and timeout, 3 retries, no start period.
  return { test, intervalMs: durationMs(h.interval, 30_000), timeoutMs: durationMs(h.timeout, 30_000), retries: typeof h.retries === 'number' ? h.retries : 3, startPeriodMs: durationMs(h.start_period, 0) };
}

function volumesOf(
  svc: Record<string, unknown>,
  name: string,
  projectDir: string,
  workspaceDir: string,
  namedVolumes: Set<string>,
  isStation: boolean,
  notes: string[],
  refuse: (p: string, m: string) => void,
): ComposeVolume[] {
  const out: ComposeVolume[] = [];
  for (const [i, v] of listOf(svc.volumes).entries()) {
    const property = `services.${name}.volumes[${i}]`;
    let type: string;
    let source: string | undefined;
    let target: string | undefined;
    let readOnly = false;
    if (typeof v === 'string') {
      const parts = v.split(':');
      if (parts.length === 1) [type, target] = ['anonymous', parts[0]];
      else {
        [source, target] = [parts[0], parts[1]];
        readOnly = (parts[2] ?? '').split(',').includes('ro');
        type = /^[./~]/.test(source!) ? 'bind' : 'volume';
      }
    } else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      type = String(o.type ?? 'volume');
      source = typeof o.source === 'string' ? o.source : undefined;
      target = typeof o.target === 'string' ? o.target : undefined;
      readOnly = o.read_only === true;
    } else {
      refuse(property, 'a volume is a string or an object');
      continue;
    }
    const tp = checkTarget(target);
    if (tp) {
      refuse(property, tp);
      continue;
    }
    target = posix.normalize(target!);
    if (type === 'tmpfs' || type === 'anonymous') {
      out.push({ type: 'tmpfs', target });
      continue;
    }
    if (type === 'volume') {
      if (!source || !namedVolumes.has(source)) refuse(property, `named volume "${source ?? ''}" is not declared under the file's top-level volumes`);
      else if (isStation) notes.push(`${property}: named volume ${source} is not mounted into the station (a station keeps nothing between runs)`);
      else out.push({ type: 'run-volume', name: source, target });
      continue;
    }
    if (type !== 'bind') {
      refuse(property, `volume type "${type}" is not supported (bind inside the workspace, named volume, tmpfs)`);
      continue;
    }
    // Host paths: relative ones from the project directory, resolved against the run workspace.
    const hostPath = source!.startsWith('/') || source!.startsWith('~') ? source! : posix.join(workspaceDir.split('\\').join('/'), projectDir, source!);
    const rel = workspaceRelativeSource(hostPath, workspaceDir);
    if ('refused' in rel) {
      const covers = !source!.startsWith('~') && !source!.startsWith('/') && coversRepository(posix.normalize(posix.join(projectDir, source!)));
      if (covers && isStation) notes.push(`${property}: ${source}:${target} covers the repository; the station mounts the run workspace at its workspaceFolder instead`);
      else notes.push(`${property}: ${source} is not mounted: ${rel.refused}; stations see only the run workspace`);
      continue;
    }
    if (rel.path === '' && isStation) {
      notes.push(`${property}: ${source}:${target} is the repository; the station mounts the run workspace at its workspaceFolder instead`);
      continue;
    }
    out.push({ type: 'bind', workspacePath: rel.path, target, readOnly });
  }
  return out;
}

/** True when a repository-relative path is the repository's root or one of its parents (`..`, `../..`). */
function coversRepository(rel: string): boolean {
  return rel === '.' || rel === '' || /^\.\.(\/\.\.)*\/?$/.test(rel);
}
