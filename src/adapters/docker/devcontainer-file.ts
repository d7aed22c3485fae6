import { readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_LIMITS,
  DEVCONTAINER_LOCATIONS,
  composeFilePaths,
  defaultEnvironment,
  isInsideRoot,
  parseDevcontainerJson,
  resolveDevcontainer,
  type EnvironmentSpec,
  type NetworkPolicy,
  type ResourceLimits,
} from '../../core/container';

/**
 * The station environment of a run workspace: its devcontainer.json resolved (first of
 * `DEVCONTAINER_LOCATIONS`), or the blueprint's default image when it has none.
 * The Compose files a configuration names are read too (those inside the workspace; one
 * outside it is refused by the resolution, unread).
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
    const config = parseDevcontainerJson(text, rel);
    const composeTexts: Record<string, string | undefined> = {};
    for (const f of composeFilePaths(config, rel)) {
      if (f === '..' || f.startsWith('../') || f.startsWith('/')) continue;
      // Through a symlink a file could be a host file: only real paths inside the workspace are read.
      const real = await realpath(join(opts.workspaceDir, f)).catch(() => undefined);
      const root = await realpath(opts.workspaceDir);
      composeTexts[f] = real && isInsideRoot(root, real) ? await readFile(real, 'utf8') : undefined;
    }
    return resolveDevcontainer({
      config,
      composeTexts,
      configPath: rel,
      workspaceDir: opts.workspaceDir,
      workspaceBasename: basename,
      limits: opts.limits ?? DEFAULT_LIMITS,
      network: opts.network ?? 'none',
    });
  }
  return defaultEnvironment({ image: opts.defaultImage, workspaceBasename: basename, limits: opts.limits, network: opts.network });
}
