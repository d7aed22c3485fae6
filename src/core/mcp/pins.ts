import type { ToolDefinition, ToolDrift, ToolPin } from '../../contracts/mcp';
import { canonicalJson, sha256Hex } from '../hash';

/** The fields of a tool definition that are pinned: what the agent reads and what decides effects. */
function pinned(def: ToolDefinition): Record<string, unknown> {
  return { name: def.name, description: def.description ?? '', inputSchema: def.inputSchema ?? {}, annotations: def.annotations ?? {} };
}

/** SHA-256 of a tool definition's canonical JSON (name, description, input schema, annotations). */
export function toolDefinitionHash(def: ToolDefinition): string {
  return sha256Hex(canonicalJson(pinned(def)));
}

/** Pins of `defs` under their namespaced names. */
export function pinTools(defs: readonly { tool: string; def: ToolDefinition }[]): ToolPin[] {
  return defs.map(({ tool, def }) => ({ tool, sha256: toolDefinitionHash(def) })).sort((a, b) => (a.tool < b.tool ? -1 : a.tool > b.tool ? 1 : 0));
}

/** The pin of an allowed tool the packet's approval did not list (its server was not reachable then, or the tool is new): it is shown only once a human approves it at a gate. */
export const NEVER_APPROVED = '0'.repeat(64);

/**
 * How a tool's current definition differs from the one pinned: undefined when the hash is
 * the same, else the changed fields with their before and after as JSON text.
 */
export function toolDrift(tool: string, pinnedHash: string, before: ToolDefinition | undefined, now: ToolDefinition): ToolDrift | undefined {
  const current = toolDefinitionHash(now);
  if (current === pinnedHash) return undefined;
  const a = pinned(now);
  if (pinnedHash === NEVER_APPROVED) return { tool, pinned: pinnedHash, current, changes: [{ field: 'definition', before: '(not approved with the packet)', after: JSON.stringify(a) }] };
  const b = before ? pinned(before) : {};
  const changes = Object.keys(a)
    .filter((k) => canonicalJson(b[k] ?? null) !== canonicalJson(a[k]))
    .map((field) => ({ field, before: b[field] === undefined ? '(only its hash was approved)' : JSON.stringify(b[field]), after: JSON.stringify(a[field]) }));
  return { tool, pinned: pinnedHash, current, changes };
}
