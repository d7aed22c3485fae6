import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_LIMITS,
  DEVCONTAINER_LOCATIONS,
  defaultEnvironment,
  parseDevcontainerJson,
  resolveDevcontainer,
  type EnvironmentSpec,
  type NetworkPolicy,
  type ResourceLimits,
} from '../../core/container';

/**
 * The station environment of a run workspace: its devcontainer.json resolved (first of
 * `DEVCONTAINER_LOCATIONS`), or the blueprint's default image when it has none.
 * Throws ConfigRefusedError for a devcontainer.json Shopfloor will not run.
 */
export async function readDevcontainer(opts: {
  workspaceDir: string;
  defaultImage: string;
  workspaceBasename?: string;
  limits?: ResourceLimits;
  network?: NetworkPolicy;
}): Promise<EnvironmentSpec> {
  const basename = opts.workspaceBasename ?? opts.workspaceDir.split(/[\\/]/).filter(Boolean).pop() ?? 'workspace';
  for (const rel of DEVCONTAINER_LOCATIONS) {
    const text = await readFile(join(opts.workspaceDir, rel), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    return resolveDevcontainer({
      config: parseDevcontainerJson(text, rel),
      configPath: rel,
      workspaceDir: opts.workspaceDir,
      workspaceBasename: basename,
      limits: opts.limits ?? DEFAULT_LIMITS,
      network: opts.network ?? 'none',
    });
  }
  return defaultEnvironment({ image: opts.defaultImage, workspaceBasename: basename, limits: opts.limits, network: opts.network });
}
