import { MAX_SHM_BYTES, parseSize, SAFE_CAPABILITIES } from './defaults';
import { checkTarget } from './mounts';
import type { MountSpec, ResourceLimits } from './types';

/** What an accepted `runArgs` list changes. Limits may only go down, never above the blueprint's. */
export interface RunArgsEffect {
  capAdd: string[];
  env: Record<string, string>;
  tmpfs: MountSpec[];
  limits: Partial<ResourceLimits>;
  init?: boolean;
  shmSizeBytes?: number;
  user?: string;
  notes: string[];
  refused: string[];
}

/** The reviewed subset, for messages. */
export const ALLOWED_RUN_ARGS = ['--cap-add', '--cap-drop', '--init', '--shm-size', '-e/--env', '-m/--memory', '--cpus', '--pids-limit', '--tmpfs', '-u/--user', '--security-opt no-new-privileges'];

/** Flags that take a value (refused ones too, so their value is not mistaken for a flag). */
const WITH_VALUE = new Set(['--cap-add', '--cap-drop', '--shm-size', '-e', '--env', '-m', '--memory', '--cpus', '--pids-limit', '--tmpfs', '-u', '--user', '--security-opt',
  '--network', '--net', '-v', '--volume', '--mount', '--pid', '--ipc', '--uts', '--userns', '--device', '--gpus', '--add-host', '--label', '-l', '--name', '--hostname', '-h', '--ulimit', '--runtime', '--cgroup-parent', '--volumes-from', '-p', '--publish']);

/** Why the common dangerous flags are refused, so the message teaches rather than just says no. */
const REFUSAL_WHY: Record<string, string> = {
  '--privileged': 'gives the container every capability and all host devices',
  '--network': 'the network comes from the blueprint (none, or egress through the allowlisting proxy)',
  '--net': 'the network comes from the blueprint (none, or egress through the allowlisting proxy)',
  '-v': 'mounts go in "mounts", where they are checked to stay inside the run workspace',
  '--volume': 'mounts go in "mounts", where they are checked to stay inside the run workspace',
  '--mount': 'mounts go in "mounts", where they are checked to stay inside the run workspace',
  '--pid': 'shares a host namespace',
  '--ipc': 'shares a host namespace',
  '--uts': 'shares a host namespace',
  '--userns': 'shares a host namespace',
  '--device': 'exposes host devices',
  '--gpus': 'exposes host devices',
};

/**
 * Applies a devcontainer.json `runArgs` list against the reviewed safe subset
 * (`ALLOWED_RUN_ARGS`); everything else lands in `refused` with the reason, and the
 * caller refuses the whole configuration. Limits above the blueprint's and a
 * `--shm-size` above MAX_SHM_BYTES (or the memory wall) are kept at the wall, with a note.
 */
export function applyRunArgs(args: string[], base: ResourceLimits): RunArgsEffect {
  const out: RunArgsEffect = { capAdd: [], env: {}, tmpfs: [], limits: {}, notes: [], refused: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    let value: string | undefined = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (WITH_VALUE.has(flag) && value === undefined) {
      value = args[++i];
      if (value === undefined) {
        out.refused.push(`${flag} needs a value`);
        continue;
      }
    }
    const v = value ?? '';
    switch (flag) {
      case '--cap-add': {
        const cap = v.toUpperCase().replace(/^CAP_/, '');
        if ((SAFE_CAPABILITIES as readonly string[]).includes(cap)) out.capAdd.push(cap);
        else out.refused.push(`--cap-add ${v}: only ${SAFE_CAPABILITIES.join(', ')} may be added`);
        break;
      }
      case '--cap-drop':
        out.notes.push(`runArgs --cap-drop ${v}: all capabilities are already dropped`);
        break;
      case '--init':
        out.init = true;
        break;
      case '--shm-size': {
        const n = parseSize(v);
        const max = Math.min(MAX_SHM_BYTES, base.memoryBytes);
        if (n === undefined) out.refused.push(`--shm-size ${v}: not a size`);
        else if (n > max) {
          out.notes.push(`runArgs --shm-size ${v} is above the station maximum; keeping ${max} bytes`);
          out.shmSizeBytes = max;
        } else out.shmSizeBytes = n;
        break;
      }
      case '-e':
      case '--env': {
        const k = v.indexOf('=');
        if (k <= 0) out.refused.push(`${flag} ${v}: only NAME=value is accepted (host variables are never passed through)`);
        else out.env[v.slice(0, k)] = v.slice(k + 1);
        break;
      }
      case '-m':
      case '--memory':
        lower(out, 'memoryBytes', parseSize(v), base, `${flag} ${v}`);
        break;
      case '--cpus':
        lower(out, 'cpus', Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : undefined, base, `--cpus ${v}`);
        break;
      case '--pids-limit':
        lower(out, 'pids', /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined, base, `--pids-limit ${v}`);
        break;
      case '--tmpfs': {
        const [target, opts] = [v.split(':')[0]!, v.split(':').slice(1).join(':')];
        const problem = checkTarget(target);
        const size = /(?:^|,)size=([^,]+)/.exec(opts)?.[1];
        if (problem) out.refused.push(`--tmpfs ${v}: ${problem}`);
        else out.tmpfs.push({ type: 'tmpfs', target, sizeBytes: size ? parseSize(size) : undefined });
        break;
      }
      case '-u':
      case '--user':
        out.user = v;
        break;
      case '--security-opt':
        if (/^no-new-privileges(?::true)?$/.test(v)) out.notes.push('runArgs --security-opt no-new-privileges: always on');
        else out.refused.push(`--security-opt ${v}: only no-new-privileges is accepted`);
        break;
      default:
        out.refused.push(`${flag}: ${REFUSAL_WHY[flag] ?? `not in the reviewed subset (${ALLOWED_RUN_ARGS.join(', ')})`}`);
    }
  }
  return out;
}

function lower<K extends 'memoryBytes' | 'cpus' | 'pids'>(out: RunArgsEffect, key: K, n: number | undefined, base: ResourceLimits, what: string): void {
  if (n === undefined) out.refused.push(`${what}: not a valid value`);
  else if (n > base[key]) out.notes.push(`runArgs ${what} is above the blueprint's limit; keeping ${base[key]}`);
  else out.limits[key] = n;
}
