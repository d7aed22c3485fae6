import { McpGateway } from '../adapters/mcp/gateway';
import type { DockerContainerRuntime } from '../adapters/docker/runtime';
import type { ToolServer } from '../contracts/mcp';
import { RUN_LAYOUT } from '../core/run/layout';
import type { EffectPlan } from '../core/mcp/effects';
import type { ArtifactStore, ToolAccess, ToolAccessProvider, ToolStation } from '../core/run/ports';

/**
 * The run's MCP gateway on Docker (issue 12), started on the first agent station that asks
 * for tool access, on the gateway of the runtime's egress network (where station
 * containers reach the host), or by a resumed run whose folder already holds the
 * gateway's pins or effects. Otherwise a gate finds no drift and the output gate no
 * effects, so runs without an agent station never start it. `close` stops it.
 * I/O: creates the egress network when missing, listens on a port of its gateway,
 * starts the configured stdio servers.
 */
export class DockerToolAccess implements ToolAccessProvider {
  private gateway?: Promise<McpGateway>;

  constructor(private readonly o: { runId: string; runtime: DockerContainerRuntime; artifacts: ArtifactStore; servers: readonly ToolServer[]; delegatedBy: () => Promise<string>; hostEnv?: Record<string, string | undefined> }) {}

  async forStation(station: ToolStation): Promise<ToolAccess> {
    return (await this.start()).forStation(station);
  }

  async proposedEffects() {
    return (await this.started())?.proposedEffects() ?? [];
  }

  async settleEffects(plan: EffectPlan) {
    return (await this.started())?.settleEffects(plan) ?? [];
  }

  async drift() {
    return (await this.started())?.drift() ?? [];
  }

  async repin(tools: readonly string[]) {
    await (await this.started())?.repin(tools);
  }

  async evidence() {
    return (await this.started())?.evidence();
  }

  async close(): Promise<void> {
    const g = this.gateway;
    this.gateway = undefined;
    if (g) await (await g.catch(() => undefined))?.close();
  }

  private start(): Promise<McpGateway> {
    this.gateway ??= (async () => {
      const a = await this.o.runtime.helperAccess();
      return McpGateway.start({ runId: this.o.runId, host: new URL(a.proxyUrl).hostname, artifacts: this.o.artifacts, servers: this.o.servers, hostEnv: this.o.hostEnv ?? process.env, delegatedBy: await this.o.delegatedBy() });
    })();
    return this.gateway;
  }

  /** The gateway if this run has used one (started now for a resumed run whose folder shows it did), else undefined. */
  private async started(): Promise<McpGateway | undefined> {
    if (!this.gateway) {
      const used = (await this.o.artifacts.read(RUN_LAYOUT.toolPins)) !== undefined || (await this.o.artifacts.read(RUN_LAYOUT.toolEffects)) !== undefined;
      if (!used) return undefined;
    }
    return this.start();
  }
}
