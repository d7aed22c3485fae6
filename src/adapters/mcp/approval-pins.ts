import type { ToolPin, ToolServer } from '../../contracts/mcp';
import { pinTools } from '../../core/mcp/pins';
import { namespacedTool } from '../../core/mcp/tool-names';
import { toolAllowed } from '../../core/mcp/tool-policy';
import { UpstreamServer } from './upstream';

/**
 * The pins a packet approval records (issue 12, item 4): the definitions of the team MCP
 * tools its `allowedTools` names, listed now from each server the allowlist refers to
 * (`server__tool` or `server__*`), hashed (core/mcp/pins.ts). Servers the allowlist does
 * not name are not started. A server that cannot be listed is reported in `unreachable`
 * (its tools stay unpinned: the gateway hides them until a human approves them at a gate).
 * I/O: starts stdio servers and connects to HTTP servers, then closes them.
 */
export async function pinToolsForApproval(servers: readonly ToolServer[], allowedTools: readonly string[], hostEnv: Record<string, string | undefined> = process.env): Promise<{ pins: ToolPin[]; unreachable: { server: string; error: string }[] }> {
  const named = servers.filter((s) => allowedTools.some((t) => t.startsWith(`${s.name}__`)));
  const unreachable: { server: string; error: string }[] = [];
  const defs = (
    await Promise.all(
      named.map(async (cfg) => {
        const up = new UpstreamServer(cfg, hostEnv, () => undefined);
        try {
          return (await up.tools()).map((def) => ({ tool: namespacedTool(cfg.name, def.name), def }));
        } catch (e) {
          unreachable.push({ server: cfg.name, error: (e as Error).message });
          return [];
        } finally {
          await up.close();
        }
      }),
    )
  ).flat();
  return { pins: pinTools(defs.filter((d) => toolAllowed(allowedTools, d.tool).allowed)), unreachable };
}
