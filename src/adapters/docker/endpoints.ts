import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { DockerOptions } from 'dockerode';

/** One way of reaching an engine, before it is tried. */
export interface EndpointCandidate {
  /** Where it came from, for messages: `setting`, `DOCKER_HOST`, `context "x"`, `default socket`. */
  source: string;
  /** `unix:///var/run/docker.sock`, `tcp://h:2376`, `ssh://u@h`. */
  endpoint: string;
  /** Options for dockerode; every key docker-modem would otherwise read from the environment is set. */
  options: DockerOptions;
  /** The engine runs elsewhere: bind mounts of host paths would not see the run workspace. */
  remote: boolean;
}

/** What discovery reads, injectable so tests do not depend on the machine. */
export interface DiscoveryEnv {
  env: Record<string, string | undefined>;
  home: string;
  platform: NodeJS.Platform;
  exists(path: string): boolean;
  readText(path: string): string | undefined;
  /** Overrides the well-known socket paths (tests). */
  defaultSockets?: string[];
}

export const processDiscoveryEnv = (): DiscoveryEnv => ({
  env: process.env,
  home: homedir(),
  platform: process.platform,
  exists: existsSync,
  readText: (p) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
});

/**
 * Engines to try, in order: the `shopfloor.docker.host` setting, `DOCKER_HOST`, the
 * current Docker context (`DOCKER_CONTEXT`, else `currentContext` in the Docker config,
 * resolved through `contexts/meta/<sha256(name)>/meta.json`, which dockerode does not
 * read), then the default sockets that exist (Docker Engine, Docker Desktop, rootless,
 * Colima, Rancher Desktop). Problems reading a context become candidates that fail with
 * the reason, so the final error shows them.
 */
export function endpointCandidates(setting: string | undefined, d: DiscoveryEnv = processDiscoveryEnv()): EndpointCandidate[] {
  const out: EndpointCandidate[] = [];
  const configDir = d.env.DOCKER_CONFIG || join(d.home, '.docker');
  const push = (source: string, host: string, tls?: Tls) => {
    const c = fromHost(source, host, tls);
    if (c && !out.some((o) => o.endpoint === c.endpoint)) out.push(c);
  };
  if (setting?.trim()) push('setting shopfloor.docker.host', setting.trim(), envTls(d, configDir));
  if (d.env.DOCKER_HOST?.trim()) push('DOCKER_HOST', d.env.DOCKER_HOST.trim(), envTls(d, configDir));

  const ctx = currentContext(d, configDir);
  if (ctx && ctx !== 'default') {
    const id = createHash('sha256').update(ctx).digest('hex');
    const metaText = d.readText(join(configDir, 'contexts', 'meta', id, 'meta.json'));
    let host: string | undefined;
    let skipVerify = false;
    try {
      const meta = metaText ? (JSON.parse(metaText) as { Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } } }) : undefined;
      host = meta?.Endpoints?.docker?.Host;
      skipVerify = meta?.Endpoints?.docker?.SkipTLSVerify === true;
    } catch {
      host = undefined;
    }
    if (host) {
      const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
      push(`context "${ctx}"`, host, tlsFrom(d, tlsDir, skipVerify));
    } else {
      out.push({ source: `context "${ctx}"`, endpoint: `(context "${ctx}" has no readable docker endpoint in ${join(configDir, 'contexts', 'meta', id)})`, options: { socketPath: '/nonexistent' }, remote: false });
    }
  }

  if (d.platform === 'win32') push('default pipe', 'npipe:////./pipe/docker_engine');
  else {
    const sockets = d.defaultSockets ?? [
      '/var/run/docker.sock',
      join(d.home, '.docker', 'run', 'docker.sock'),
      join(d.home, '.docker', 'desktop', 'docker.sock'),
      d.env.XDG_RUNTIME_DIR ? join(d.env.XDG_RUNTIME_DIR, 'docker.sock') : undefined,
      join(d.home, '.colima', 'default', 'docker.sock'),
      join(d.home, '.rd', 'docker.sock'),
    ].filter((s): s is string => !!s);
    const present = sockets.filter((s) => d.exists(s));
    // With nothing present, still try the standard socket so the error names it.
    for (const s of present.length ? present : sockets.slice(0, 1)) push('default socket', `unix://${s}`);
  }
  return out;
}

interface Tls {
  ca?: string;
  cert?: string;
  key?: string;
  verify: boolean;
  /** DOCKER_TLS_VERIFY or a context's TLS material asks for TLS. */
  wanted: boolean;
}

function currentContext(d: DiscoveryEnv, configDir: string): string | undefined {
  if (d.env.DOCKER_CONTEXT?.trim()) return d.env.DOCKER_CONTEXT.trim();
  const text = d.readText(join(configDir, 'config.json'));
  if (!text) return undefined;
  try {
    const v = (JSON.parse(text) as { currentContext?: unknown }).currentContext;
    return typeof v === 'string' && v ? v : undefined;
  } catch {
    return undefined;
  }
}

function envTls(d: DiscoveryEnv, configDir: string): Tls {
  const dir = d.env.DOCKER_CERT_PATH || configDir;
  const t = tlsFrom(d, dir, d.env.DOCKER_TLS_VERIFY === undefined || d.env.DOCKER_TLS_VERIFY === '');
  return { ...t, wanted: !!d.env.DOCKER_TLS_VERIFY || t.wanted, verify: !!d.env.DOCKER_TLS_VERIFY };
}

function tlsFrom(d: DiscoveryEnv, dir: string, skipVerify: boolean): Tls {
  const ca = d.readText(join(dir, 'ca.pem'));
  const cert = d.readText(join(dir, 'cert.pem'));
  const key = d.readText(join(dir, 'key.pem'));
  return { ca, cert, key, verify: !skipVerify, wanted: !!(cert && key) };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** DOCKER_HOST syntax to dockerode options. Every modem default is overridden so the process environment cannot leak in. */
export function fromHost(source: string, host: string, tls?: Tls): EndpointCandidate | undefined {
  const base = { host: undefined, port: undefined, socketPath: undefined, protocol: undefined, ca: undefined, cert: undefined, key: undefined } as const;
  if (host.startsWith('unix://')) return { source, endpoint: host, options: { ...base, socketPath: host.slice('unix://'.length) }, remote: false };
  if (host.startsWith('npipe://')) return { source, endpoint: host, options: { ...base, socketPath: host.slice('npipe://'.length) }, remote: false };
  let url: URL;
  try {
    url = new URL(host.includes('://') ? host : `tcp://${host}`);
  } catch {
    return { source, endpoint: `${host} (not a valid engine address)`, options: { ...base, socketPath: '/nonexistent' }, remote: false };
  }
  const remote = !LOOPBACK.has(url.hostname);
  if (url.protocol === 'ssh:') {
    return {
      source,
      endpoint: host,
      options: {
        ...base,
        protocol: 'ssh',
        host: url.hostname,
        port: url.port || '22',
        username: decodeURIComponent(url.username) || undefined,
        sshOptions: { agent: process.env.SSH_AUTH_SOCK },
      },
      remote: true,
    };
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    const useTls = url.protocol === 'https:' || url.port === '2376' || !!tls?.wanted;
    return {
      source,
      endpoint: host,
      options: {
        ...base,
        protocol: useTls ? 'https' : 'http',
        host: url.hostname,
        port: url.port || (useTls ? '2376' : '2375'),
        ...(useTls ? { ca: tls?.ca, cert: tls?.cert, key: tls?.key } : {}),
        ...(useTls && tls && !tls.verify ? { checkServerIdentity: () => undefined } : {}),
      } as DockerOptions,
      remote,
    };
  }
  return { source, endpoint: `${host} (unsupported scheme ${url.protocol})`, options: { ...base, socketPath: '/nonexistent' }, remote: false };
}
