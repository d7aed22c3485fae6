import { startModelProxy, type ModelProxy, type ModelProxyConfig } from '../adapters/model-proxy';
import type { DockerContainerRuntime } from '../adapters/docker/runtime';
import type { Budget } from '../contracts';
import type { ModelAccess, ModelAccessProvider } from '../core/run/ports';

/**
 * The run's model access on Docker (issue 10): the host-side model proxy
 * (src/adapters/model-proxy), started on the first agent station that asks for it, on the
 * gateway of the runtime's egress network (where station containers reach the host), under
 * the run's budget, logging each call to `usageLog`. Runs without an agent station never
 * start it. `close` stops it (idempotent).
 * I/O: creates the egress network when missing (DockerContainerRuntime.helperAccess), listens on a port of the gateway.
 */
export class DockerModelAccess implements ModelAccessProvider {
  private proxy?: Promise<ModelProxy>;

  constructor(
    private readonly o: { runId: string; runtime: DockerContainerRuntime; config: ModelProxyConfig; budget: Budget | undefined; usageLog: string },
  ) {}

  async forStation(stationId: string, attempt: number, budget: Budget | undefined): Promise<ModelAccess & { release(): Promise<void> }> {
    this.proxy ??= this.o.runtime.helperAccess().then((a) =>
      startModelProxy({
        runId: this.o.runId,
        host: new URL(a.proxyUrl).hostname,
        keys: this.o.config.keys,
        upstreams: this.o.config.upstreams,
        prices: this.o.config.prices,
        ...(this.o.budget ? { runBudget: this.o.budget } : {}),
        usageLog: this.o.usageLog,
      }),
    );
    return (await this.proxy).forStation(stationId, attempt, budget);
  }

  async close(): Promise<void> {
    const p = this.proxy;
    this.proxy = undefined;
    if (p) await (await p.catch(() => undefined))?.close();
  }
}
