import { CACHE_VERIFIED_STAMP, PACKAGE_CACHES, type CacheEcosystem, type EnvironmentSpec, type PackageCacheKind, type StationContainer } from '../../core/container';

/** The read-write package caches of a set-up station's spec (other stations mount them read-only or not at all). */
export function writableCaches(spec: EnvironmentSpec): PackageCacheKind[] {
  return spec.mounts.flatMap((m) => (m.type === 'package-cache' && !m.readOnly ? [PACKAGE_CACHES[m.ecosystem as CacheEcosystem]] : []));
}

/**
 * Before a set-up station uses its read-write package caches: the ecosystem's own full
 * check (`npm cache verify`: every entry's SHA-512; truncated or corrupt ones removed so
 * they are fetched again, never used), unless the cache carries CACHE_VERIFIED_STAMP from
 * an earlier check that no failed set-up has invalidated since. With the stamp, corruption
 * is still never used: npm checks each entry's integrity as it reads it and fetches a
 * corrupt one again (test/integration/docker/package-cache.test.ts); where it cannot, it
 * fails with EINTEGRITY, and repairOnCorruption then runs the full check and the command again.
 * I/O: commands in the station; output lines go to `log` prefixed `[cache]`. A failed
 * check is logged, and the install that follows decides.
 */
export async function verifyPackageCaches(station: StationContainer, spec: EnvironmentSpec, log: (l: string) => void, o: { force?: boolean } = {}): Promise<void> {
  for (const kind of writableCaches(spec)) {
    const stamp = `${kind.target}/${CACHE_VERIFIED_STAMP}`;
    if (!o.force && (await station.exec(['test', '-f', stamp])).exitCode === 0) {
      log(`[cache] ${kind.target} verified by an earlier set-up; each entry's integrity is checked as it is read`);
      continue;
    }
    const sink = (b: Buffer) => {
      for (const line of b.toString('utf8').split('\n')) if (line.trim()) log(`[cache] ${line}`);
    };
    const r = await station.exec(kind.verify, { onStdout: sink, onStderr: sink, timeoutMs: 300_000 });
    if (r.exitCode !== 0) log(`[cache] ${kind.verify.join(' ')} exited ${r.exitCode}`);
    else await station.exec(['sh', '-c', `date -u +%Y-%m-%dT%H:%M:%SZ > '${stamp}'`]);
  }
}

/**
 * After a command of a set-up station ended non-zero: the caches lose their stamp (the next
 * set-up checks them in full), and when the output shows the package manager refused a
 * corrupt entry (PackageCacheKind.corruption), the full check runs now. Resolves true when
 * the command should run once more (a cache was repaired). I/O: commands in the station.
 */
export async function repairOnCorruption(station: StationContainer, spec: EnvironmentSpec, output: string, log: (l: string) => void): Promise<boolean> {
  const caches = writableCaches(spec);
  for (const kind of caches) await station.exec(['rm', '-f', `${kind.target}/${CACHE_VERIFIED_STAMP}`]);
  if (!caches.some((k) => k.corruption.test(output))) return false;
  log('[cache] the package manager refused a corrupt cache entry: checking the cache, then running the command again');
  await verifyPackageCaches(station, spec, log, { force: true });
  return true;
}
