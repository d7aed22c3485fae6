import { SAFE_CAPABILITIES } from './defaults';
import { LIFECYCLE_PROPERTIES, parseLifecycleCommand } from './lifecycle';
import type { LifecycleCommand, LifecycleCommands } from './types';

/** What the features built into an image ask of the container (their `devcontainer.metadata` entries). */
export interface FeatureMetadataEffect {
  /** Feature lifecycle commands per hook, in install order; they run before the configuration's own (the spec's merge order). */
  lifecycle: { [K in keyof LifecycleCommands]?: LifecycleCommand[] };
  capAdd: string[];
  notes: string[];
  problems: { property: string; message: string }[];
}

/**
 * Reads the image metadata entries a feature build wrote (containers.dev/implementors/spec,
 * "Merge logic"), keeping only those of features (entries with an `id`): lifecycle
 * commands are run, `capAdd` is honoured within SAFE_CAPABILITIES, `privileged` and other
 * capabilities are refused by feature id, `mounts`, `entrypoint` and `init` are left out
 * with a note (a station's mounts are only the run workspace, and it keeps its own init).
 * `containerEnv` needs nothing here: the build wrote it into the image as ENV. Pure.
 */
export function featureMetadataEffect(entries: Record<string, unknown>[]): FeatureMetadataEffect {
  const out: FeatureMetadataEffect = { lifecycle: {}, capAdd: [], notes: [], problems: [] };
  for (const e of entries) {
    const id = typeof e.id === 'string' ? e.id : undefined;
    if (!id) continue;
    const where = `features.${id}`;
    if (e.privileged === true) out.problems.push({ property: `${where}.privileged`, message: 'the feature asks for a privileged container, which is never run' });
    for (const cap of Array.isArray(e.capAdd) ? e.capAdd : []) {
      const c = String(cap).toUpperCase().replace(/^CAP_/, '');
      if ((SAFE_CAPABILITIES as readonly string[]).includes(c)) out.capAdd.push(c);
      else out.problems.push({ property: `${where}.capAdd`, message: `${String(cap)}: only ${SAFE_CAPABILITIES.join(', ')} may be added` });
    }
    for (const so of Array.isArray(e.securityOpt) ? e.securityOpt : [])
      if (!/^no-new-privileges(?::true)?$/.test(String(so))) out.problems.push({ property: `${where}.securityOpt`, message: `${String(so)}: only no-new-privileges is accepted` });
    if (Array.isArray(e.mounts) && e.mounts.length) out.notes.push(`${where}: its mounts are not made (a station mounts only the run workspace)`);
    if (typeof e.entrypoint === 'string') out.notes.push(`${where}: its entrypoint ${e.entrypoint} is not run (stations keep their own init)`);
    for (const [prop, hook] of LIFECYCLE_PROPERTIES) {
      const c = parseLifecycleCommand(e[prop]);
      if (c && 'problem' in c) out.problems.push({ property: `${where}.${prop}`, message: c.problem });
      else if (c) (out.lifecycle[hook] ??= []).push(c);
    }
  }
  out.capAdd = [...new Set(out.capAdd)].sort();
  return out;
}
