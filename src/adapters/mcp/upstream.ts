import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDefinition, ToolServer } from '../../contracts/mcp';

/** Default per-call limit of a team server, milliseconds. */
export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;

/** A result larger than this (its JSON, in UTF-16 code units) is not passed to the agent. */
export const MAX_RESULT_CHARS = 1_000_000;

/**
 * One team MCP server behind the gateway, through the SDK's Client: stdio servers are
 * started on the host with only the variables their config names (read from the host
 * environment: credentials never leave the host), HTTP servers get their configured
 * headers added. A server that crashed or closed is reconnected on its next use.
 * `onListChanged` is called on the server's `notifications/tools/list_changed`.
 * I/O: spawns the stdio server's process, or HTTP to the server.
 */
export class UpstreamServer {
  private client?: Promise<Client>;
  private stderr = '';
  /** The transport's last error (e.g. the SDK's 10 MiB stdio message cap), for the agent's error text. */
  private lastError?: string;

  constructor(
    readonly config: ToolServer,
    private readonly hostEnv: Record<string, string | undefined>,
    private readonly onListChanged: () => void,
  ) {}

  /** The server's tools (`tools/list`, every page). Throws when the server cannot be reached or answers with an error. */
  async tools(): Promise<ToolDefinition[]> {
    const c = await this.connect();
    const out: ToolDefinition[] = [];
    let cursor: string | undefined;
    do {
      const page = await c.listTools(cursor ? { cursor } : undefined, { timeout: this.timeoutMs() });
      for (const t of page.tools) out.push({ name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), inputSchema: t.inputSchema as Record<string, unknown>, ...(t.annotations ? { annotations: t.annotations as Record<string, unknown> } : {}) });
      cursor = page.nextCursor;
    } while (cursor && out.length < 10_000);
    return out;
  }

  /**
   * Calls a tool. Never throws: a crash, a timeout, a protocol error or a result over
   * MAX_RESULT_CHARS becomes an error result the agent sees (`isError: true` with the reason).
   */
  async call(tool: string, args: Record<string, unknown>): Promise<CallToolResult> {
    try {
      const c = await this.connect();
      const r = (await c.callTool({ name: tool, arguments: args }, undefined, { timeout: this.timeoutMs() })) as CallToolResult;
      const size = JSON.stringify(r).length;
      if (size > MAX_RESULT_CHARS) return errorResult(`${this.config.name}: the result of ${tool} is ${size} characters, over the gateway's limit of ${MAX_RESULT_CHARS}; it was not passed on`);
      return r;
    } catch (e) {
      // A transport that failed is dropped so the next call reconnects (a crashed stdio server is started again).
      await this.reset();
      const cause = this.lastError && this.lastError !== (e as Error).message ? ` (${this.lastError.slice(0, 300)})` : '';
      const tail = this.stderr.trim() ? ` (stderr: ${this.stderr.trim().slice(-300)})` : '';
      this.lastError = undefined;
      return errorResult(`${this.config.name}: ${tool} failed: ${(e as Error).message}${cause}${tail}`);
    }
  }

  async close(): Promise<void> {
    await this.reset();
  }

  private timeoutMs(): number {
    return this.config.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  }

  private async reset(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await (await c.catch(() => undefined))?.close().catch(() => undefined);
  }

  private connect(): Promise<Client> {
    this.client ??= (async () => {
      const client = new Client({ name: 'shopfloor-gateway', version: '1' });
      client.setNotificationHandler(ToolListChangedNotificationSchema, async () => this.onListChanged());
      client.onerror = (err) => {
        this.lastError = err.message;
      };
      const cfg = this.config;
      if (cfg.transport === 'stdio') {
        const env: Record<string, string> = { PATH: this.hostEnv.PATH ?? '/usr/bin:/bin' };
        for (const [name, from] of Object.entries(cfg.env ?? {})) {
          const v = this.hostEnv[from];
          if (v !== undefined) env[name] = v;
        }
        const t = new StdioClientTransport({ command: cfg.command, args: cfg.args, env, ...(cfg.cwd ? { cwd: cfg.cwd } : {}), stderr: 'pipe' });
        t.stderr?.on('data', (d: Buffer) => {
          this.stderr = (this.stderr + d.toString('utf8')).slice(-2000);
        });
        // A closed transport (the process exited) is forgotten, so the next use starts it again.
        t.onclose = () => {
          if (this.client === pending) this.client = undefined;
        };
        await client.connect(t, { timeout: this.timeoutMs() });
      } else {
        const headers: Record<string, string> = {};
        for (const [name, from] of Object.entries(cfg.headers ?? {})) {
          const v = this.hostEnv[from];
          if (v !== undefined) headers[name] = v;
        }
        await client.connect(new StreamableHTTPClientTransport(new URL(cfg.url), { requestInit: { headers } }), { timeout: this.timeoutMs() });
      }
      return client;
    })();
    const pending = this.client;
    pending.catch(() => {
      if (this.client === pending) this.client = undefined;
    });
    return pending;
  }
}

/** An MCP tool result that reports an error to the agent. */
export function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}
