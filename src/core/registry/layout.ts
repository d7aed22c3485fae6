import { sha256Hex } from '../hash';
import { checkRegistryName } from './names';

/**
 * Where each record lives in a registry repository (docs/registry.md "Layout"). Every
 * path is built here, and only from parts that passed checkRegistryName, so no caller
 * builds a path from an unchecked name. POSIX separators (git paths). Pure.
 *
 *     tiers/<tier>.json                                  promotion rule of a tier
 *     blueprints/<tier>/<name>/<version>/blueprint.json  the immutable blueprint
 *     blueprints/<tier>/<name>/<version>/version.json    its version record (yank: the only change)
 *     promotions/<name>/<version>.json                   promotion to production
 *     outcomes/<name>/<version>/<run>.json               one file per run outcome
 *     verdicts/<name>/<version>/<run>-<reviewer12>-<at8>.json  one file per review verdict
 */
export const REGISTRY_LAYOUT = {
  tierRule(tier: string): string {
    return `tiers/${checkRegistryName('tier', tier)}.json`;
  },
  versionDir(tier: string, name: string, version: string): string {
    return `blueprints/${checkRegistryName('tier', tier)}/${checkRegistryName('name', name)}/${checkRegistryName('version', version)}`;
  },
  blueprint(tier: string, name: string, version: string): string {
    return `${REGISTRY_LAYOUT.versionDir(tier, name, version)}/blueprint.json`;
  },
  versionRecord(tier: string, name: string, version: string): string {
    return `${REGISTRY_LAYOUT.versionDir(tier, name, version)}/version.json`;
  },
  promotion(name: string, version: string): string {
    return `promotions/${checkRegistryName('name', name)}/${checkRegistryName('version', version)}.json`;
  },
  outcome(name: string, version: string, runId: string): string {
    return `outcomes/${checkRegistryName('name', name)}/${checkRegistryName('version', version)}/${checkRegistryName('run id', runId)}.json`;
  },
  /**
   * A verdict's file: per run, reviewer (first 12 hex of the hash) and time given (first 8
   * hex of SHA-256 of `at`), so a reviewer who changes their mind writes a new file (the
   * latest `at` counts) instead of colliding with the one already there, which sync never
   * overwrites. The same verdict synced twice lands on the same path.
   */
  verdict(name: string, version: string, runId: string, reviewerHash: string, at: string): string {
    if (!/^[0-9a-f]{12,64}$/.test(reviewerHash)) throw new Error('reviewer hash must be lowercase hex');
    const file = checkRegistryName('run id', `${checkRegistryName('run id', runId)}-${reviewerHash.slice(0, 12)}-${sha256Hex(at).slice(0, 8)}`, 'verdict file name');
    return `verdicts/${checkRegistryName('name', name)}/${checkRegistryName('version', version)}/${file}.json`;
  },
} as const;

/** What a registry path holds, read back from the path alone (for listing), or undefined for a path outside the layout or with a bad part. */
export type RegistryPath =
  | { kind: 'tier-rule'; tier: string }
  | { kind: 'blueprint' | 'blueprint-version'; tier: string; name: string; version: string }
  | { kind: 'promotion'; name: string; version: string }
  | { kind: 'run-outcome' | 'review-verdict'; name: string; version: string; file: string };

/** Parses a registry repository path into what it holds; undefined for anything else (never throws). */
export function parseRegistryPath(path: string): RegistryPath | undefined {
  const p = path.split('/');
  try {
    if (p[0] === 'tiers' && p.length === 2 && p[1]!.endsWith('.json')) return { kind: 'tier-rule', tier: checkRegistryName('tier', p[1]!.slice(0, -5)) };
    if (p[0] === 'blueprints' && p.length === 5 && (p[4] === 'blueprint.json' || p[4] === 'version.json'))
      return { kind: p[4] === 'blueprint.json' ? 'blueprint' : 'blueprint-version', tier: checkRegistryName('tier', p[1]), name: checkRegistryName('name', p[2]), version: checkRegistryName('version', p[3]) };
    if (p[0] === 'promotions' && p.length === 3 && p[2]!.endsWith('.json')) return { kind: 'promotion', name: checkRegistryName('name', p[1]), version: checkRegistryName('version', p[2]!.slice(0, -5)) };
    if ((p[0] === 'outcomes' || p[0] === 'verdicts') && p.length === 4 && p[3]!.endsWith('.json'))
      return { kind: p[0] === 'outcomes' ? 'run-outcome' : 'review-verdict', name: checkRegistryName('name', p[1]), version: checkRegistryName('version', p[2]), file: checkRegistryName('run id', p[3]!.slice(0, -5)) };
  } catch {
    return undefined;
  }
  return undefined;
}
