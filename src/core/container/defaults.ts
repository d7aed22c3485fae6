import type { EnvironmentSpec, NetworkPolicy, ResourceLimits } from './types';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/**
 * Walls every station gets unless the blueprint says otherwise. Sized for a test suite
 * of a mid-sized repository on a 2-core laptop; pids high enough for `make -j` and
 * npm, low enough that a fork bomb hits the wall long before the host's limit.
 */
export const DEFAULT_LIMITS: ResourceLimits = {
  memoryBytes: 2 * GiB,
  cpus: 2,
  pids: 1024,
  diskBytes: 4 * GiB,
  tmpBytes: 512 * MiB,
};

/** Capabilities a configuration may add back (all are dropped first). Anything else is refused. */
export const SAFE_CAPABILITIES = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETUID',
  'SYS_PTRACE',
] as const;

/**
 * Largest /dev/shm a station gets, in bytes. /dev/shm is a tmpfs charged to the station's
 * memory, so a configuration's `runArgs --shm-size` is clamped to this (and to the memory
 * wall); 1 GiB is enough for headless browsers, the usual reason to raise it.
 */
export const MAX_SHM_BYTES = 1 * GiB;

/**
 * Container folders a workspace may be mounted under and commands may start in: the Dev
 * Containers default `/workspaces/<name>` and the common `/workspace`. A workspace over
 * `/`, `/etc`, `/usr` or a home folder would replace the image's own files with the
 * repository's, and make a read-only system folder writable.
 */
export const WORKSPACE_ROOTS = ['/workspaces', '/workspace'] as const;

/**
 * Why a container path cannot hold the workspace (`/workspaces/<name>` or below, or
 * `/workspace` or below; see WORKSPACE_ROOTS), or undefined when it can. `path` is
 * absolute and normalized.
 */
export function workspacePathProblem(path: string): string | undefined {
  if (path.startsWith('/workspaces/') || path === '/workspace' || path.startsWith('/workspace/')) return undefined;
  return `${path} is outside ${WORKSPACE_ROOTS.map((r) => `${r}/`).join(' and ')}: the workspace may not cover the image's own folders`;
}

/** Default workspace folder in the container, as the Dev Containers CLI picks it. */
export function defaultWorkspaceFolder(basename: string): string {
  return `/workspaces/${basename}`;
}

/**
 * The environment for a repository without a devcontainer.json: the blueprint's image
 * (or the `shopfloor.devcontainer.defaultImage` setting) with the default walls.
 */
export function defaultEnvironment(opts: {
  image: string;
  workspaceBasename: string;
  limits?: Partial<ResourceLimits>;
  network?: NetworkPolicy;
  env?: Record<string, string>;
}): EnvironmentSpec {
  const folder = defaultWorkspaceFolder(opts.workspaceBasename);
  return {
    origin: { kind: 'default' },
    image: opts.image,
    containerEnv: { ...(opts.env ?? {}) },
    remoteEnv: {},
    workspaceFolder: folder,
    workspaceMountTarget: folder,
    mounts: [],
    lifecycle: {},
    limits: { ...DEFAULT_LIMITS, ...(opts.limits ?? {}) },
    capAdd: [],
    network: opts.network ?? 'none',
    init: true,
    notes: [],
  };
}

/** Parses a Docker-style size (`512m`, `1g`, `1.5gb`, `1024`) into bytes; undefined when it does not parse. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmgt]?)b?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = { '': 1, b: 1, k: 1024, m: MiB, g: GiB, t: 1024 * GiB }[m[2]!.toLowerCase() as '' | 'b' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * unit);
}
