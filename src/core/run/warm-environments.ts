import { contentHash } from '../hash';
import type { Logger } from '../ports';
import type { EnvironmentProvider, EnvironmentRequest, StationEnvironment } from './ports';

/** How often a station found its environment ready (warm) and how often a warm one was thrown away. */
export interface WarmStats {
  /** Stations whose environment was prepared ahead, while a gate waited or the station before worked (no creation on their path). */
  hits: number;
  /** Stations that prepared their environment on their path (nothing warm, or it did not match). */
  misses: number;
  /** Warm environments disposed unused (the request changed at the gate, or the run went elsewhere). */
  discarded: number;
}

/**
 * Warm stations (issue 15, item 3): an EnvironmentProvider that can prepare the next
 * station's environment while a gate waits for a human, so approving the gate starts the
 * station with no container creation on its path. Wraps any provider (Docker, local).
 *
 * `prewarm(request)` starts `inner.prepare(request)` in the background and keeps at most one
 * warm environment. `prepare(request)` takes it when its request is the same (canonical
 * JSON, core/hash.ts contentHash: image, network, mounts, volumes, read-only paths, env);
 * another request of the same station removes it first and prepares as usual, and another
 * station's request leaves it for the station it was prepared for, so what a station runs in is exactly
 * what it would have had without warming. A prewarm that failed is forgotten: the station
 * prepares on its own path and sees that failure itself. `cleanup(runId)` disposes the warm
 * environment before the inner cleanup (nothing prepared early outlives the run's cleanup,
 * e.g. before the implement station's diff). Pure coordination: the I/O is the inner provider's.
 */
export class WarmEnvironments implements EnvironmentProvider {
  readonly stats: WarmStats = { hits: 0, misses: 0, discarded: 0 };
  private warm?: { key: string; stationId: string; request: EnvironmentRequest; env: Promise<StationEnvironment | undefined> };

  constructor(
    private readonly inner: EnvironmentProvider,
    private readonly logger?: Logger,
  ) {}

  /**
   * Starts preparing `request` for a later `prepare`; replaces (and disposes) a warm
   * environment for another request, and starts the new one only once that one is removed
   * (an engine naming containers by station must not hand the new request the old one).
   * Never throws.
   */
  prewarm(request: EnvironmentRequest): void {
    const key = contentHash(request);
    if (this.warm?.key === key) return;
    const gone = this.discard();
    const env = gone
      .then(() => this.inner.prepare(request))
      .catch((e: unknown) => {
        this.logger?.debug(`warm environment for ${request.stationId} not prepared: ${(e as Error).message}`);
        return undefined;
      });
    this.warm = { key, stationId: request.stationId, request, env };
  }

  async prepare(request: EnvironmentRequest): Promise<StationEnvironment> {
    const w = this.warm;
    // A warm environment for another station stays: it was prepared for the station after this one.
    if (w && w.stationId === request.stationId) {
      this.warm = undefined;
      if (w.key === contentHash(request)) {
        const env = await w.env;
        if (env) {
          this.stats.hits++;
          return env;
        }
      } else {
        this.logger?.debug(`warm environment of ${request.stationId} discarded: the station asks for another one (differs in ${differingFields(w.request, request).join(', ')})`);
        // Removed before the station prepares its own: an engine that names containers by
        // station would otherwise hand the station the old container.
        this.stats.discarded++;
        await w.env.then((e) => e?.dispose()).catch(() => undefined);
      }
    }
    this.stats.misses++;
    return this.inner.prepare(request);
  }

  async cleanup(runId: string): Promise<void> {
    await this.discard();
    await this.inner.cleanup?.(runId);
  }

  /** Disposes the warm environment, if any; resolves once it is removed. Never rejects. */
  private discard(): Promise<void> {
    const w = this.warm;
    this.warm = undefined;
    if (!w) return Promise.resolve();
    this.stats.discarded++;
    return w.env.then((e) => e?.dispose()).catch(() => undefined);
  }
}

/** Top-level fields of two requests whose canonical JSON differs (for the log line saying why a warm environment was not used). */
function differingFields(a: EnvironmentRequest, b: EnvironmentRequest): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])] as Array<keyof EnvironmentRequest>;
  return keys.filter((k) => contentHash(a[k] ?? null) !== contentHash(b[k] ?? null));
}
