import type { CommandSpec } from '../../contracts';
import { contentHash } from '../hash';
import { productionInstall } from './setup-fallback';

/**
 * When a set-up result may be reused on another commit (issue 15: "the lockfile-keyed result
 * of set-up reused across runs ... not only the same base commit"). The per-commit cache
 * (setupCacheKey) restores everything set-up left; this one restores only the installed
 * dependency trees (`node_modules` folders), keyed by what decides them, so a run on the
 * next commit with the same lockfile skips the install.
 *
 * It holds only where the install's result is the dependency tree and nothing else:
 * - every set-up command is a JavaScript package manager's plain install at the repository
 *   root (`npm ci|install`, `yarn [install]`, `pnpm install`, flags only: the commands
 *   productionInstall knows), so no build or script of the repository's runs in set-up;
 * - the root package.json declares none of the lifecycle scripts an install runs
 *   (`preinstall`, `install`, `postinstall`, `prepublish`, `preprepare`, `prepare`,
 *   `postprepare`: docs.npmjs.com/cli/using-npm/scripts#life-cycle-operation-order), whose
 *   output (a `dist/` built by `prepare`) would belong to one commit's sources;
 * - there is a lockfile, and no `workspaces` (each workspace package's own manifest would
 *   decide its tree too; not read here).
 * The key: the lockfiles' bytes, the package.json fields an install reads (dependency
 * kinds, overrides, resolutions, packageManager, engines), the commands and the image. A
 * package.json that changed only its version, scripts or description keeps the key.
 */

/** The files dependencyReuseKey reads, at the repository root of the base commit. */
export const DEPENDENCY_FILES = ['package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'] as const;

/** Lifecycle scripts an install of the root package runs (npm; yarn 1 and pnpm run the same names). */
const INSTALL_LIFECYCLE = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];

/** The package.json fields that decide an installed tree. */
const TREE_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'bundleDependencies', 'bundledDependencies', 'overrides', 'resolutions', 'pnpm', 'packageManager', 'engines'];

/**
 * The key of the dependency trees set-up `specs` install for the files `files` (name to
 * text, from DEPENDENCY_FILES; absent: no such file) on `image`, or why they may not be
 * reused on another commit. Pure.
 */
export function dependencyReuseKey(files: Readonly<Record<string, string | undefined>>, specs: readonly CommandSpec[], image: string | undefined): { key: string } | { refused: string } {
  if (!specs.length) return { refused: 'set-up runs no command' };
  const other = specs.find((s) => !productionInstall(s) || (s.cwd !== undefined && s.cwd !== '.' && s.cwd !== ''));
  if (other) return { refused: `set-up runs more than a package install at the root (${other.argv.join(' ').slice(0, 80)})` };
  const text = files['package.json'];
  if (text === undefined) return { refused: 'no package.json' };
  let manifest: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { refused: 'package.json is not an object' };
    manifest = parsed as Record<string, unknown>;
  } catch {
    return { refused: 'package.json is not JSON' };
  }
  const scripts = manifest.scripts && typeof manifest.scripts === 'object' ? Object.keys(manifest.scripts as object) : [];
  const lifecycle = scripts.filter((s) => INSTALL_LIFECYCLE.includes(s));
  if (lifecycle.length) return { refused: `package.json has install scripts (${lifecycle.join(', ')})` };
  if (manifest.workspaces !== undefined) return { refused: 'package.json declares workspaces' };
  const lockfiles = DEPENDENCY_FILES.filter((f) => f !== 'package.json' && files[f] !== undefined);
  if (!lockfiles.length) return { refused: 'no lockfile' };
  return {
    key: contentHash({
      v: 1,
      kind: 'dependency-trees',
      lockfiles: Object.fromEntries(lockfiles.map((f) => [f, files[f]])),
      manifest: Object.fromEntries(TREE_FIELDS.filter((k) => manifest[k] !== undefined).map((k) => [k, manifest[k]])),
      argv: specs.map((s) => ({ argv: s.argv, env: s.env ?? null })),
      image: image ?? null,
    }),
  };
}
