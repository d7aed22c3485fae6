import type { Blueprint } from '../../contracts';
import { BUILTIN_BLUEPRINTS } from './builtins';

/** A blueprint file found in a repository's `.shopfloor/blueprints/`, parsed or not. */
export type RepositoryBlueprintFile = { file: string; blueprint: Blueprint } | { file: string; error: string };

/** Repository blueprints sorted into the ones a run may use and the ones refused, each with its reason. */
export interface RepositoryBlueprints {
  usable: Array<{ file: string; blueprint: Blueprint }>;
  refused: Array<{ file: string; reason: string }>;
}

/**
 * Sorts a repository's blueprints (design.md "Isolation and security defaults": blueprints
 * from a repository are the team's own). A repository is text anyone may have written, so:
 * - one that takes the name of a platform (built-in) blueprint, at any version, is refused:
 *   it must never replace the platform's, even by outranking its version;
 * - one that claims the `platform` tier is refused: that tier is Shopfloor's own;
 * - one that does not parse is refused with its error, and the others stay usable (one bad
 *   file no longer blocks every run).
 * A usable one is run only when chosen by name (the default choice is always a built-in).
 * Pure.
 */
export function sortRepositoryBlueprints(files: readonly RepositoryBlueprintFile[]): RepositoryBlueprints {
  const platform = new Set(BUILTIN_BLUEPRINTS.map((b) => b.name));
  const out: RepositoryBlueprints = { usable: [], refused: [] };
  for (const f of files) {
    if ('error' in f) out.refused.push({ file: f.file, reason: f.error });
    else if (platform.has(f.blueprint.name)) out.refused.push({ file: f.file, reason: `it is named ${f.blueprint.name}, like the platform's built-in blueprint; a repository blueprint never replaces a built-in (fork it under another name: forkOf ${f.blueprint.name}@<version>)` });
    else if (f.blueprint.tier === 'platform') out.refused.push({ file: f.file, reason: 'it claims the platform tier, which only Shopfloor\'s built-in blueprints have; a repository blueprint is the team\'s own (tier team or domain)' });
    else out.usable.push({ file: f.file, blueprint: f.blueprint });
  }
  return out;
}
