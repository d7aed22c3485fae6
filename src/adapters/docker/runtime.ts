import { execFile } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import {
  ConfigRefusedError,
  buildProblems,
  featureHost,
  featureMetadataEffect,
  packageCacheVolume,
  PACKAGE_CACHES,
  type CacheEcosystem,
  type LifecycleCommand,
  LifecycleCommandError,
  MountRefusedError,
  environmentHash,
  isInsideRoot,
  lifecycleArgvs,
  type ContainerRuntime,
  type EngineInfo,
  type EnvironmentSpec,
  type LifecycleCommands,
  type PrepareOptions,
  type StationContainer,
} from '../../core/container';
import type { Logger } from '../../core/ports';
import { connectToEngine, type Connection } from './connect';
import { hardenedCreateOptions } from './create-options';
import { EgressProxy, type EgressLogEntry } from './egress-proxy';
import { verifyPackageCaches } from './cache-upkeep';
import { ensureEgressNetwork } from './egress-network';
import { EngineEvents } from './engine-events';
import { ensureRunServices, removeIdleServiceResources } from './compose-services';
import { buildFeatures } from './features';
import { ensureToolchainImage } from './toolchain-image';
import { ensureImage, type ResolvedImage } from './images';
import { LABEL_CONFIG, LABEL_OWNER, LABEL_RUN } from './labels';
import { removeOrphans, removeRunContainers } from './orphans';
import { DockerStation } from './station';
import { readPasswd, resolveStationUsers, stationHome, type ImageUser } from './users';
import { Watchdog } from './watchdog';
import { copyWorkspaceIn } from './workspace-copy';

/** Options of the Docker runtime. */
export interface DockerRuntimeOptions {
  /**
   * Who owns the containers (label `shopfloor.owner`): one value per user and machine,
   * e.g. `${username}@${hostname}`. Orphan cleanup only ever touches this owner's containers.
   */
  owner: string;
  /** The `shopfloor.docker.host` setting; empty: DOCKER_HOST, context, default sockets. */
  dockerHost?: string;
  /** Per-endpoint ping timeout in ms (default 3000). */
  connectTimeoutMs?: number;
  logger?: Logger;
  /** Each egress connection allowed or refused. */
  onEgress?: (e: EgressLogEntry) => void;
  /** `auto`: bind mount on a local engine, copy through the archive API on a remote one. */
  workspaceTransfer?: 'auto' | 'bind' | 'copy';
}

/** See DockerContainerRuntime.helperAccess. */
export interface HelperAccess {
  docker: Docker;
  /** Owner label value of this runtime's containers. */
  owner: string;
  /** The internal egress network to attach a helper to. */
  network: string;
  /** The allowlisting proxy, as HTTP(S)_PROXY for the helper. */
  proxyUrl: string;
  /** Gives the helper's address on `network` its allowlist (egress-destination.ts syntax); `key` names it in the egress log. */
  register(ip: string, key: string, allow: string[]): void;
  unregister(ip: string): void;
}

interface Egress {
  network: string;
  proxy: EgressProxy;
  address: string;
}

/**
 * ContainerRuntime on Docker through dockerode. One container per run and configuration;
 * `prepare` for the same run and configuration reattaches to it (warm attach). Holds one
 * engine connection, one /events stream and, when a station needs it, the egress proxy.
 */
export class DockerContainerRuntime implements ContainerRuntime {
  private conn?: Promise<Connection>;
  /** The connection once reached (for the Dev Containers CLI's DOCKER_HOST). */
  private reached?: Connection;
  private events?: EngineEvents;
  private egress?: Promise<Egress>;
  private readonly images = new Map<string, Promise<ResolvedImage>>();
  private readonly users = new Map<string, Promise<ImageUser[]>>();
  private readonly live = new Map<string, DockerStation>();

  constructor(private readonly opts: DockerRuntimeOptions) {}

  async ping(): Promise<EngineInfo> {
    return (await this.connection()).info;
  }

  async prepare(spec: EnvironmentSpec, o: PrepareOptions): Promise<StationContainer> {
    const { docker, info } = await this.connection();
    const events = (this.events ??= new EngineEvents(docker, this.opts.owner));
    const eventsReady = events.ensureStarted();
    const log = (l: string) => o.onLog?.(l);
    for (const n of spec.notes) log(`[devcontainer] ${n}`);

    // Never silently leave out a part of the configuration this runtime does not start; the
    // approval check (src/app/environment-check.ts) refuses the same before a run starts.
    const unbuildable = buildProblems(spec, { localFeatures: true, reachableFeatureHosts: (spec.features ?? []).map((f) => featureHost(f.id)), composeServices: true });
    if (unbuildable.length) throw new ConfigRefusedError(spec.origin.kind === 'devcontainer' ? spec.origin.configPath : 'station image', unbuildable);
    const workspace = await realpath(o.workspaceDir);
    const bindSources = await this.checkBinds(spec, workspace);
    const { image, lifecycle, capAdd } = await this.stationImage(docker, spec, workspace, o, log);
    if (capAdd.length) spec = { ...spec, capAdd: [...new Set([...spec.capAdd, ...capAdd])].sort() };
    const all = await this.imageUsers(docker, image);
    const users = resolveStationUsers({ user: image.user, name: spec.image ?? 'the built image' }, all, spec);
    if ('refused' in users) throw new ConfigRefusedError(spec.origin.kind === 'devcontainer' ? spec.origin.configPath : 'station image', [users.refused]);
    for (const n of users.notes) log(`[devcontainer] ${n}`);
    // The workspace belongs to the user commands run as (remoteUser); each user gets a writable HOME.
    const who = { name: users.remoteUser, all };
    const homes = [...new Set([users.containerUser, users.remoteUser])].map((u) => stationHome(u, all));
    const remoteHome = stationHome(users.remoteUser, all);
    spec = {
      ...spec,
      containerUser: users.containerUser,
      remoteUser: users.remoteUser,
      containerEnv: { ...spec.containerEnv, ...(remoteHome.fromPasswd ? {} : { HOME: remoteHome.path }) },
    };
    const copy = this.opts.workspaceTransfer === 'copy' || (this.opts.workspaceTransfer !== 'bind' && info.remote);
    const configHash = environmentHash(spec, `${image.id}|${users.containerUser}|${copy ? 'copy' : workspace}`);
    const containerEnv = { ...envRecord(image.env), ...spec.containerEnv };
    // Every prepare, not only on create: the host side (restore, set-up cache) may have written files since.
    if (!copy) await alignWorkspaceOwner(workspace, who, this.opts.logger);

    const key = `${o.runId}/${configHash}`;
    const known = this.live.get(key);
    if (known && !known.ended) {
      const state = await docker.getContainer(known.id).inspect().catch(() => undefined);
      if (state?.State.Running) return withReused(known);
      if (state) return this.restart(docker, known, lifecycle, log);
      this.live.delete(key);
    }
    const existing = await docker.listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${o.runId}`, `${LABEL_CONFIG}=${configHash}`] } });
    const make = (id: string, reused: boolean) =>
      new DockerStation({
        docker,
        id,
        imageDigest: image.id,
        configHash,
        spec,
        user: users.containerUser,
        containerEnv,
        watchdog: new Watchdog(docker, id, spec.limits, events, copy ? undefined : workspace),
        reused,
        copyBackTo: copy ? workspace : undefined,
        onRemoved: () => this.live.delete(key),
      });
    if (existing[0]) {
      const station = make(existing[0].Id, true);
      this.live.set(key, station);
      return existing[0].State === 'running' ? station : this.restart(docker, station, lifecycle, log);
    }

    let proxyEnv: Record<string, string> = {};
    let networkMode = 'none';
    let egress: Egress | undefined;
    if (spec.network !== 'none') {
      if (info.remote) throw new ConfigRefusedError('network', [{ property: 'network', message: 'egress needs a local engine: the allowlisting proxy runs on this machine' }]);
      egress = await this.egressSetup(docker);
      networkMode = egress.network;
      const url = `http://${egress.address}`;
      proxyEnv = { HTTP_PROXY: url, HTTPS_PROXY: url, http_proxy: url, https_proxy: url, NO_PROXY: 'localhost,127.0.0.1', no_proxy: 'localhost,127.0.0.1' };
    }
    // Compose services beside the station: on the run's internal network (or, for network_mode service:X, in X's network namespace).
    let servicesNetwork: string | undefined;
    if (spec.compose?.services.length) {
      const services = await ensureRunServices(docker, spec.compose, {
        runId: o.runId.split('.')[0]!,
        sessionId: o.sessionId,
        owner: this.opts.owner,
        workspace,
        limits: spec.limits,
        onBuildOutput: o.onBuildOutput,
        log,
      });
      const shared = spec.compose.shareNetworkWith ? services.ids[spec.compose.shareNetworkWith] : undefined;
      if (networkMode === 'none') networkMode = shared ? `container:${shared}` : services.network;
      else {
        servicesNetwork = services.network;
        if (shared) log(`[compose] network_mode service:${spec.compose.shareNetworkWith}: this station also has egress, so it joins the run's network instead; reach the service by its name, not localhost`);
      }
    }
    const cacheVolumes = await this.packageCaches(docker, spec, image.id, remoteHome, log);
    const options = hardenedCreateOptions({
      spec,
      imageId: image.id,
      configHash,
      runId: o.runId,
      sessionId: o.sessionId,
      owner: this.opts.owner,
      user: users.containerUser,
      homes,
      workspaceSource: copy ? undefined : workspace,
      bindSources,
      networkMode,
      proxyEnv,
      cacheVolumes,
      storageQuota: false,
    });
    const created = await docker.createContainer(options);
    const station = make(created.id, false);
    try {
      if (servicesNetwork) await docker.getNetwork(servicesNetwork).connect({ Container: created.id, EndpointConfig: { Aliases: [spec.compose!.service] } });
      if (copy) {
        await copyWorkspaceIn(docker, created.id, workspace, spec.workspaceMountTarget, { uid: remoteHome.uid, gid: remoteHome.gid });
      }
      await eventsReady;
      await created.start();
      if (egress && spec.network !== 'none') {
        const ip = (await created.inspect()).NetworkSettings.Networks[egress.network]?.IPAddress;
        if (!ip) throw new Error(`station has no address on ${egress.network}`);
        egress.proxy.register(ip, o.runId, spec.network.egressAllow);
      }
      await verifyPackageCaches(station, spec, log);
      await runLifecycle(station, lifecycle, ['onCreate', 'updateContent', 'postCreate', 'postStart'], log);
    } catch (e) {
      // A container that never became a working station is removed, not left for cleanup.
      if (!(e instanceof LifecycleCommandError)) await station.remove().catch(() => undefined);
      throw e;
    }
    this.live.set(key, station);
    return station;
  }

  /**
   * The engine and the egress proxy for Shopfloor's own short-lived helper containers (the
   * agent-CLI installer, src/adapters/agents/cli-install.ts): a helper joins `network` (no
   * route out), is registered with its allowlist like a station, and reaches the internet
   * only through `proxyUrl`. Refused on a remote engine: the proxy runs on this machine.
   */
  async helperAccess(): Promise<HelperAccess> {
    const { docker, info } = await this.connection();
    if (info.remote) throw new ConfigRefusedError('agent CLI', [{ property: 'network', message: 'installing an agent CLI needs a local engine: the allowlisting proxy runs on this machine' }]);
    const egress = await this.egressSetup(docker);
    return {
      docker,
      owner: this.opts.owner,
      network: egress.network,
      proxyUrl: `http://${egress.address}`,
      register: (ip, key, allow) => egress.proxy.register(ip, key, allow),
      unregister: (ip) => egress.proxy.unregister(ip),
    };
  }

  cleanupOrphans(isLive: (sessionId: string) => boolean, hasJournal: (runId: string) => boolean): Promise<string[]> {
    return this.connection().then(async ({ docker }) => {
      const removed = await removeOrphans(docker, this.opts.owner, isLive, hasJournal);
      // The networks and volumes of Compose services whose containers are all gone now.
      await removeIdleServiceResources(docker, this.opts.owner);
      return removed;
    });
  }

  async removeRun(runId: string): Promise<string[]> {
    const { docker } = await this.connection();
    for (const key of [...this.live.keys()]) if (key.startsWith(`${runId}/`) || key.startsWith(`${runId}.`)) this.live.delete(key);
    const removed = await removeRunContainers(docker, this.opts.owner, runId);
    await removeIdleServiceResources(docker, this.opts.owner);
    return removed;
  }

  async dispose(): Promise<void> {
    this.events?.dispose();
    if (this.egress) await (await this.egress.catch(() => undefined))?.proxy.close();
  }

  private connection(): Promise<Connection> {
    this.conn ??= connectToEngine({ setting: this.opts.dockerHost, timeoutMs: this.opts.connectTimeoutMs }).then((c) => (this.reached = c), (e) => {
      // Not cached: the next call tries again (the user may have started Docker meanwhile).
      this.conn = undefined;
      throw e;
    });
    return this.conn;
  }

  /** Realpath check of every bind source: symlinks out of the workspace are refused before create. */
  private async checkBinds(spec: EnvironmentSpec, workspace: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const m of spec.mounts) {
      if (m.type !== 'bind') continue;
      const real = await realpath(join(workspace, ...m.workspacePath.split('/'))).catch(() => undefined);
      if (!real) throw new MountRefusedError(m.workspacePath, 'does not exist in the run workspace');
      if (!isInsideRoot(workspace, real)) throw new MountRefusedError(m.workspacePath, `resolves to ${real}, outside the run workspace`);
      out.set(m.workspacePath, real);
    }
    return out;
  }

  /**
   * The station's image: the configuration's image or build, with the toolchain the
   * repository asks for (the default image only, src/adapters/docker/toolchain-image.ts), then its features (built with
   * the Dev Containers CLI, src/adapters/docker/features.ts) when it has any; with the
   * lifecycle to run (each feature's commands before the configuration's, the spec's merge
   * order) and the capabilities the features add. Throws ConfigRefusedError for a feature
   * that asks for more than a station allows.
   */
  private async stationImage(
    docker: Docker,
    spec: EnvironmentSpec,
    workspace: string,
    o: PrepareOptions,
    log: (l: string) => void,
  ): Promise<{ image: ResolvedImage; lifecycle: HookCommands; capAdd: string[] }> {
    let base = await this.image(docker, spec, workspace, o);
    if (spec.toolchain && (spec.toolchain.node || spec.toolchain.packageManager)) {
      const arch = (await this.connection()).info.arch;
      const t = await ensureToolchainImage(docker, { ...base, name: spec.image ?? base.id }, spec.toolchain, { arch, onOutput: o.onBuildOutput });
      for (const n of t.notes) log(`[toolchain] ${n}`);
      base = t.image;
    }
    const own: HookCommands = Object.fromEntries(Object.entries(spec.lifecycle).map(([k, v]) => [k, [v]]));
    if (!spec.features?.length) return { image: base, lifecycle: own, capAdd: [] };
    const name = spec.image ?? (await docker.getImage(base.id).inspect()).RepoTags?.[0] ?? base.id;
    const built = await buildFeatures(docker, { name, id: base.id }, spec, workspace, { dockerHost: this.dockerHostForCli(), onOutput: o.onBuildOutput });
    const effect = featureMetadataEffect(built.metadata);
    if (effect.problems.length) throw new ConfigRefusedError(spec.origin.kind === 'devcontainer' ? spec.origin.configPath : 'station image', effect.problems);
    for (const n of effect.notes) log(`[devcontainer] ${n}`);
    const lifecycle: HookCommands = {};
    for (const hook of ['onCreate', 'updateContent', 'postCreate', 'postStart'] as const) {
      const list = [...(effect.lifecycle[hook] ?? []), ...(own[hook] ?? [])];
      if (list.length) lifecycle[hook] = list;
    }
    return { image: built, lifecycle, capAdd: effect.capAdd };
  }

  /**
   * The volumes of the spec's package caches (packageCacheVolume: per ecosystem and image),
   * created on first use, labelled with the owner, and handed to the station's user (a
   * short root helper with only CAP_CHOWN and no network), so set-up can write them.
   */
  private async packageCaches(docker: Docker, spec: EnvironmentSpec, imageId: string, user: { uid: number; gid: number }, log: (l: string) => void): Promise<Map<CacheEcosystem, string>> {
    const out = new Map<CacheEcosystem, string>();
    for (const m of spec.mounts) {
      if (m.type !== 'package-cache') continue;
      const name = packageCacheVolume(m.ecosystem, imageId, this.opts.owner);
      const exists = await docker.getVolume(name).inspect().then(() => true, () => false);
      if (!exists) {
        await docker.createVolume({ Name: name, Labels: { [LABEL_OWNER]: this.opts.owner, 'shopfloor.cache': m.ecosystem } });
        const target = PACKAGE_CACHES[m.ecosystem].target;
        const helper = await docker.createContainer({
          Image: imageId,
          Entrypoint: ['chown', `${user.uid}:${user.gid}`, target],
          Cmd: [],
          User: 'root',
          NetworkDisabled: true,
          HostConfig: { NetworkMode: 'none', CapDrop: ['ALL'], CapAdd: ['CHOWN'], SecurityOpt: ['no-new-privileges:true'], Mounts: [{ Type: 'volume', Source: name, Target: target }] },
        });
        try {
          await helper.start();
          await helper.wait();
        } finally {
          await helper.remove({ force: true }).catch(() => undefined);
        }
        log(`[cache] created ${m.ecosystem} cache ${name}`);
      }
      out.set(m.ecosystem, name);
    }
    return out;
  }

  /** DOCKER_HOST for the Dev Containers CLI: the endpoint this runtime reached, when the docker CLI can use it as is. */
  private dockerHostForCli(): string | undefined {
    const c = this.reached?.candidate.endpoint;
    return c && /^(unix|tcp|npipe|ssh):\/\//.test(c) ? c : undefined;
  }

  private image(docker: Docker, spec: EnvironmentSpec, workspace: string, o: PrepareOptions): Promise<ResolvedImage> {
    // Image names are re-inspected each time (cheap, and a retag is seen); builds are cached per workspace and definition.
    if (spec.image) return ensureImage(docker, spec, workspace, o.onBuildOutput);
    const key = JSON.stringify([workspace, spec.build]);
    let p = this.images.get(key);
    if (!p) {
      p = ensureImage(docker, spec, workspace, o.onBuildOutput);
      this.images.set(key, p);
      p.catch(() => this.images.delete(key));
    }
    return p;
  }

  /** The image's /etc/passwd users, read once per image from a created, never started, probe container. */
  private imageUsers(docker: Docker, image: ResolvedImage): Promise<ImageUser[]> {
    let p = this.users.get(image.id);
    if (!p) {
      p = (async () => {
        const probe = await docker.createContainer({ Image: image.id, Entrypoint: ['/bin/true'], Cmd: [], NetworkDisabled: true, HostConfig: { NetworkMode: 'none' } });
        try {
          return await readPasswd(docker, probe.id);
        } finally {
          await probe.remove({ force: true }).catch(() => undefined);
        }
      })();
      this.users.set(image.id, p);
      p.catch(() => this.users.delete(image.id));
    }
    return p;
  }

  private async restart(docker: Docker, station: DockerStation, lifecycle: HookCommands, log: (l: string) => void): Promise<StationContainer> {
    await docker.getContainer(station.id).start();
    await runLifecycle(station, lifecycle, ['postStart'], log);
    return withReused(station);
  }

  private egressSetup(docker: Docker): Promise<Egress> {
    this.egress ??= (async () => {
      const { name, gateway } = await ensureEgressNetwork(docker, this.opts.owner);
      const proxy = new EgressProxy((e) => {
        this.opts.onEgress?.(e);
        // An install makes hundreds of allowed connections, which buried everything else at the
        // info level: they are debug detail (the log channel's Debug level shows them); a
        // refusal is what a user needs to see, so it is a warning.
        const line = `egress ${e.allowed ? 'allowed' : 'refused'}: ${e.method} ${e.host}:${e.port} from ${e.runId ?? e.client}${e.reason ? ` (${e.reason})` : ''}`;
        if (e.allowed) this.opts.logger?.debug(line);
        else this.opts.logger?.warn(line);
      });
      const port = await proxy.listen(gateway);
      return { network: name, proxy, address: `${gateway}:${port}` };
    })();
    this.egress.catch(() => (this.egress = undefined));
    return this.egress;
  }
}

/** Lifecycle commands per hook, in the order they run (features' first, then the configuration's). */
type HookCommands = { [K in keyof LifecycleCommands]?: LifecycleCommand[] };

/** Runs lifecycle hooks in order, each hook's commands one after another; parallel (object-form) commands run concurrently. Throws LifecycleCommandError. */
async function runLifecycle(station: StationContainer, lc: HookCommands, hooks: (keyof LifecycleCommands)[], log: (l: string) => void): Promise<void> {
  for (const hook of hooks) for (const cmd of lc[hook] ?? []) {
    await Promise.all(
      lifecycleArgvs(`${hook}Command`, cmd).map(async ({ label, argv }) => {
        log(`[${label}] ${argv.join(' ')}`);
        const sink = (b: Buffer) => {
          for (const line of b.toString('utf8').split('\n')) if (line) log(`[${label}] ${line}`);
        };
        const r = await station.exec(argv, { onStdout: sink, onStderr: sink });
        if (r.exitCode !== 0) throw new LifecycleCommandError(label, r.exitCode, r.endDetail ?? '');
      }),
    );
  }
}

function withReused(s: DockerStation): StationContainer {
  s.reused = true;
  return s;
}

function envRecord(env: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env) {
    const i = e.indexOf('=');
    if (i > 0) out[e.slice(0, i)] = e.slice(i + 1);
  }
  return out;
}

/**
 * Makes the bind-mounted run workspace writable by the station user. The workspace is
 * Shopfloor's own clone of the repository (never the user's checkout), so when the host
 * side runs as root and the station runs as a non-root image user, the clone is handed to
 * that user (the Dev Containers CLI solves the same mismatch with updateRemoteUserUID).
 * When the host side is not root it cannot change owners; a station user with the same
 * uid as the host user needs nothing, and any other mismatch is logged.
 */
async function alignWorkspaceOwner(workspace: string, who: { name?: string; all: ImageUser[] }, logger?: Logger): Promise<void> {
  const u = who.all.find((x) => x.name === who.name || String(x.uid) === who.name);
  if (!u || u.uid === 0) return;
  if (process.getuid?.() !== 0) {
    const st = await stat(workspace);
    if (st.uid === u.uid) return;
    logger?.warn(`run workspace is owned by uid ${st.uid} but stations run as ${u.name} (uid ${u.uid}): they may not be able to write to it`);
    return;
  }
  await new Promise<void>((resolve, reject) =>
    execFile('chown', ['-R', '-h', `${u.uid}:${u.gid}`, workspace], (err) => (err ? reject(new Error(`cannot hand the run workspace to uid ${u.uid}: ${err.message}`)) : resolve())),
  );
}
