import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { RetryableCause } from '../../core/run/errors';
import type { Logger } from '../../core/ports';
import type { VolumeMount } from '../../core/run/ports';
import { readContainerFile } from '../docker/archive-file';
import { runExec } from '../docker/exec';
import { KEEPALIVE } from '../docker/create-options';
import { LABEL_OWNER, LABEL_SESSION } from '../docker/labels';
import { currentSessionId } from '../docker/sessions';
import type { HelperAccess } from '../docker/runtime';

/** Label on an agent-CLI volume: which CLI it holds (the version is in LABEL_AGENT_VERSION). */
export const LABEL_AGENT_CLI = 'shopfloor.agent-cli';
export const LABEL_AGENT_VERSION = 'shopfloor.agent-version';
/** Marks the one-off installer container, so orphan listings can tell it from a station. */
export const LABEL_INSTALLER = 'shopfloor.agent-installer';

/** Where the installer mounts the volume, and where stations find it: `/opt/shopfloor/agents/<cli>`. */
export const AGENT_CLI_ROOT = '/opt/shopfloor/agents';
/** The install marker, relative to the volume root: written last, so its presence means a finished install. */
export const INSTALL_MARKER = '.shopfloor-install.json';

/** An agent CLI as published on npm, pinned to one version. */
export interface AgentCliPackage {
  /** Short name used in the volume name and the mount path, e.g. `claude-code`. */
  cli: string;
  /** npm package name, e.g. `@anthropic-ai/claude-code`. */
  npmName: string;
  version: string;
  /**
   * Run in the package folder after `npm install --ignore-scripts`, e.g. `['node', 'install.cjs']`
   * (npm 11 skips Claude Code's postinstall; lifecycle scripts stay off for every other package).
   */
  postInstall?: string[];
  /** The executable relative to the package folder, e.g. `bin/claude.exe`. */
  bin: string;
  /**
   * Further npm packages (`name@version`, exact) installed into the same prefix, e.g. the
   * Node.js runtime a CLI needs when the station image's is too old (geminiPackage).
   */
  alongside?: string[];
}

/** What the install marker records (also returned by ensure). */
export interface InstallMarker {
  cli: string;
  npmName: string;
  version: string;
  /** When the installer finished, RFC 3339. */
  installedAt: string;
  /** `bin --version` as the installer saw it. */
  reportedVersion: string;
}

/** An installed CLI: its volume, where it is mounted, and its executable there. */
export interface InstalledCli {
  volume: VolumeMount;
  /** Absolute path of the executable inside a station container. */
  bin: string;
  marker: InstallMarker;
  /** False when this call ran the installer. */
  reused: boolean;
}

/** Options of AgentCliInstaller. */
export interface AgentCliInstallerOptions {
  /** The engine and egress proxy (DockerContainerRuntime.helperAccess). */
  access: () => Promise<HelperAccess>;
  /** Image the installer runs in: needs node and npm (the default station image has both). */
  image: string;
  /** Hosts the installer may reach through the egress proxy (default: the npm registry). */
  registryHosts?: string[];
  /** npm registry URL (default https://registry.npmjs.org/). */
  registry?: string;
  /** Wall-clock limit of one install, ms (default 5 minutes). */
  timeoutMs?: number;
  logger?: Logger;
}

/**
 * Bump when installScript changes what it puts into a volume: volumes installed by an
 * older script are then not reused.
 */
const INSTALLER_REVISION = 1;

/**
 * The docker volume of one CLI recipe, e.g. `shopfloor-agent-claude-code-2.1.332-3f9a0c1d`:
 * CLI and version for people reading `docker volume ls`, then the first 8 hex digits of
 * the SHA-256 of the whole recipe (package, version, bin, postInstall, alongside, installer
 * revision), so a changed recipe (another Node.js alongside, another postInstall) installs
 * into a new volume instead of reusing one built by the old recipe. Pure.
 */
export function agentVolumeName(pkg: AgentCliPackage): string {
  const recipe = JSON.stringify([INSTALLER_REVISION, pkg.npmName, pkg.version, pkg.bin, pkg.postInstall ?? [], pkg.alongside ?? []]);
  const digest = createHash('sha256').update(recipe).digest('hex').slice(0, 8);
  return `shopfloor-agent-${pkg.cli}-${pkg.version}-${digest}`.replace(/[^a-zA-Z0-9_.-]/g, '-');
}

/**
 * Installs agent CLIs from npm at a pinned version into a Docker volume per CLI recipe
 * (agentVolumeName), once, and hands out that volume for stations to mount read-only.
 *
 * The volume is created with owner/CLI/version labels and populated by a short-lived
 * installer container: all capabilities dropped, no-new-privileges, read-only root with a
 * tmpfs /tmp (npm's cache), on the internal egress network with no route out, its address
 * registered with the egress proxy for `registryHosts` only (the proxy checks names,
 * resolved addresses and ports). It runs `npm install --ignore-scripts` of the exact
 * version into a staging folder, the package's own `postInstall` (which picks the
 * platform binary for this engine's arch and libc), `bin --version`, then moves the
 * staging folder into place and writes INSTALL_MARKER last. A volume whose marker is
 * present is reused without running anything (its marker is read through the archive API
 * from a created, never started, container). A failed install leaves no marker, so the
 * next call installs again over it.
 *
 * Concurrency: calls in this process share one install per volume; two processes racing
 * each install into their own staging folder and the last move wins (both complete trees).
 */
export class AgentCliInstaller {
  private readonly pending = new Map<string, Promise<InstalledCli>>();

  constructor(private readonly o: AgentCliInstallerOptions) {}

  /**
   * The installed CLI, installing it first when its volume has no marker.
   * @throws RetryableCause('engine-unavailable') when the install fails (registry
   * unreachable, npm error, a binary that does not run); the message has npm's output tail.
   */
  ensure(pkg: AgentCliPackage): Promise<InstalledCli> {
    const name = agentVolumeName(pkg);
    let p = this.pending.get(name);
    if (!p) {
      p = this.install(pkg, name);
      this.pending.set(name, p);
      // Only a success is kept: the next station tries a failed install again.
      p.catch(() => this.pending.delete(name));
    }
    return p;
  }

  private async install(pkg: AgentCliPackage, name: string): Promise<InstalledCli> {
    const access = await this.o.access();
    const { docker } = access;
    const mountPath = `${AGENT_CLI_ROOT}/${pkg.cli}`;
    const result = (marker: InstallMarker, reused: boolean): InstalledCli => ({
      volume: { volume: name, containerPath: mountPath },
      bin: `${mountPath}/pkg/node_modules/${pkg.npmName}/${pkg.bin}`,
      marker,
      reused,
    });
    // Created here, labelled, before anything mounts it (a mount would create it unlabelled).
    const volumes = await docker.listVolumes({ filters: { name: [name] } });
    if (!volumes.Volumes?.some((v) => v.Name === name))
      await docker.createVolume({ Name: name, Labels: { [LABEL_OWNER]: access.owner, [LABEL_AGENT_CLI]: pkg.cli, [LABEL_AGENT_VERSION]: pkg.version } });
    const existing = await this.readMarker(docker, access.owner, name, mountPath);
    if (existing) {
      this.o.logger?.info(`agent CLI ${pkg.npmName}@${pkg.version}: volume ${name} (installed ${existing.installedAt})`);
      return result(existing, true);
    }
    this.o.logger?.info(`agent CLI ${pkg.npmName}@${pkg.version}: installing into volume ${name}`);
    await this.runInstaller(access, pkg, name, mountPath);
    const marker = await this.readMarker(docker, access.owner, name, mountPath);
    if (!marker) throw new RetryableCause('engine-unavailable', `agent CLI ${pkg.npmName}@${pkg.version}: the installer finished but wrote no install marker`);
    return result(marker, false);
  }

  /** The volume's install marker, or undefined when the volume or the marker is missing. */
  private async readMarker(docker: Docker, owner: string, volume: string, mountPath: string): Promise<InstallMarker | undefined> {
    let probe: Docker.Container;
    try {
      probe = await docker.createContainer({
        Image: this.o.image,
        Labels: { [LABEL_OWNER]: owner, [LABEL_SESSION]: currentSessionId() },
        Entrypoint: ['/bin/true'],
        Cmd: [],
        NetworkDisabled: true,
        HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: volume, Target: mountPath, ReadOnly: true }] },
      });
    } catch (e) {
      throw new RetryableCause('engine-unavailable', `cannot read agent CLI volume ${volume}: ${(e as Error).message}`);
    }
    try {
      const text = await readContainerFile(docker, probe.id, `${mountPath}/${INSTALL_MARKER}`);
      if (text === undefined) return undefined;
      try {
        return JSON.parse(text) as InstallMarker;
      } catch {
        return undefined;
      }
    } finally {
      await probe.remove({ force: true, v: false }).catch(() => undefined);
    }
  }

  private async runInstaller(access: HelperAccess, pkg: AgentCliPackage, volume: string, mountPath: string): Promise<void> {
    const { docker } = access;
    const proxy = access.proxyUrl;
    const registry = this.o.registry ?? 'https://registry.npmjs.org/';
    const env = {
      HTTP_PROXY: proxy,
      HTTPS_PROXY: proxy,
      http_proxy: proxy,
      https_proxy: proxy,
      npm_config_proxy: proxy,
      npm_config_https_proxy: proxy,
      npm_config_registry: registry,
      npm_config_cache: '/tmp/npm-cache',
      npm_config_update_notifier: 'false',
      HOME: '/tmp',
    };
    const container = await docker.createContainer({
      name: `shopfloor-install-${volume.slice('shopfloor-agent-'.length)}-${Date.now().toString(36)}`,
      Image: this.o.image,
      Entrypoint: KEEPALIVE,
      Cmd: [],
      // The volume starts root-owned; root here has no capabilities and cannot gain any.
      User: '0:0',
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      // This process's session: another window's orphan sweep leaves a running install alone, and removes one this process left behind when it died.
      Labels: { [LABEL_OWNER]: access.owner, [LABEL_SESSION]: currentSessionId(), [LABEL_INSTALLER]: volume },
      HostConfig: {
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges:true'],
        ReadonlyRootfs: true,
        Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=1073741824' },
        Memory: 2 * 1024 ** 3,
        PidsLimit: 512,
        NetworkMode: access.network,
        Mounts: [{ Type: 'volume', Source: volume, Target: mountPath, ReadOnly: false }],
        AutoRemove: false,
      },
    });
    let ip: string | undefined;
    try {
      await container.start();
      ip = (await container.inspect()).NetworkSettings.Networks[access.network]?.IPAddress;
      if (!ip) throw new Error(`installer has no address on ${access.network}`);
      access.register(ip, `agent-install:${volume}`, this.o.registryHosts ?? ['registry.npmjs.org']);
      let output = '';
      const sink = (b: Buffer) => {
        const t = b.toString('utf8');
        output = (output + t).slice(-4000);
        for (const line of t.split('\n')) if (line.trim()) this.o.logger?.info(`[agent-install ${pkg.cli}] ${line}`);
      };
      const r = await runExec({
        docker,
        containerId: container.id,
        argv: ['/bin/sh', '-c', installScript(pkg, mountPath)],
        env: [],
        cwd: '/tmp',
        user: '0:0',
        timeoutMs: this.o.timeoutMs ?? 300_000,
        maxOutputBytes: 1024 * 1024,
        onStdout: sink,
        onStderr: sink,
      });
      if (r.exitCode !== 0 || r.endReason !== 'exited')
        throw new RetryableCause('engine-unavailable', `installing ${pkg.npmName}@${pkg.version} failed (${r.endReason}, exit ${r.exitCode}): ${output.trim().split('\n').slice(-15).join('\n')}`);
    } catch (e) {
      if (e instanceof RetryableCause) throw e;
      throw new RetryableCause('engine-unavailable', `installing ${pkg.npmName}@${pkg.version}: ${(e as Error).message}`);
    } finally {
      if (ip) access.unregister(ip);
      await container.remove({ force: true, v: false }).catch(() => undefined);
    }
  }
}

/** Single-quotes a word for /bin/sh. */
function sh(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The installer's shell script: npm install of the exact version without lifecycle
 * scripts into a fresh staging folder, the package's postInstall, a version check, then the
 * move into place and the marker, last.
 */
function installScript(pkg: AgentCliPackage, root: string): string {
  // Unique per installer (each container has its own PID namespace, so `$$` would not be).
  const stage = `${root}/.staging-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const dir = `${stage}/node_modules/${pkg.npmName}`;
  const marker = JSON.stringify({ cli: pkg.cli, npmName: pkg.npmName, version: pkg.version });
  return [
    'set -eu',
    // A failed install leaves no half-written staging folder behind (after the move it is gone anyway).
    `trap 'rm -rf ${stage}' EXIT`,
    `rm -f ${root}/${INSTALL_MARKER}`,
    `mkdir -p ${stage}`,
    `npm install --prefix ${stage} --no-audit --no-fund --ignore-scripts --no-save --no-package-lock ${[`${pkg.npmName}@${pkg.version}`, ...(pkg.alongside ?? [])].map(sh).join(' ')}`,
    ...(pkg.postInstall ? [`(cd ${dir} && ${pkg.postInstall.map(sh).join(' ')})`] : []),
    `v="$(${dir}/${pkg.bin} --version 2>&1 | head -n 1)"`,
    'echo "installed: $v"',
    `rm -rf ${root}/pkg`,
    `mv ${stage} ${root}/pkg`,
    `printf '%s' ${sh(marker.slice(0, -1))}',"installedAt":"'"$(date -u +%Y-%m-%dT%H:%M:%SZ)"'","reportedVersion":"'"$(printf '%s' "$v" | tr -d '"\\\\')"'"}' > ${root}/${INSTALL_MARKER}`,
  ].join('\n');
}

/**
 * Whether the volume of `pkg` (one CLI recipe, agentVolumeName) exists on the engine: a quick,
 * read-only query (a volume list filtered by name) for showing "installed" in a picker.
 * A volume whose install never finished also counts; ensure() installs into it again.
 */
export async function agentVolumeExists(docker: Docker, pkg: AgentCliPackage): Promise<boolean> {
  const name = agentVolumeName(pkg);
  const volumes = await docker.listVolumes({ filters: { name: [name] } });
  return !!volumes.Volumes?.some((v) => v.Name === name);
}
