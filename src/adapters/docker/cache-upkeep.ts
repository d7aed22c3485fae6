import { CACHE_VERIFIED_STAMP, PACKAGE_CACHES, type CacheEcosystem, type EnvironmentSpec, type PackageCacheKind, type StationContainer } from '../../core/container';

/** The read-write package caches of a set-up station's spec (other stations mount them read-only or not at all). */
export function writableCaches(spec: EnvironmentSpec): PackageCacheKind[] {
  return spec.mounts.flatMap((m) => (m.type === 'package-cache' && !m.readOnly ? [PACKAGE_CACHES[m.ecosystem as CacheEcosystem]] : []));
}

/** Whether the station's image has the package manager (`command -v`): a check by an absent tool would only fail. */
async function hasTool(station: StationContainer, tool: string): Promise<boolean> {
  return (await station.exec(['sh', '-c', 'command -v "$1" >/dev/null 2>&1', 'sh', tool])).exitCode === 0;
}

/**
 * Empties a cache volume (its root stays: it is the mount point). For an ecosystem whose
 * check only reports a corrupt entry (Go) or that has no check at all: what the set-up
 * fetches next is whole. `chmod` first because Go leaves its module cache read-only.
 */
async function clearCache(station: StationContainer, kind: PackageCacheKind, log: (l: string) => void): Promise<void> {
  log(`[cache] clearing ${kind.target}: it held a corrupt entry`);
  await station.exec(['sh', '-c', 'chmod -R u+w "$1" 2>/dev/null; find "$1" -mindepth 1 -delete', 'sh', kind.target]);
}

/**
 * Before a set-up station uses its read-write package caches: the ecosystem's own full
 * check (PackageCacheKind.verify; `npm cache verify`: every entry's SHA-512, truncated or
 * corrupt ones removed so they are fetched again, never used), unless the cache carries
 * CACHE_VERIFIED_STAMP from an earlier check that no failed set-up has invalidated since.
 * With the stamp, corruption is still never used: npm checks each entry's integrity as it
 * reads it and fetches a corrupt one again (test/integration/docker/package-cache.test.ts);
 * where it cannot, it fails with EINTEGRITY, and repairOnCorruption then runs the full check
 * and the command again. A check whose output shows corruption it did not remove (`go mod
 * verify` only reports) clears the cache. Skipped when the image lacks the tool (`command -v`)
 * or the ecosystem has no check (`verify` absent). I/O: commands in the station; output lines
 * go to `log` prefixed `[cache]`. A failed check is logged, and the install that follows decides.
 */
export async function verifyPackageCaches(station: StationContainer, spec: EnvironmentSpec, log: (l: string) => void, o: { force?: boolean } = {}): Promise<void> {
  for (const kind of writableCaches(spec)) {
    if (!kind.verify) continue;
    const stamp = `${kind.target}/${CACHE_VERIFIED_STAMP}`;
    if (!o.force && (await station.exec(['test', '-f', stamp])).exitCode === 0) {
      log(`[cache] ${kind.target} verified by an earlier set-up; each entry's integrity is checked as it is read`);
      continue;
    }
    if (!(await hasTool(station, kind.tool))) {
      log(`[cache] ${kind.tool} is not in the image: ${kind.target} not checked`);
      continue;
    }
    let output = '';
    const sink = (b: Buffer) => {
      const text = b.toString('utf8');
      output += text;
      for (const line of text.split('\n')) if (line.trim()) log(`[cache] ${line}`);
    };
    const r = await station.exec(kind.verify, { onStdout: sink, onStderr: sink, timeoutMs: 300_000 });
    if (r.exitCode !== 0) {
      log(`[cache] ${kind.verify.join(' ')} exited ${r.exitCode}`);
      if (kind.corruption.test(output)) await clearCache(station, kind, log);
    } else await station.exec(['sh', '-c', `date -u +%Y-%m-%dT%H:%M:%SZ > '${stamp}'`]);
  }
}

/**
 * After a command of a set-up station ended non-zero: the caches lose their stamp (the next
 * set-up checks them in full), and when the output shows the package manager refused a
 * corrupt entry (PackageCacheKind.corruption), that cache is repaired now: its full check,
 * or, for an ecosystem with none, it is cleared. Resolves true when the command should run
 * once more (a cache was repaired). I/O: commands in the station.
 */
export async function repairOnCorruption(station: StationContainer, spec: EnvironmentSpec, output: string, log: (l: string) => void): Promise<boolean> {
  const caches = writableCaches(spec);
  for (const kind of caches) await station.exec(['rm', '-f', `${kind.target}/${CACHE_VERIFIED_STAMP}`]);
  const corrupt = caches.filter((k) => k.corruption.test(output));
  if (corrupt.length === 0) return false;
  log('[cache] the package manager refused a corrupt cache entry: checking the cache, then running the command again');
  for (const kind of corrupt) if (!kind.verify) await clearCache(station, kind, log);
  await verifyPackageCaches(station, spec, log, { force: true });
  return true;
}
