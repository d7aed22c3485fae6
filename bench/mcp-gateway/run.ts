// The MCP gateway's cost (src/adapters/mcp, issue 12), one run, side by side:
// 1. added latency per tool call: the same `tools/call` of a read-only tool on a real
//    Streamable HTTP MCP server (built with the SDK, in its own process as a team server is),
//    from an SDK client directly, through
//    a bare SDK relay (Server + Client, nothing else: the floor of any SDK-built gateway),
//    and through the gateway (allowlist, pins, secret check, audit append), rotated each round;
// 2. audit-log appends per second with fsync (AuditLog.append: hash chain + fsync) versus
//    a plain appendFileSync + fsync of a line of the same size.
// Prints a Markdown table. Usage: npx tsx bench/mcp-gateway/run.ts [--calls N] [--appends N]
import { closeSync, fsyncSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AuditLog } from '../../src/adapters/mcp/audit-log';
import { McpGateway } from '../../src/adapters/mcp/gateway';
import { FileArtifactStore } from '../../src/adapters/store/artifact-store';
import type { StationEnvironment } from '../../src/core/run/ports';
import { aPacket } from '../../test/support/builders';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const arg = (name: string, d: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : d);
const calls = arg('--calls', 2000);
const appends = arg('--appends', 2000);
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const f = (x: number) => `${x.toFixed(2)} ms`;

async function client(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const c = new Client({ name: 'bench', version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return c;
}

/**
 * The floor any SDK-built gateway pays: an SDK Server over Streamable HTTP that forwards each
 * tools/call to the team server through an SDK Client, with nothing else (no allowlist,
 * pins, secret check or audit). The gateway's own work is what it adds beyond this relay.
 */
async function startRelay(upstreamUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = await client(upstreamUrl);
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const http = createServer(async (req, res) => {
    const sid = req.headers['mcp-session-id'] as string | undefined;
    let t = sid ? sessions.get(sid) : undefined;
    if (!t) {
      const server = new Server({ name: 'relay', version: '1' }, { capabilities: { tools: {} } });
      server.setRequestHandler(ListToolsRequestSchema, async () => upstream.listTools());
      server.setRequestHandler(CallToolRequestSchema, async (r) => (await upstream.callTool({ name: r.params.name, arguments: r.params.arguments ?? {} })) as CallToolResult);
      const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), enableJsonResponse: true, onsessioninitialized: (id) => void sessions.set(id, created) });
      t = created;
      await server.connect(t);
    }
    await t.handleRequest(req, res);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    close: async () => {
      await upstream.close();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

/** Starts team-server.ts in a child process (tsx) and resolves with its URL once it listens. */
async function startTeamServerProcess(): Promise<{ url: string; close(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'team-server.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`team server exited with ${code}`)));
  });
  return { url, close: () => void child.kill() };
}

async function main(): Promise<void> {
  const docs = await startTeamServerProcess();
  const dir = mkdtempSync(join(tmpdir(), 'sf-bench-gw-'));
  const gateway = await McpGateway.start({ runId: 'bench', host: '127.0.0.1', artifacts: new FileArtifactStore(dir), servers: [{ name: 'docs', transport: 'http', url: docs.url }], hostEnv: {}, delegatedBy: 'bench' });
  const env = { exec: async () => ({ exitCode: 0, endReason: 'exited', durationMs: 0, truncated: false }), dispose: async () => undefined } as unknown as StationEnvironment;
  const access = await gateway.forStation({ stationId: 'implement', attempt: 1, agent: 'bench', packet: { ...aPacket().build(), allowedTools: ['docs__search'] }, environment: env });
  const direct = await client(docs.url);
  const through = await client(access.server.url, access.server.headers);
  const relayServer = await startRelay(docs.url);
  const relay = await client(relayServer.url);
  const args = { q: 'how does quote() escape backticks' };
  const one = async (c: Client, name: string) => {
    const t0 = performance.now();
    const r = await c.callTool({ name, arguments: args });
    if (r.isError) throw new Error(JSON.stringify(r));
    return performance.now() - t0;
  };
  for (let i = 0; i < 100; i++) {
    await one(direct, 'search');
    await one(through, 'docs__search');
    await one(relay, 'search');
  }
  const d: number[] = [];
  const g: number[] = [];
  const rl: number[] = [];
  // Three orders, rotated each round, so no path always goes first.
  const paths = [() => one(direct, 'search').then((x) => void d.push(x)), () => one(through, 'docs__search').then((x) => void g.push(x)), () => one(relay, 'search').then((x) => void rl.push(x))];
  for (let i = 0; i < calls; i++) {
    for (let k = 0; k < 3; k++) await paths[(i + k) % 3]!();
  }
  const added = g.map((x, i) => x - d[i]!);
  const relayAdded = rl.map((x, i) => x - d[i]!);
  const overRelay = g.map((x, i) => x - rl[i]!);
  await relay.close();
  await relayServer.close();
  await direct.close();
  await through.close();
  await gateway.close();
  docs.close();

  // Audit appends: the gateway's log versus a bare append + fsync of a line as long.
  const log = new AuditLog(join(dir, 'bench-audit.jsonl'));
  const body = { at: new Date().toISOString(), runId: 'bench', stationId: 'implement', attempt: 1, agent: 'bench', delegatedBy: 'bench', server: 'docs', tool: 'search', decision: 'allowed' as const, durationMs: 1, argsSha256: 'a'.repeat(64), resultSha256: 'b'.repeat(64), isError: false };
  let t0 = performance.now();
  for (let i = 0; i < appends; i++) log.append(body);
  await log.flush();
  const auditMs = performance.now() - t0;
  await log.close();
  // One record at a time, each waited for on disk: the durability an agent's single call gets.
  const single = new AuditLog(join(dir, 'bench-audit-one.jsonl'));
  t0 = performance.now();
  for (let i = 0; i < appends; i++) {
    single.append(body);
    await single.flush();
  }
  const oneMs = performance.now() - t0;
  await single.close();
  const line = `${JSON.stringify(log.records()[0])}\n`;
  const fd = openSync(join(dir, 'plain.jsonl'), 'a');
  t0 = performance.now();
  for (let i = 0; i < appends; i++) {
    writeSync(fd, line);
    fsyncSync(fd);
  }
  const plainMs = performance.now() - t0;
  closeSync(fd);

  const rows = [
    '| measure | direct to the MCP server | bare SDK relay | through the gateway | gateway added vs direct | relay added vs direct | gateway vs relay | target (gateway added) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    `| tools/call, median (${calls} calls) | ${f(quantile(d, 0.5))} | ${f(quantile(rl, 0.5))} | ${f(quantile(g, 0.5))} | ${f(quantile(added, 0.5))} | ${f(quantile(relayAdded, 0.5))} | ${f(quantile(overRelay, 0.5))} | ≤ 1 ms |`,
    `| tools/call, p99 (added columns: p99 of the per-round differences) | ${f(quantile(d, 0.99))} | ${f(quantile(rl, 0.99))} | ${f(quantile(g, 0.99))} | ${f(quantile(added, 0.99))} | ${f(quantile(relayAdded, 0.99))} | ${f(quantile(overRelay, 0.99))} | ≤ 5 ms |`,
    // A pause (GC, the scheduler) that lands on either call of a pair shows in the paired p99; the difference of the two paths' own p99s does not count it twice.
    `| tools/call, p99 of each path minus p99 of the other | | | | ${f(quantile(g, 0.99) - quantile(d, 0.99))} | ${f(quantile(rl, 0.99) - quantile(d, 0.99))} | ${f(quantile(g, 0.99) - quantile(rl, 0.99))} | ≤ 5 ms |`,
    '',
    '| audit log | appends/s | ratio | ',
    '| --- | --- | --- |',
    `| plain append + fsync of the same line (${appends}) | ${Math.round(appends / (plainMs / 1000))} | 1.00 |`,
    `| AuditLog.append, each record flushed before the next | ${Math.round(appends / (oneMs / 1000))} | ${(oneMs / plainMs).toFixed(2)}× the time |`,
    `| AuditLog.append, a burst then one flush (group commit) | ${Math.round(appends / (auditMs / 1000))} | ${(auditMs / plainMs).toFixed(2)}× the time |`,
  ];
  process.stdout.write(`${rows.join('\n')}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
