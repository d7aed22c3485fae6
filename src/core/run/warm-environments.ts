import { contentHash } from '../hash';
import type { Logger } from '../ports';
import type { EnvironmentProvider, EnvironmentRequest, StationEnvironment } from './ports';

/** How often a station found its environment ready (warm) and how often a warm one was thrown away. */
export interface WarmStats {
  /** Stations whose environment was prepared while a gate waited (no creation on their path). */
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
 * any other request disposes it and prepares as usual, so what a station runs in is exactly
 * what it would have had without warming. A prewarm that failed is forgotten: the station
 * prepares on its own path and sees that failure itself. `cleanup(runId)` disposes the warm
 * environment before the inner cleanup (nothing prepared early outlives the run's cleanup,
 * e.g. before the implement station's diff). Pure coordination: the I/O is the inner provider's.
 */
export class WarmEnvironments implements EnvironmentProvider {
  readonly stats: WarmStats = { hits: 0, misses: 0, discarded: 0 };
  private warm?: { key: string; env: Promise<StationEnvironment | undefined> };

  constructor(
    private readonly inner: EnvironmentProvider,
    private readonly logger?: Logger,
  ) {}

  /** Starts preparing `request` for a later `prepare`; replaces (and disposes) a warm environment for another request. Never throws. */
  prewarm(request: EnvironmentRequest): void {
    const key = contentHash(request);
    if (this.warm?.key === key) return;
    this.discard();
    const env = this.inner.prepare(request).catch((e: unknown) => {
      this.logger?.debug(`warm environment for ${request.stationId} not prepared: ${(e as Error).message}`);
      return undefined;
    });
    this.warm = { key, env };
  }

  async prepare(request: EnvironmentRequest): Promise<StationEnvironment> {
    const w = this.warm;
    this.warm = undefined;
    if (w && w.key === contentHash(request)) {
      const env = await w.env;
      if (env) {
        this.stats.hits++;
        return env;
      }
    } else if (w) this.dispose(w.env);
    this.stats.misses++;
    return this.inner.prepare(request);
  }

  async cleanup(runId: string): Promise<void> {
    const w = this.warm;
    this.warm = undefined;
    if (w) {
      this.stats.discarded++;
      await (await w.env)?.dispose().catch(() => undefined);
    }
    await this.inner.cleanup?.(runId);
  }

  private discard(): void {
    const w = this.warm;
    this.warm = undefined;
    if (w) this.dispose(w.env);
  }

  private dispose(env: Promise<StationEnvironment | undefined>): void {
    this.stats.discarded++;
    void env.then((e) => e?.dispose()).catch(() => undefined);
  }
}
