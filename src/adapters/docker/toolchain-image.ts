import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { shopfloorHome } from '../registry/location';
import { ImageBuildError, NPM_FOR_NODE, imageTagFor, versionSatisfies, type BuildOutput, type ToolchainRequest } from '../../core/container';
import { contentHash } from '../../core/hash';
import { packContext } from './build-context';
import { inspectImage, type ResolvedImage } from './images';
import { LABEL_IMAGE_HASH } from './labels';

/** Versions of the tools an image has, from `node -v` and friends; '' when a tool is absent. */
export interface ImageTools {
  node: string;
  npm: string;
  pnpm: string;
  yarn: string;
}

const probed = new Map<string, Promise<ImageTools>>();

/**
 * The station image with the Node.js and package manager the repository asks for
 * (toolchainRequest): the base image when it already satisfies the request, else an image
 * built FROM it that adds the Node.js binary from the npm registry's `node-linux-<arch>`
 * package (the official binary, the package the `node` npm package installs) under
 * /opt/shopfloor-node, linked first on PATH as /usr/local/bin/node, and the package
 * manager through npm (`npm`, `pnpm`, `yarn` 1, or `@yarnpkg/cli-dist` for yarn ≥2); when
 * only Node.js changes, npm moves to the line that goes with it (npmForNode). Ranges reach
 * the build as build arguments, never through a shell. Tagged by a hash of the base image
 * id and the request, and reused. I/O: the engine (a probe container, an image build whose
 * RUN steps reach the npm registry). Throws ImageBuildError with the log tail.
 */
export async function ensureToolchainImage(
  docker: Docker,
  base: ResolvedImage & { name: string },
  request: ToolchainRequest,
  o: { arch: string; onOutput?: (l: BuildOutput) => void },
): Promise<{ image: ResolvedImage; notes: string[] }> {
  const have = await imageTools(docker, base.id);
  const notes: string[] = [];
  const wantNode = request.node && !versionSatisfies(have.node, request.node.range) ? request.node : undefined;
  if (request.node && !wantNode) notes.push(`Node.js ${have.node} of the station image satisfies ${request.node.source} (${request.node.range})`);
  let pm: { name: string; pkg: string; range: string; why: string } | undefined;
  const p = request.packageManager;
  if (p && !versionSatisfies(have[p.name], p.range)) pm = { name: p.name, pkg: p.name === 'yarn' && !versionSatisfies('1.22.0', p.range) ? '@yarnpkg/cli-dist' : p.name, range: p.range, why: p.source };
  else if (p) notes.push(`${p.name} ${have[p.name]} of the station image satisfies ${p.source} (${p.range})`);
  // npm runs on the new Node.js: unless the repository chose npm's version, it moves to the
  // line that goes with the Node.js installed (NPM_FOR_NODE, picked in the build, once the
  // exact Node.js version the range resolved to is known).
  const npmFollowsNode = !!wantNode && !pm && p?.name !== 'npm';
  if (!wantNode && !pm) return { image: base, notes };
  if (npmFollowsNode) notes.push('npm moves to the line that goes with the Node.js installed');

  const arch = { x86_64: 'x64', amd64: 'x64', aarch64: 'arm64', arm64: 'arm64' }[o.arch] ?? o.arch;
  const hash = contentHash({ v: 1, kind: 'toolchain', base: base.id, node: wantNode?.range, pm: pm && [pm.pkg, pm.range], npmFollowsNode, arch });
  const tag = imageTagFor(hash);
  const existing = await inspectImage(docker, tag);
  if (existing) return { image: { ...existing, built: false }, notes: [...notes, ...described(wantNode, pm)] };

  const dockerfile = [
    `FROM ${base.name}`,
    'USER root',
    ...(wantNode
      ? [
          `ARG NODE_PACKAGE=node-linux-${arch}`,
          'ARG NODE_RANGE',
          'RUN set -e; mkdir -p /opt/shopfloor-node; cd /opt/shopfloor-node; npm pack --silent "${NODE_PACKAGE}@${NODE_RANGE}" >/dev/null; tar -xzf ./*.tgz --strip-components=1 package/bin/node package/LICENSE; rm -f ./*.tgz; ln -sf /opt/shopfloor-node/bin/node /usr/local/bin/node; /usr/local/bin/node -v',
        ]
      : []),
    ...(npmFollowsNode
      ? [
          `RUN set -e; m=$(node -p 'process.versions.node.split(".")[0]'); ${NPM_FOR_NODE.map(([min, line], i) => `${i ? 'elif' : 'if'} [ "$m" -ge ${min} ]; then v=${line};`).join(' ')} fi; npm install -g --prefix /usr/local --no-fund --no-audit "npm@$v"; hash -r; npm --version`,
        ]
      : []),
    ...(pm ? ['ARG PM_PACKAGE', 'ARG PM_RANGE', 'RUN set -e; npm install -g --prefix /usr/local --no-fund --no-audit "${PM_PACKAGE}@${PM_RANGE}"; hash -r; ' + `${pm.name} --version`] : []),
    `USER ${base.user || 'root'}`,
    '',
  ].join('\n');
  const log: string[] = [];
  const emit = (l: BuildOutput) => {
    log.push(l.text);
    if (log.length > 200) log.shift();
    o.onOutput?.(l);
  };
  let failure: string | undefined;
  try {
    const stream = await docker.buildImage(packContext('/', [], { Dockerfile: dockerfile }) as unknown as NodeJS.ReadableStream, {
      t: tag,
      buildargs: { ...(wantNode ? { NODE_RANGE: wantNode.range } : {}), ...(pm ? { PM_PACKAGE: pm.pkg, PM_RANGE: pm.range } : {}) },
      labels: { [LABEL_IMAGE_HASH]: hash },
      rm: true,
      forcerm: true,
    });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(
        stream,
        (err) => (err ? reject(err) : resolve()),
        (ev: { stream?: string; error?: string }) => {
          if (ev.error) {
            failure = ev.error;
            emit({ stream: 'error', text: ev.error });
          } else if (ev.stream) for (const line of ev.stream.split('\n')) if (line.trim()) emit({ stream: 'build', text: line });
        },
      ),
    );
  } catch (e) {
    failure ??= (e as Error).message;
  }
  if (failure) throw new ImageBuildError(`the station image with ${described(wantNode, pm).join(' and ')} could not be built: ${failure.trim()}`, log.join('\n'));
  const built = await inspectImage(docker, tag);
  if (!built) throw new ImageBuildError(`toolchain build produced no image ${tag}`, log.join('\n'));
  return { image: { ...built, built: true }, notes: [...notes, ...described(wantNode, pm)] };
}

function described(node: ToolchainRequest['node'], pm: { name: string; range: string; why: string } | undefined): string[] {
  return [...(node ? [`Node.js ${node.range} (asked by ${node.source})`] : []), ...(pm ? [`${pm.name} ${pm.range} (for ${pm.why})`] : [])];
}

/**
 * Tool versions of an image, probed once per image id in a created, started, network-less
 * container, and kept in `dir/<image id>.json` (by default under the Shopfloor home,
 * `cache/image-tools`) so later processes skip the probe: an image id is the SHA-256 of the
 * image's configuration, which names its layers, so the same id always has the same tools.
 * The probe took about 0.9 s of every CLI run's first station (`npm --version` on Node 18
 * alone is about 0.4 s). An unreadable or malformed file is probed again and rewritten.
 * I/O: the engine (one container) and that file.
 */
export function imageTools(docker: Docker, imageId: string, dir: string = join(shopfloorHome(), 'cache', 'image-tools')): Promise<ImageTools> {
  let p = probed.get(imageId);
  if (!p) {
    p = (async () => {
      const file = /^sha256:[0-9a-f]{64}$/.test(imageId) ? join(dir, `${imageId.slice('sha256:'.length)}.json`) : undefined;
      const kept = file ? readKeptTools(file) : undefined;
      if (kept) return kept;
      const tools = await probeTools(docker, imageId);
      if (file) {
        try {
          mkdirSync(dir, { recursive: true });
          writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(tools));
          renameSync(`${file}.${process.pid}.tmp`, file);
        } catch {
          // A cache that cannot be written only costs the next process the probe.
        }
      }
      return tools;
    })();
    probed.set(imageId, p);
    p.catch(() => probed.delete(imageId));
  }
  return p;
}

/** Tool versions kept by an earlier process, or undefined when the file is absent or not a tools record. */
function readKeptTools(file: string): ImageTools | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const keys = ['node', 'npm', 'pnpm', 'yarn'] as const;
    return keys.every((k) => typeof v[k] === 'string') ? { node: v.node as string, npm: v.npm as string, pnpm: v.pnpm as string, yarn: v.yarn as string } : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the probe container: `<tool> --version` for node, npm, pnpm and yarn, as root, with no network. */
async function probeTools(docker: Docker, imageId: string): Promise<ImageTools> {
  const c = await docker.createContainer({
    Image: imageId,
    Entrypoint: ['/bin/sh', '-c'],
    Cmd: ['for t in node npm pnpm yarn; do v=$($t --version 2>/dev/null | head -n1); echo "$t=$v"; done'],
    User: 'root',
    NetworkDisabled: true,
    HostConfig: { NetworkMode: 'none' },
  });
  try {
    await c.start();
    await c.wait();
    const text = frames((await c.logs({ stdout: true, stderr: false })) as unknown as Buffer);
    const get = (t: string) => new RegExp(`^${t}=(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
    return { node: get('node'), npm: get('npm'), pnpm: get('pnpm'), yarn: get('yarn') };
  } finally {
    await c.remove({ force: true }).catch(() => undefined);
  }
}

/** The payload of Docker's multiplexed log frames (8-byte header: stream, 3 zero bytes, big-endian length). */
function frames(buf: Buffer): string {
  const parts: Buffer[] = [];
  for (let i = 0; i + 8 <= buf.length; ) {
    const len = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  return Buffer.concat(parts).toString('utf8');
}

