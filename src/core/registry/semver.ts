/**
 * Semantic version precedence (https://semver.org §11), for versions that passed
 * checkRegistryName('version') (no build metadata). Pure.
 */

/** Negative when a < b, positive when a > b, 0 when equal in precedence. */
export function compareSemver(a: string, b: string): number {
  const [ca, pa] = split(a);
  const [cb, pb] = split(b);
  for (let i = 0; i < 3; i++) if (ca[i] !== cb[i]) return ca[i]! - cb[i]!;
  if (!pa.length || !pb.length) return pb.length - pa.length; // a release outranks its pre-releases
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if (i >= pa.length) return -1;
    if (i >= pb.length) return 1;
    const x = pa[i]!;
    const y = pb[i]!;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && x !== y) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function split(v: string): [number[], string[]] {
  const dash = v.indexOf('-');
  const core = (dash < 0 ? v : v.slice(0, dash)).split('.').map(Number);
  return [core, dash < 0 ? [] : v.slice(dash + 1).split('.')];
}

/** The highest of `versions` by precedence, or undefined for none. */
export function latestVersion(versions: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const v of versions) if (best === undefined || compareSemver(v, best) > 0) best = v;
  return best;
}
