import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { McpConfigSchema, type ToolServer } from '../../contracts/mcp';

/** The workspace's MCP gateway config, relative to the repository. */
export const WORKSPACE_MCP_CONFIG = '.shopfloor/mcp.json';

/** Raised for an MCP config that is not JSON or does not match McpConfigSchema; the message names the file and the field. */
export class McpConfigError extends Error {}

/**
 * The team MCP servers the run's gateway may reach: the user's `~/.shopfloor/mcp.json`,
 * then the workspace's `.shopfloor/mcp.json` when `trusted` (a workspace config names
 * commands that run on the host, so an untrusted workspace's is never read; design.md
 * "Workspace Trust"). A workspace server with the name of a user server replaces it.
 * Missing files are no servers. JSON with comments is accepted (jsonc-parser).
 * Throws McpConfigError naming the file and the bad field.
 */
export function loadToolServers(repo: string, o: { trusted: boolean; home?: string }): ToolServer[] {
  const files = [join(o.home ?? homedir(), '.shopfloor', 'mcp.json'), ...(o.trusted ? [join(repo, WORKSPACE_MCP_CONFIG)] : [])];
  const byName = new Map<string, ToolServer>();
  for (const f of files) for (const s of readConfig(f)) byName.set(s.name, s);
  return [...byName.values()];
}

function readConfig(file: string): ToolServer[] {
  if (!existsSync(file)) return [];
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(readFileSync(file, 'utf8'), errors, { allowTrailingComma: true });
  if (errors.length) throw new McpConfigError(`${file}: not valid JSON (${printParseErrorCode(errors[0]!.error)} at offset ${errors[0]!.offset})`);
  const r = McpConfigSchema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new McpConfigError(`${file}: ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  }
  return r.data.servers;
}
