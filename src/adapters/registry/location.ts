import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { simpleGit } from 'simple-git';
import { sha256Hex } from '../../core/hash';

/**
 * Where the registry is (issue 13 item 1). Precedence: an explicit URL (CLI `--registry`),
 * then `SHOPFLOOR_REGISTRY_URL`, then the `shopfloor.registry.url` setting, then the
 * embedded default: a local bare repository (`~/.shopfloor/registry.git` for the CLI, the
 * extension's global storage for the editor). Authentication is git's own (credential
 * helpers, SSH agent): no token is read or stored here.
 */
export interface RegistryLocation {
  /** Git URL or local path of the registry repository. */
  url: string;
  /** True when it is the embedded local bare repository (created on first use). */
  embedded: boolean;
  /** Where this machine keeps its working clone and offline queue for this registry. */
  stateDir: string;
}

/** `~/.shopfloor` (or `SHOPFLOOR_HOME`), the CLI's own folder. */
export function shopfloorHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.SHOPFLOOR_HOME ? resolve(env.SHOPFLOOR_HOME) : join(homedir(), '.shopfloor');
}

/**
 * Resolves the registry location. `home` holds the embedded repository (`registry.git`)
 * and the per-registry state (`registry-state/<hash of url>`). Pure apart from reading
 * `env`.
 */
export function registryLocation(o: { url?: string; setting?: string; home?: string; env?: NodeJS.ProcessEnv } = {}): RegistryLocation {
  const env = o.env ?? process.env;
  const home = o.home ?? shopfloorHome(env);
  const chosen = o.url || env.SHOPFLOOR_REGISTRY_URL || o.setting || '';
  const url = chosen || join(home, 'registry.git');
  return { url, embedded: !chosen, stateDir: join(home, 'registry-state', sha256Hex(url).slice(0, 16)) };
}

/**
 * Creates the embedded bare repository when missing: `main` as its branch, and
 * `receive.denyNonFastForwards` / `receive.denyDeletes` so no push, ours or anyone's,
 * can rewrite or delete the registry's history. I/O: creates `dir`. Idempotent.
 */
export async function ensureBareRegistry(dir: string): Promise<void> {
  if (existsSync(join(dir, 'HEAD'))) return;
  mkdirSync(dir, { recursive: true });
  const git = simpleGit(dir);
  await git.raw(['init', '--quiet', '--bare', '--initial-branch=main']);
  await git.raw(['config', 'receive.denyNonFastForwards', 'true']);
  await git.raw(['config', 'receive.denyDeletes', 'true']);
}
