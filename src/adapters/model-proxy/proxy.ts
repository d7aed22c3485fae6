import { randomBytes } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { Agent as HttpAgent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { dirname } from 'node:path';
import type { AgentUsage, Budget, ModelCallRecord, PriceTable } from '../../contracts';
import { UsageTally, budgetReached } from '../../core/agent/budget';
import { DEFAULT_PRICES, priced } from '../../core/agent/pricing';
import type { ModelAccess, ModelAccessProvider } from '../../core/run/ports';
import type { ModelKeys, ModelUpstreams } from './keys';
import { clientToken, errorResponse, routeOf, upstreamHeaders, withoutKeyParam, type ProxyErrorKind } from './providers';
import { UsageMeter, requestModel } from './usage';

/** What {@link startModelProxy} needs. */
export interface ModelProxyOptions {
  runId: string;
  /** Address to listen on: the run's egress network gateway (ensureEgressNetwork), so station containers reach it; 127.0.0.1 in tests. */
  host: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  upstreams: ModelUpstreams;
  keys: ModelKeys;
  /** Default: DEFAULT_PRICES (core/agent/pricing.ts). */
  prices?: PriceTable;
  /** Limits over every station of the run; wall time counts from the proxy's start. */
  runBudget?: Budget;
  /** Absolute path of the run's model-usage log (`<runDir>/` + RUN_LAYOUT.modelUsage); absent: not written. */
  usageLog?: string;
  /** Each call as it ends (for the run log). */
  onCall?: (r: ModelCallRecord) => void;
}

/** Largest request body forwarded (a long agent context is a few MB). */
export const REQUEST_BODY_CAP = 32 * 1024 * 1024;

interface StationAccess {
  stationId: string;
  attempt: number;
  budget?: Budget;
  started: number;
  usage: UsageTally;
  controller: AbortController;
  reason?: string;
  released: boolean;
  timer?: NodeJS.Timeout;
}

/**
 * The run's model proxy (issue 10), a plain-HTTP server on the host side of the egress
 * network. A station's agent gets a base URL here and a random per-station token as its
 * "API key"; the proxy swaps the token for the real key, forwards only the providers'
 * model APIs (providers.ts) to the configured upstream, streams the response back as it
 * arrives, reads the usage from it (usage.ts), prices it and writes one record per call
 * to the usage log. A station or run budget reached refuses further calls (429 in the
 * provider's error format) and aborts the station's budget signal.
 */
export class ModelProxy implements ModelAccessProvider {
  private server?: Server;
  private readonly stations = new Map<string, StationAccess>();
  private readonly sockets = new Set<Socket>();
  private readonly runUsage = new UsageTally();
  private readonly started = Date.now();
  private runReason?: string;
  private runTimer?: NodeJS.Timeout;
  private logChain: Promise<void> = Promise.resolve();
  private readonly agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  private address = '';

  constructor(private readonly opts: ModelProxyOptions) {}

  /** The proxy's base URL, `http://host:port`. */
  get url(): string {
    return this.address;
  }

  /** Listens; resolves with the base URL. Starts the run's wall-time budget. */
  async listen(): Promise<string> {
    const server = createServer({ noDelay: true }, (req, res) => void this.onRequest(req, res));
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, this.opts.host, () => resolve());
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    this.address = `http://${this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host}:${port}`;
    const wall = this.opts.runBudget?.wallMs;
    if (wall) {
      this.runTimer = setTimeout(() => this.exceedRun(budgetReached('run', this.opts.runBudget, this.runSpent())!), wall);
      this.runTimer.unref();
    }
    return this.address;
  }

  /**
   * Opens model access for one station attempt under `budget`. The env holds base URLs
   * pointing here and the station's token as every provider's key: ANTHROPIC_BASE_URL,
   * ANTHROPIC_API_KEY, OPENAI_BASE_URL (with /v1), OPENAI_API_KEY, GOOGLE_GEMINI_BASE_URL,
   * GEMINI_API_KEY, SHOPFLOOR_MODEL_KEY (for a Codex custom provider's `env_key`),
   * SHOPFLOOR_MODEL_PROXY (the base URL), and NO_PROXY/no_proxy naming the proxy's host
   * so CLIs that honour HTTP(S)_PROXY come here directly rather than through the egress proxy.
   */
  async forStation(stationId: string, attempt: number, budget: Budget | undefined): Promise<ModelAccess & { release(): Promise<void> }> {
    const token = `sf-proxy-${randomBytes(24).toString('base64url')}`;
    const s: StationAccess = { stationId, attempt, budget, started: Date.now(), usage: new UsageTally(), controller: new AbortController(), released: false };
    this.stations.set(token, s);
    if (this.runReason) this.exceed(s, this.runReason);
    if (budget?.wallMs) {
      s.timer = setTimeout(() => this.exceed(s, budgetReached('station', budget, this.stationSpent(s))!), budget.wallMs);
      s.timer.unref();
    }
    const base = this.address;
    const host = this.opts.host;
    const noProxy = `localhost,127.0.0.1,${host}`;
    return {
      env: {
        ANTHROPIC_BASE_URL: `${base}/anthropic`,
        ANTHROPIC_API_KEY: token,
        OPENAI_BASE_URL: `${base}/openai/v1`,
        OPENAI_API_KEY: token,
        GOOGLE_GEMINI_BASE_URL: `${base}/gemini`,
        GEMINI_API_KEY: token,
        SHOPFLOOR_MODEL_KEY: token,
        SHOPFLOOR_MODEL_PROXY: base,
        NO_PROXY: noProxy,
        no_proxy: noProxy,
      },
      budgetSignal: s.controller.signal,
      budgetExceeded: () => s.reason,
      usage: () => s.usage.models(),
      release: async () => {
        s.released = true;
        clearTimeout(s.timer);
      },
    };
  }

  /** Usage of the whole run so far, by model. */
  runUsageByModel(): AgentUsage[] {
    return this.runUsage.models();
  }

  /** Stops listening, ends open connections and waits for usage records to be written. */
  async close(): Promise<void> {
    clearTimeout(this.runTimer);
    for (const s of this.stations.values()) clearTimeout(s.timer);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.agents.http.destroy();
    this.agents.https.destroy();
    await this.logChain;
  }

  private stationSpent(s: StationAccess) {
    return s.usage.spent(Date.now() - s.started);
  }

  private runSpent() {
    return this.runUsage.spent(Date.now() - this.started);
  }

  /** The reason a call from `s` must be refused now (its budget or the run's), marking and aborting as needed. */
  private check(s: StationAccess): string | undefined {
    if (s.reason) return s.reason;
    if (this.runReason) return this.exceed(s, this.runReason);
    const run = budgetReached('run', this.opts.runBudget, this.runSpent());
    if (run) {
      this.exceedRun(run);
      return run;
    }
    const own = budgetReached('station', s.budget, this.stationSpent(s));
    return own ? this.exceed(s, own) : undefined;
  }

  private exceed(s: StationAccess, reason: string): string {
    if (s.reason) return s.reason;
    s.reason = reason;
    clearTimeout(s.timer);
    s.controller.abort(new Error(`budget exceeded: ${reason}`));
    return reason;
  }

  /** The run's budget is reached: every station still holding access is stopped. */
  private exceedRun(reason: string): void {
    if (this.runReason) return;
    this.runReason = reason;
    for (const s of this.stations.values()) if (!s.released) this.exceed(s, reason);
  }

  private record(r: ModelCallRecord): void {
    this.opts.onCall?.(r);
    const file = this.opts.usageLog;
    if (!file) return;
    const line = JSON.stringify(r) + '\n';
    this.logChain = this.logChain.then(async () => {
      await mkdir(dirname(file), { recursive: true });
      await appendFile(file, line);
      // A full disk must not fail the agent's call; the budgets still hold (they count in memory).
    }).catch(() => undefined);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    const target = req.url ?? '/';
    const route = routeOf(req.method, target);
    if (!route) {
      req.resume();
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'shopfloor model proxy: only the model APIs are forwarded (POST /anthropic/v1/messages, /openai/v1/responses, /openai/v1/chat/completions, /gemini/v1beta/models/MODEL:generateContent)' } }));
      return;
    }
    const { provider } = route;
    const fail = (kind: ProxyErrorKind, message: string): void => {
      const e = errorResponse(provider, kind, message);
      if (!res.headersSent) res.writeHead(e.status, e.headers).end(e.body);
      else res.destroy();
    };
    const token = clientToken(req.headers, target);
    const s = token ? this.stations.get(token) : undefined;
    if (!s || s.released) {
      req.resume();
      return fail('auth', s ? 'this station\'s model access was released' : 'unknown model access token');
    }
    const path = withoutKeyParam(route.upstreamPath);
    const base: Omit<ModelCallRecord, 'at' | 'status' | 'durationMs'> = { stationId: s.stationId, attempt: s.attempt, provider, path: path.split('?')[0]! };
    const refusal = this.check(s);
    if (refusal) {
      req.resume();
      fail('budget', `budget exceeded: ${refusal}`);
      return this.record({ ...base, at: new Date().toISOString(), status: 429, durationMs: performance.now() - t0, refused: refusal });
    }
    const key = this.opts.keys[provider];
    if (!key) {
      req.resume();
      return fail('auth', `no ${provider} API key is set on the host (environment, or "Shopfloor: Set Model API Key")`);
    }
    let body: Buffer;
    try {
      body = await readBody(req, REQUEST_BODY_CAP);
    } catch {
      return fail('too-large', `request body over ${REQUEST_BODY_CAP} bytes`);
    }
    const upstream = new URL(this.opts.upstreams[provider]);
    const upPath = upstream.pathname.replace(/\/+$/, '') + path;
    const https = upstream.protocol === 'https:';
    const up = (https ? httpsRequest : httpRequest)({
      protocol: upstream.protocol,
      hostname: upstream.hostname.replace(/^\[|\]$/g, ''),
      port: upstream.port || (https ? 443 : 80),
      method: 'POST',
      path: upPath,
      headers: upstreamHeaders(provider, req.headers, key, upstream.host, body.length),
      agent: https ? this.agents.https : this.agents.http,
    });
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    let answered = false;
    up.on('error', (e) => {
      if (answered) return;
      fail('upstream', `upstream ${upstream.host} unreachable: ${(e as NodeJS.ErrnoException).code ?? e.message}`);
      this.record({ ...base, at: new Date().toISOString(), status: 502, durationMs: performance.now() - t0 });
    });
    up.on('response', (r) => {
      answered = true;
      const headers = { ...r.headers };
      delete headers.connection;
      delete headers['keep-alive'];
      delete headers['transfer-encoding'];
      res.writeHead(r.statusCode ?? 502, headers);
      if (/^text\/event-stream/i.test(r.headers['content-type'] ?? '')) res.flushHeaders();
      const meter = new UsageMeter(provider, r.headers['content-type'], requestModel(provider, path, body));
      // Once per call, also when the client went away mid-stream: the tokens read so far were spent.
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        this.done(s, base, r.statusCode ?? 502, t0, meter.end());
      };
      r.on('data', (c: Buffer) => {
        meter.feed(c);
        // Account the call before the client sees its last event: a CLI that acts on
        // `message_stop` can send its next call before the upstream connection ends, and
        // that call must meet a budget that already counts this one.
        if (meter.complete) finish();
        // Each chunk goes to the client as it arrives (streaming), with the socket's backpressure.
        if (!res.write(c)) {
          r.pause();
          res.once('drain', () => r.resume());
        }
      });
      r.on('end', () => {
        // Accounted first: a client that reads a JSON body acts on it once the response ends.
        finish();
        res.end();
      });
      r.on('close', finish);
      r.on('error', () => res.destroy());
    });
    up.end(body);
  }

  /** Records a forwarded call's usage and stops the station when it (or the run) has now reached a budget. */
  private done(s: StationAccess, base: Omit<ModelCallRecord, 'at' | 'status' | 'durationMs'>, status: number, t0: number, raw: AgentUsage | undefined): void {
    const usage = raw && priced(raw, this.opts.prices ?? DEFAULT_PRICES);
    if (usage) {
      s.usage.add(usage);
      this.runUsage.add(usage);
    }
    this.record({ ...base, at: new Date().toISOString(), status, durationMs: performance.now() - t0, usage });
    if (usage && !s.released) this.check(s);
  }
}

/** The whole request body, up to `cap` bytes. @throws Error past the cap (the request is then drained). */
function readBody(req: IncomingMessage, cap: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n <= cap) parts.push(c);
    });
    req.on('end', () => (n <= cap ? resolve(Buffer.concat(parts)) : reject(new Error('too large'))));
    req.on('error', reject);
  });
}

/**
 * Starts a run's model proxy (see {@link ModelProxy}); close it when the run ends.
 * The engine passes it as the run's ModelAccessProvider. For stations on the egress
 * network, `host` is that network's gateway: `(await ensureEgressNetwork(docker, owner)).gateway`.
 */
export async function startModelProxy(opts: ModelProxyOptions): Promise<ModelProxy> {
  const p = new ModelProxy(opts);
  await p.listen();
  return p;
}

