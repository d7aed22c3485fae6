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
 * - one whose stations' `egressAllow` names an address or a range (an IP literal, a CIDR) is
 *   refused: such entries are how the egress proxy is told to open loopback, cloud metadata
 *   or private networks (adapters/docker/egress-destination.ts), which is the user's call,
 *   never the repository's; a blueprint file outside the repository may name them;
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
    else if (addressEntries(f.blueprint).length)
      out.refused.push({
        file: f.file,
        reason: `its egressAllow names addresses or ranges (${addressEntries(f.blueprint).join(', ')}); only names may come from a repository, since an address or range is how loopback, metadata and private networks are opened (keep such a blueprint outside the repository and pass its path)`,
      });
    else if (f.blueprint.tier === 'platform') out.refused.push({ file: f.file, reason: 'it claims the platform tier, which only Shopfloor\'s built-in blueprints have; a repository blueprint is the team\'s own (tier team or domain)' });
    else out.usable.push({ file: f.file, blueprint: f.blueprint });
  }
  return out;
}

/**
 * The `egressAllow` entries of a blueprint's stations that name an address or a range
 * rather than a host name: a CIDR (`10.0.0.0/8`), an IPv4 literal, or an IPv6 literal
 * (bare or in brackets), each with or without `:port`.
 */
export function addressEntries(bp: Blueprint): string[] {
  const out: string[] = [];
  for (const st of bp.stations)
    for (const e of st.environment?.egressAllow ?? []) {
      const host = e.startsWith('[') ? e.slice(1, e.indexOf(']') < 0 ? e.length : e.indexOf(']')) : e.replace(/:\d+$/, '');
      if (host.includes('/') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':')) out.push(e);
    }
  return out;
}
