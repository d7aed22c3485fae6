import type { ToolDefinition } from '../../contracts/mcp';

/**
 * Whether a tool's calls change the world and must be held for the output gate. MCP tool
 * annotations (spec 2025-06-18, "Tool annotations") are hints: `readOnlyHint` defaults to
 * false and `destructiveHint` to true, so a tool is effectful unless it says it is
 * read-only, and always when it says it is destructive or the config marks it so.
 * Returns the reason, or undefined for a read-only tool.
 */
export function effectReason(def: ToolDefinition, configEffectful: readonly string[] = []): string | undefined {
  if (configEffectful.includes(def.name)) return 'marked effectful in the MCP config';
  const a = def.annotations ?? {};
  if (a['destructiveHint'] === true && a['readOnlyHint'] !== true) return 'its annotations say it is destructive';
  if (a['readOnlyHint'] !== true) return 'its annotations do not say it is read-only';
  return undefined;
}
