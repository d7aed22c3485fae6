import { isAbsolute, normalize, relative, resolve, sep } from 'node:path';
import { posix } from 'node:path';
import { parseSize } from './defaults';
import type { MountSpec } from './types';

/** A mount as a devcontainer.json writes it, after variable substitution. */
export interface RawMount {
  type: string;
  source?: string;
  target?: string;
  readOnly: boolean;
  tmpfsSize?: number;
}

/** Targets a mount may never cover: the kernel's views and the container's own plumbing. */
const FORBIDDEN_TARGETS = ['/proc', '/sys', '/dev', '/etc/hosts', '/etc/resolv.conf', '/etc/hostname'];

/**
 * Parses the Docker `--mount` string form (`source=/a,target=/b,type=bind,readonly`) or
 * the spec's object form (`{ source, target, type }`). Returns a problem message when
 * it does not parse.
 */
export function parseMount(value: unknown): RawMount | { problem: string } {
  if (typeof value === 'string') {
    const out: RawMount = { type: 'volume', readOnly: false };
    for (const part of value.split(',')) {
      const eq = part.indexOf('=');
      const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
      const val = eq < 0 ? '' : part.slice(eq + 1).trim();
      if (key === 'type') out.type = val;
      else if (key === 'source' || key === 'src') out.source = val;
      else if (key === 'target' || key === 'dst' || key === 'destination') out.target = val;
      else if (key === 'readonly' || key === 'ro') out.readOnly = val === '' || val === 'true' || val === '1';
      else if (key === 'tmpfs-size') {
        const n = parseSize(val);
        if (n === undefined) return { problem: `tmpfs-size ${JSON.stringify(val)} is not a size` };
        out.tmpfsSize = n;
      } else if (key === 'consistency' || key === 'bind-propagation' || key === 'tmpfs-mode') continue;
      else return { problem: `mount option "${key}" is not supported` };
    }
    return out;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (typeof o.target !== 'string' || typeof o.type !== 'string') return { problem: 'a mount object needs string "type" and "target"' };
    return { type: o.type, source: typeof o.source === 'string' ? o.source : undefined, target: o.target, readOnly: false };
  }
  return { problem: 'a mount is a string or an object' };
}

/**
 * Lexical check of a host path against the run's workspace: the Docker socket, `~`,
 * relative paths and anything that normalizes outside `workspaceDir` are refused.
 * Returns the workspace-relative path (POSIX separators) or the reason for refusal.
 * Symlinks are not visible here: the adapter repeats the check on real paths
 * (`isInsideRoot`) before it creates the container.
 */
export function workspaceRelativeSource(source: string, workspaceDir: string): { path: string } | { refused: string } {
  if (/docker\.sock|docker_engine|\/\.docker(\/|$)/i.test(source)) return { refused: 'the Docker socket never enters a station' };
  if (source.startsWith('~')) return { refused: 'home-directory paths are outside the run workspace' };
  if (!isAbsolute(source)) return { refused: 'a bind source must be an absolute path inside the run workspace (use ${localWorkspaceFolder}/...)' };
  const rel = relative(resolve(workspaceDir), resolve(normalize(source)));
  if (!isInsideRelative(rel)) return { refused: `resolves outside the run workspace ${workspaceDir}` };
  return { path: rel.split(sep).join('/') };
}

/** True when `candidate` (an absolute, already real path) is `root` or below it. */
export function isInsideRoot(root: string, candidate: string): boolean {
  return isInsideRelative(relative(root, candidate));
}

function isInsideRelative(rel: string): boolean {
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Checks a container-side target: absolute, not `/`, not over the kernel's or engine's files. */
export function checkTarget(target: string | undefined): string | undefined {
  if (!target) return 'a mount needs a target';
  if (!target.startsWith('/')) return `target ${JSON.stringify(target)} must be an absolute container path`;
  const t = posix.normalize(target);
  if (t === '/') return 'a mount may not cover the container root';
  if (FORBIDDEN_TARGETS.some((f) => t === f || t.startsWith(`${f}/`))) return `target ${t} is reserved`;
  return undefined;
}

/** Validates one parsed mount into a MountSpec, or says why it is refused. */
export function validateMount(raw: RawMount, workspaceDir: string): MountSpec | { refused: string } {
  const targetProblem = checkTarget(raw.target);
  if (targetProblem) return { refused: targetProblem };
  const target = posix.normalize(raw.target!);
  if (raw.type === 'tmpfs') return { type: 'tmpfs', target, sizeBytes: raw.tmpfsSize };
  if (raw.type === 'volume') return { refused: 'named volumes outlive the run and are shared between runs; use a bind inside the workspace or a tmpfs' };
  if (raw.type !== 'bind') return { refused: `mount type "${raw.type}" is not supported (bind inside the workspace, or tmpfs)` };
  if (!raw.source) return { refused: 'a bind mount needs a source' };
  const rel = workspaceRelativeSource(raw.source, workspaceDir);
  if ('refused' in rel) return rel;
  return { type: 'bind', workspacePath: rel.path, target, readOnly: raw.readOnly };
}
