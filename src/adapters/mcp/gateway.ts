import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AuditRecord, EffectOutcome, ProposedEffect, ToolDefinition, ToolDrift, ToolEvidence, ToolPin, ToolServer } from '../../contracts/mcp';
import { contentHash, sha256Hex } from '../../core/hash';
import { effectReason, type EffectPlan } from '../../core/mcp/effects';
import { NEVER_APPROVED, toolDefinitionHash, toolDrift } from '../../core/mcp/pins';
import { findSecret } from '../../core/mcp/secrets';
import { FACTORY_SERVER, namespacedTool, splitNamespaced } from '../../core/mcp/tool-names';
import { toolAllowed } from '../../core/mcp/tool-policy';
import { RUN_LAYOUT } from '../../core/run/layout';
import type { ArtifactStore, ToolAccess, ToolAccessProvider, ToolStation } from '../../core/run/ports';
import { AuditLog } from './audit-log';
import { FACTORY_TOOLS, callFactoryTool, type FactorySink } from './factory-tools';
import { UpstreamServer, errorResult } from './upstream';

/** Name the gateway has in a CLI's MCP config; Claude Code shows its tools as `mcp__shopfloor__<tool>`. */
export const GATEWAY_SERVER_NAME = 'shopfloor';

/** Largest request body the gateway reads from a station, bytes. */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/** Options of McpGateway.start. */
export interface McpGatewayOptions {
  runId: string;
  /** Address to listen on: the egress network's gateway (where station containers reach the host), or 127.0.0.1. */
  host: string;
  /** The run folder's files: the audit log, effects, pins and recorded evidence go there (RUN_LAYOUT). */
  artifacts: ArtifactStore;
  /** The team MCP servers (workspace and user config). */
  servers: readonly ToolServer[];
  /** Where server credentials are read from (the host's environment). */
  hostEnv: Record<string, string | undefined>;
  /** The human the agents act for, or `unattended`. */
  delegatedBy: string;
  now?: () => number;
}

interface CatalogEntry {
  server: UpstreamServer;
  def: ToolDefinition;
  /** toolDefinitionHash(def), computed once when the catalogue is read: every call compares it with the pin. */
  sha256: string;
  effect?: string;
}

interface StationGrant {
  station: ToolStation;
  released: boolean;
  /** The station's MCP sessions (Streamable HTTP, one SDK Server each), by session id. */
  sessions: Map<string, { transport: StreamableHTTPServerTransport; server: Server }>;
}

type EffectRecord = ProposedEffect & { state: 'queued' | EffectOutcome['state']; outcome?: EffectOutcome };

/**
 * The run's MCP gateway (issue 12; docs/mcp-gateway.md): the only road from an agent
 * station to tools. One per run, on the host, serving MCP over Streamable HTTP
 * at `http://HOST:PORT/mcp`: each session is an SDK Server bound to the station whose
 * token opened it. Each station attempt gets its own bearer token, refused
 * (401) once released or for any other station.
 *
 * What a station sees: the factory tools (FACTORY_TOOLS; `run_*` only when allowed) and
 * the team servers' tools its packet's `allowedTools` names (core/mcp/tool-policy.ts),
 * namespaced `<server>__<tool>`, each pinned by hash when first offered; a pinned tool
 * whose definition changes is hidden until `repin`. A call is then, in this order: denied
 * (not allowed, unknown, drifted, or an argument that looks like a secret), queued (an
 * effectful tool, core/mcp/effects.ts: held for the output gate), or forwarded. Every
 * call is one record of the hash-chained audit log (digests only).
 *
 * Persistence: the audit log, the effects file and the pins live in the run folder, so a
 * resumed run continues them. I/O: an HTTP listener, the team servers' processes or
 * connections, files under the run folder.
 */
export class McpGateway implements ToolAccessProvider {
  private readonly http: HttpServer;
  private readonly grants = new Map<string, StationGrant>();
  private readonly upstreams: UpstreamServer[];
  private catalog = new Map<string, CatalogEntry>();
  private readonly pins = new Map<string, { sha256: string; def?: ToolDefinition }>();
  private readonly effects: EffectRecord[];
  private readonly recorded: ToolEvidence['recorded'] = [];
  private readonly claims: ToolEvidence['claims'] = [];
  private readonly audit: AuditLog;
  private refreshing?: Promise<void>;
  private stale = true;
  private evidenceCount = 0;
  private url = '';
  /** Writes of the effects and pins files, one after another so an older state never lands last. */
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly o: McpGatewayOptions,
    saved: { effects: EffectRecord[]; pins: (ToolPin & { def?: ToolDefinition })[] },
  ) {
    this.audit = new AuditLog(o.artifacts.resolve(RUN_LAYOUT.toolAudit));
    this.effects = saved.effects;
    for (const p of saved.pins) this.pins.set(p.tool, { sha256: p.sha256, ...(p.def ? { def: p.def } : {}) });
    this.upstreams = o.servers.map((s) => new UpstreamServer(s, o.hostEnv, () => void this.invalidate()));
    this.http = createServer((req, res) => void this.handle(req, res));
  }

  /** Starts the gateway's listener on a free port of `o.host`. Throws when it cannot listen or the run folder's audit log does not verify. */
  static async start(o: McpGatewayOptions): Promise<McpGateway> {
    const g = new McpGateway(o, { effects: await readSaved(o.artifacts, RUN_LAYOUT.toolEffects), pins: await readSaved(o.artifacts, RUN_LAYOUT.toolPins) });
    await new Promise<void>((resolve, reject) => {
      g.http.once('error', reject);
      g.http.listen(0, o.host, () => resolve());
    });
    const a = g.http.address() as AddressInfo;
    g.url = `http://${o.host}:${a.port}/mcp`;
    return g;
  }

  /** The endpoint (for tests and benchmarks). */
  get endpoint(): string {
    return this.url;
  }

  async forStation(station: ToolStation): Promise<ToolAccess> {
    // Definitions are read again at every station start, so a server that changed without notifying is caught here.
    this.stale = true;
    await this.refresh();
    await this.pinAllowed(station.packet);
    const token = `sf-mcp-${randomBytes(24).toString('base64url')}`;
    const grant: StationGrant = { station, released: false, sessions: new Map() };
    this.grants.set(token, grant);
    return {
      server: { name: GATEWAY_SERVER_NAME, url: this.url, headers: { Authorization: `Bearer ${token}` } },
      release: async () => {
        grant.released = true;
        this.grants.delete(token);
        await closeSessions(grant);
      },
    };
  }

  async proposedEffects(): Promise<ProposedEffect[]> {
    return this.effects.map(({ state: _s, outcome: _o, ...p }) => p);
  }

  async settleEffects(plan: EffectPlan): Promise<EffectOutcome[]> {
    const out: EffectOutcome[] = [];
    const run = new Set(plan.run);
    const discarded = new Map(plan.discard.map((d) => [d.id, d.reason]));
    for (const e of this.effects) {
      if (e.state !== 'queued') {
        if (e.outcome) out.push(e.outcome);
        continue;
      }
      const base = { id: e.id, server: e.server, tool: e.tool, argsSha256: e.argsSha256 };
      const station = { stationId: e.stationId, attempt: e.attempt, agent: 'output-gate' };
      if (!run.has(e.id)) {
        const why = discarded.get(e.id) ?? 'the output gate did not approve it';
        e.state = 'discarded';
        e.outcome = { ...base, state: 'discarded', detail: why };
        this.record(station, e.server, e.tool, 'discarded', 0, e.arguments, undefined, why);
      } else {
        const up = this.upstreams.find((u) => u.config.name === e.server);
        const started = this.now();
        const r = up ? await up.call(e.tool, e.arguments) : errorResult(`no server ${e.server} in this run's MCP config`);
        const text = resultText(r);
        e.state = r.isError ? 'failed' : 'executed';
        e.outcome = { ...base, state: e.state, resultSha256: digest(r), resultText: text.slice(0, 2000), ...(r.isError ? { detail: text.slice(0, 500) } : {}) };
        this.record(station, e.server, e.tool, 'executed', this.now() - started, e.arguments, r, r.isError ? 'executed after the output gate; the tool reported an error' : 'executed after the output gate approved');
      }
      out.push(e.outcome);
      await this.saveEffects();
    }
    return out;
  }

  async drift(): Promise<ToolDrift[]> {
    // Asked at gates: read the servers again rather than trust a notification arrived.
    this.stale = true;
    await this.refresh();
    const out: ToolDrift[] = [];
    for (const [tool, pin] of this.pins) {
      const now = this.catalog.get(tool);
      if (!now) continue;
      const d = toolDrift(tool, pin.sha256, pin.def, now.def);
      if (d) out.push(d);
    }
    return out;
  }

  async repin(tools: readonly string[]): Promise<void> {
    await this.refresh();
    for (const t of tools) {
      const now = this.catalog.get(t);
      if (now) this.pins.set(t, { sha256: now.sha256, def: now.def });
    }
    await this.savePins();
  }

  async evidence(): Promise<ToolEvidence | undefined> {
    // The evidence binds the log's head: everything it names is on disk first.
    await this.audit.flush();
    const records = this.audit.records();
    if (!records.length && !this.pins.size && !this.effects.length) return undefined;
    const last = records[records.length - 1];
    return {
      audit: RUN_LAYOUT.toolAudit,
      ...(last ? { auditHead: { records: records.length, hash: last.hash } } : {}),
      calls: records.map((r) => ({ at: r.at, stationId: r.stationId, server: r.server, tool: r.tool, decision: r.decision, ...(r.reason ? { reason: r.reason } : {}), durationMs: r.durationMs, argsSha256: r.argsSha256, ...(r.resultSha256 ? { resultSha256: r.resultSha256 } : {}) })),
      effects: this.effects.map((e) => e.outcome ?? { id: e.id, server: e.server, tool: e.tool, argsSha256: e.argsSha256, state: 'discarded' as const, detail: 'still queued when the run ended' }),
      pins: [...this.pins].map(([tool, p]) => ({ tool, sha256: p.sha256 })),
      drift: await this.drift().catch(() => []),
      recorded: this.recorded,
      claims: this.claims,
    };
  }

  /** Stops listening, ends every token and closes the team servers. Idempotent. */
  async close(): Promise<void> {
    await Promise.all([...this.grants.values()].map(closeSessions));
    this.grants.clear();
    this.http.closeAllConnections?.();
    await new Promise<void>((r) => this.http.close(() => r()));
    await Promise.all(this.upstreams.map((u) => u.close()));
    await this.writes.catch(() => undefined);
    await this.audit.close();
  }

  // ---------- catalogue, pins ----------

  private invalidate(): void {
    this.stale = true;
    void this.refresh().catch(() => undefined);
  }

  /** Re-reads every team server's tools when something said they may have changed; a server that cannot be reached offers no tools. */
  private refresh(): Promise<void> {
    if (!this.stale) return this.refreshing ?? Promise.resolve();
    this.stale = false;
    this.refreshing = (async () => {
      const next = new Map<string, CatalogEntry>();
      await Promise.all(
        this.upstreams.map(async (u) => {
          let defs: ToolDefinition[] = [];
          try {
            defs = await u.tools();
          } catch {
            return;
          }
          for (const def of defs) {
            const effect = effectReason(def, u.config.effectful);
            next.set(namespacedTool(u.config.name, def.name), { server: u, def, sha256: toolDefinitionHash(def), ...(effect ? { effect } : {}) });
          }
        }),
      );
      this.catalog = next;
    })();
    return this.refreshing;
  }

  /**
   * Pins the packet's allowed tools the first time a station could be shown them: at the
   * hash its approval recorded (approval.toolPins; a tool it did not list is NEVER_APPROVED,
   * so hidden until a gate approves it), or, for a packet approved without pins (before
   * issue 12, or with no reachable server), at their definition now.
   */
  private async pinAllowed(packet: ToolStation['packet']): Promise<void> {
    const approved = packet.approval?.toolPins;
    let changed = false;
    for (const [tool, e] of this.catalog) {
      if (this.pins.has(tool) || !toolAllowed(packet.allowedTools, tool).allowed) continue;
      const now = e.sha256;
      const at = approved ? (approved.find((p) => p.tool === tool)?.sha256 ?? NEVER_APPROVED) : now;
      this.pins.set(tool, at === now ? { sha256: at, def: e.def } : { sha256: at });
      changed = true;
    }
    if (changed) await this.savePins();
  }

  /** The tools a station is shown: allowed, and for team tools pinned with an unchanged definition. */
  private visible(station: ToolStation): { name: string; def: ToolDefinition }[] {
    const allowed = station.packet.allowedTools;
    const out = FACTORY_TOOLS.filter((d) => toolAllowed(allowed, d.name).allowed).map((def) => ({ name: def.name, def }));
    for (const [name, e] of this.catalog) if (this.hiddenBecause(allowed, name, e) === undefined) out.push({ name, def: e.def });
    return out;
  }

  private hiddenBecause(allowed: readonly string[], name: string, e: CatalogEntry): string | undefined {
    const v = toolAllowed(allowed, name);
    if (!v.allowed) return v.reason;
    const pin = this.pins.get(name);
    if (!pin) return `${name} was not pinned when the packet's tools were approved`;
    if (pin.sha256 === NEVER_APPROVED) return `${name} was not among the tools approved with the packet (hidden until a human approves it at a gate)`;
    if (pin.sha256 !== e.sha256) return `${name} changed since it was pinned (hidden until a human re-approves it at a gate)`;
    return undefined;
  }

  // ---------- MCP over HTTP ----------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/mcp') return plain(res, 404, 'not found');
      const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      const grant = token ? this.grants.get(token) : undefined;
      if (!grant || grant.released) return plain(res, 401, 'this token is not valid for any running station');
      let parsed: unknown;
      if (req.method === 'POST') {
        const body = await readBody(req, MAX_REQUEST_BYTES);
        if (body === undefined) return plain(res, 413, `request over ${MAX_REQUEST_BYTES} bytes`);
        try {
          parsed = JSON.parse(body);
        } catch {
          return plain(res, 400, 'the body is not JSON');
        }
      } else if (req.method !== 'GET' && req.method !== 'DELETE') return plain(res, 405, 'MCP Streamable HTTP takes POST, GET and DELETE');
      // A session belongs to the station whose token opened it: another token never reaches it.
      const sid = req.headers['mcp-session-id'];
      if (typeof sid === 'string') {
        const session = grant.sessions.get(sid);
        // 404 tells an MCP client to start a new session (spec 2025-06-18, "Session Management").
        if (!session) return plain(res, 404, 'no such session for this station');
        return await session.transport.handleRequest(req, res, parsed);
      }
      if (req.method !== 'POST') return plain(res, 400, 'a new session starts with an initialize POST');
      const server = this.mcpServer(grant.station);
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: true,
        onsessioninitialized: (id) => void grant.sessions.set(id, { transport, server }),
        onsessionclosed: (id) => void grant.sessions.delete(id),
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, parsed);
      // A request that opened no session (not an initialize) leaves nothing behind.
      if (!transport.sessionId) {
        void transport.close();
        void server.close();
      }
    } catch (e) {
      if (!res.headersSent) plain(res, 500, `gateway error: ${(e as Error).message}`);
      else res.end();
    }
  }

  private mcpServer(station: ToolStation): Server {
    const s = new Server({ name: 'shopfloor-gateway', version: '1' }, { capabilities: { tools: { listChanged: false } } });
    s.setRequestHandler(ListToolsRequestSchema, async () => {
      await this.refresh();
      return { tools: this.visible(station).map(({ name, def }) => ({ ...def, name, inputSchema: { type: 'object', ...def.inputSchema } as { type: 'object' } })) };
    });
    s.setRequestHandler(CallToolRequestSchema, async (r) => this.call(station, r.params.name, (r.params.arguments ?? {}) as Record<string, unknown>));
    return s;
  }

  private async call(station: ToolStation, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    const started = this.now();
    const factory = FACTORY_TOOLS.find((d) => d.name === name);
    const ns = splitNamespaced(name);
    const serverName = factory ? FACTORY_SERVER : (ns?.server ?? '(unknown)');
    const toolName = factory ? name : (ns?.tool ?? name);
    const deny = (reason: string) => {
      this.record(station, serverName, toolName, 'denied', this.now() - started, args, undefined, reason);
      // The agent is told the tool does not exist for it: a denied tool is neither listed nor callable.
      return errorResult(`tool ${name} is not available to this station: ${reason}`);
    };
    const secret = findSecret(args);
    if (factory) {
      const v = toolAllowed(station.packet.allowedTools, name);
      if (!v.allowed) return deny(v.reason);
      if (secret) return deny(`argument ${secret.path} looks like ${secret.kind}`);
      const r = await callFactoryTool(name, args, station, this.sink());
      this.record(station, serverName, toolName, 'allowed', this.now() - started, args, r, r.isError ? 'the factory tool reported an error' : undefined);
      return r;
    }
    await this.refresh();
    const e = this.catalog.get(name);
    if (!e) return deny(`no tool ${name} behind the gateway`);
    const hidden = this.hiddenBecause(station.packet.allowedTools, name, e);
    if (hidden) return deny(hidden);
    if (secret) return deny(`argument ${secret.path} looks like ${secret.kind}`);
    if (e.effect) {
      const effect: EffectRecord = {
        id: `effect-${this.effects.length + 1}`,
        stationId: station.stationId,
        attempt: station.attempt,
        server: e.server.config.name,
        tool: e.def.name,
        arguments: args,
        argsSha256: digest(args),
        reason: e.effect,
        proposedAt: new Date(this.now()).toISOString(),
        state: 'queued',
      };
      this.effects.push(effect);
      await this.saveEffects();
      this.record(station, serverName, toolName, 'queued', this.now() - started, args, undefined, `effectful (${e.effect}): held for the output gate as ${effect.id}`);
      return { content: [{ type: 'text', text: `Queued as ${effect.id}: ${name} changes the world (${e.effect}), so it runs only after a human approves the change at the output gate. Do not call it again; go on as if it will be done.` }] };
    }
    const r = await e.server.call(e.def.name, args);
    this.record(station, serverName, toolName, 'allowed', this.now() - started, args, r, r.isError ? 'the tool reported an error' : undefined);
    return r;
  }

  private sink(): FactorySink {
    return {
      recordEvidence: async (station, label, content) => {
        const rel = RUN_LAYOUT.toolEvidence(station.stationId, station.attempt, ++this.evidenceCount);
        await this.o.artifacts.write(rel, content);
        this.recorded.push({ stationId: station.stationId, label, path: rel, sha256: sha256Hex(content) });
        return { path: rel };
      },
      recordClaim: (station, claim) => {
        this.claims.push({ stationId: station.stationId, ...claim });
      },
    };
  }

  private record(station: Pick<ToolStation, 'stationId' | 'attempt' | 'agent'>, server: string, tool: string, decision: AuditRecord['decision'], durationMs: number, args: unknown, result: CallToolResult | undefined, reason?: string): void {
    this.audit.append({
      at: new Date(this.now()).toISOString(),
      runId: this.o.runId,
      stationId: station.stationId,
      attempt: station.attempt,
      agent: station.agent,
      delegatedBy: this.o.delegatedBy,
      server,
      tool,
      decision,
      ...(reason ? { reason } : {}),
      durationMs,
      argsSha256: digest(args ?? {}),
      ...(result ? { resultSha256: digest(result), isError: !!result.isError } : {}),
    });
  }

  private saveEffects(): Promise<unknown> {
    const text = `${JSON.stringify(this.effects, null, 2)}\n`;
    return (this.writes = this.writes.then(() => this.o.artifacts.write(RUN_LAYOUT.toolEffects, text)));
  }

  private savePins(): Promise<unknown> {
    const text = `${JSON.stringify([...this.pins].map(([tool, p]) => ({ tool, sha256: p.sha256, ...(p.def ? { def: p.def } : {}) })), null, 2)}\n`;
    return (this.writes = this.writes.then(() => this.o.artifacts.write(RUN_LAYOUT.toolPins, text)));
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }
}

async function closeSessions(grant: StationGrant): Promise<void> {
  const all = [...grant.sessions.values()];
  grant.sessions.clear();
  await Promise.all(all.map(async ({ transport, server }) => {
    await transport.close().catch(() => undefined);
    await server.close().catch(() => undefined);
  }));
}

/** SHA-256 of a value's canonical JSON (core/hash.ts contentHash); a value it cannot hash (e.g. NaN) falls back to JSON.stringify. */
function digest(v: unknown): string {
  try {
    return contentHash(v);
  } catch {
    return sha256Hex(JSON.stringify(v) ?? 'undefined');
  }
}

function resultText(r: CallToolResult): string {
  return (r.content ?? []).map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join('\n');
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

function readBody(req: IncomingMessage, cap: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > cap) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A saved list of the run folder, [] when absent; throws when it is there but not a JSON array (queued effects are never dropped silently). */
async function readSaved<T>(artifacts: ArtifactStore, rel: string): Promise<T[]> {
  const text = await artifacts.read(rel);
  if (text === undefined) return [];
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`${artifacts.resolve(rel)}: not JSON; the MCP gateway will not start over it (move it aside to start without it)`);
  }
  if (!Array.isArray(v)) throw new Error(`${artifacts.resolve(rel)}: expected a JSON array`);
  return v as T[];
}
