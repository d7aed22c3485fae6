import type Docker from 'dockerode';
import { PACKAGE_CACHES, packageCacheEnv, type CacheEcosystem, type EnvironmentSpec } from '../../core/container';
import { LABEL_CONFIG, LABEL_OWNER, LABEL_RUN, LABEL_SESSION, nameFragment } from './labels';

/**
 * Keeps the container alive without a shell of ours on the host: the Dev Containers
 * CLI's loop, which exits promptly on SIGTERM so stop is fast.
 */
export const KEEPALIVE = ['/bin/sh', '-c', 'trap "exit 0" TERM INT; while sleep 3600 & wait $!; do :; done', 'shopfloor-station'];

/** Inputs for `hardenedCreateOptions`, all resolved and checked by the caller. */
export interface CreateInputs {
  spec: EnvironmentSpec;
  imageId: string;
  configHash: string;
  runId: string;
  sessionId: string;
  owner: string;
  /** User for the main process: never root (resolveStationUsers). */
  user: string;
  /** Home folders of the station's users, each given a size-capped tmpfs owned by its user (the root filesystem is read-only). */
  homes: Array<{ path: string; uid: number; gid: number }>;
  /** Real host path of the workspace, already checked; undefined when the workspace is copied in (remote engine). */
  workspaceSource?: string;
  /** Real host paths of extra binds, already checked to be inside the workspace. */
  bindSources: Map<string, string>;
  /** Network name: 'none' or the egress network. */
  networkMode: string;
  /** Proxy environment for egress stations. */
  proxyEnv: Record<string, string>;
  /** Volume names of the spec's package caches (packageCacheVolume), by ecosystem. */
  cacheVolumes?: Map<CacheEcosystem, string>;
  /** Engine supports `--storage-opt size=` (overlay2 on xfs with pquota). */
  storageQuota: boolean;
}

/**
 * The hardening profile (design.md "Isolation and security defaults"): every capability
 * dropped except those the configuration asked for from the safe list, no-new-privileges,
 * memory (no extra swap), CPU and pids limits, a size-capped /tmp tmpfs, no core dumps,
 * no Docker socket and no host path but the run's workspace (plus Shopfloor's own read-only
 * agent-CLI volumes, MountSpec `volume`), network none unless
 * egress goes through the proxy network, and the run/session/owner labels.
 *
 * The root filesystem is read-only, so a station cannot replace the image's programs
 * (`/usr/local/bin`) or settings for the commands that follow it. Writable are only the
 * workspace, /tmp, the configuration's own tmpfs mounts and each user's HOME: a tmpfs of
 * `limits.tmpBytes` owned by that user (mode 0700), where npm, git and pip keep caches and
 * settings; like /tmp it counts against the memory wall and is gone with the container.
 * Exception: when the workspace is copied in (a remote engine, no `workspaceSource`) the
 * root stays writable, because Docker refuses the archive API on a read-only root and the
 * copy lives in the container's own layer (the disk wall still measures it).
 */
export function hardenedCreateOptions(i: CreateInputs): Docker.ContainerCreateOptions {
  const { spec } = i;
  const mounts: Docker.MountSettings[] = [];
  if (i.workspaceSource) mounts.push({ Type: 'bind', Source: i.workspaceSource, Target: spec.workspaceMountTarget, ReadOnly: spec.workspaceReadOnly === true });
  const tmpfs: Record<string, string> = { '/tmp': `rw,nosuid,nodev,size=${spec.limits.tmpBytes}` };
  for (const h of i.homes) tmpfs[h.path] = `rw,nosuid,nodev,size=${spec.limits.tmpBytes},uid=${h.uid},gid=${h.gid},mode=0700`;
  for (const m of spec.mounts) {
    if (m.type === 'bind') mounts.push({ Type: 'bind', Source: i.bindSources.get(m.workspacePath)!, Target: m.target, ReadOnly: m.readOnly });
    // Only Shopfloor's own read-only volumes (an installed agent CLI); nosuid comes with no-new-privileges.
    else if (m.type === 'volume') mounts.push({ Type: 'volume', Source: m.name, Target: m.target, ReadOnly: true });
    // A package cache: read-write only in set-up stations (the spec says which).
    else if (m.type === 'package-cache') {
      const name = i.cacheVolumes?.get(m.ecosystem);
      const kind = PACKAGE_CACHES[m.ecosystem];
      if (name) mounts.push({ Type: 'volume', Source: name, Target: kind.target, ReadOnly: m.readOnly });
      // The tool's home around the cache (GRADLE_USER_HOME, CARGO_HOME) lives and dies with the
      // station: what else it holds (credentials, init scripts) never reaches the shared volume.
      // Docker mounts parents first, so the volume lands inside this tmpfs.
      if (name && kind.scratch) tmpfs[kind.scratch] = `rw,nosuid,nodev,size=${spec.limits.tmpBytes}`;
    }
    else tmpfs[m.target] = `rw,nosuid,nodev${m.sizeBytes ? `,size=${m.sizeBytes}` : ''}`;
  }
  const cacheEnv = Object.assign(
    {},
    ...spec.mounts
      .filter((m) => m.type === 'package-cache' && i.cacheVolumes?.has(m.ecosystem))
      .map((m) => {
        const c = m as { ecosystem: CacheEcosystem; readOnly: boolean };
        return packageCacheEnv(PACKAGE_CACHES[c.ecosystem], { readOnly: c.readOnly, offline: spec.network === 'none' });
      }),
  );
  const env = { ...cacheEnv, ...spec.containerEnv, ...i.proxyEnv };
  return {
    name: `shopfloor-${nameFragment(i.runId)}-${i.configHash.slice(0, 8)}`,
    Image: i.imageId,
    Entrypoint: KEEPALIVE,
    Cmd: [],
    User: i.user,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    WorkingDir: spec.workspaceFolder,
    Labels: { [LABEL_RUN]: i.runId, [LABEL_SESSION]: i.sessionId, [LABEL_OWNER]: i.owner, [LABEL_CONFIG]: i.configHash },
    StopTimeout: 2,
    HostConfig: {
      CapDrop: ['ALL'],
      CapAdd: spec.capAdd,
      SecurityOpt: ['no-new-privileges:true'],
      Privileged: false,
      Init: spec.init,
      PidsLimit: spec.limits.pids,
      Memory: spec.limits.memoryBytes,
      MemorySwap: spec.limits.memoryBytes,
      NanoCpus: Math.round(spec.limits.cpus * 1e9),
      Ulimits: [{ Name: 'core', Soft: 0, Hard: 0 }],
      Mounts: mounts,
      Tmpfs: tmpfs,
      ShmSize: spec.shmSizeBytes,
      NetworkMode: i.networkMode,
      ReadonlyRootfs: i.workspaceSource !== undefined,
      AutoRemove: false,
      LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
      ...(i.storageQuota ? { StorageOpt: { size: String(spec.limits.diskBytes) } } : {}),
    },
  };
}
