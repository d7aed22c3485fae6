/**
 * A name-resolution cache for the egress proxy: one lookup per name per `ttlMs`, and
 * concurrent requests for a name share the lookup in flight.
 *
 * Why: the proxy resolves the destination of every CONNECT (src/adapters/docker/egress-destination.ts),
 * and npm 9's proxy agent opens one tunnel per request, so a set-up station's `npm ci` asks
 * the host's resolver hundreds of times in a few seconds. Resolvers throttle that: on the
 * machines here about 25 queries go through and the rest wait for the stub resolver's
 * 5-second retry (measured: 30 concurrent lookups, 25 in under 10 ms, 5 after 5,015 ms),
 * which made a 5-second `npm ci` take 110 s through the proxy (issue 15). npm itself
 * caches lookups for 5 minutes when it has no proxy (make-fetch-happen's DNS cache); the
 * proxy does the same, for the same reason.
 *
 * Only answers are kept; a failed lookup is not cached (the next request asks again). The
 * addresses handed out are the ones the proxy then checks and connects to, so caching
 * does not weaken the rebinding defence: a name is still checked on the addresses it is
 * connected to.
 */
export function cachedResolver(resolve: (host: string) => Promise<string[]>, o: { ttlMs?: number; now?: () => number } = {}): (host: string) => Promise<string[]> {
  const ttlMs = o.ttlMs ?? 5 * 60_000;
  const now = o.now ?? Date.now;
  const answers = new Map<string, { addresses: string[]; until: number }>();
  const inFlight = new Map<string, Promise<string[]>>();
  return (host) => {
    const key = host.toLowerCase();
    const hit = answers.get(key);
    if (hit && hit.until > now()) return Promise.resolve([...hit.addresses]);
    let p = inFlight.get(key);
    if (!p) {
      p = resolve(host).then(
        (addresses) => {
          inFlight.delete(key);
          // Bounded: a station asking for many names cannot grow the map without end.
          if (answers.size >= 1024) answers.delete(answers.keys().next().value!);
          answers.set(key, { addresses, until: now() + ttlMs });
          return addresses;
        },
        (e: unknown) => {
          inFlight.delete(key);
          throw e;
        },
      );
      inFlight.set(key, p);
    }
    return p.then((a) => [...a]);
  };
}
