import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Docker from 'dockerode';
import type { EgressLogEntry } from '../../../src/adapters/docker';
import { ensureEgressNetwork } from '../../../src/adapters/docker/egress-network';
import { defaultEnvironment } from '../../../src/core/container';
import { IMAGE, collect, requireEngine, testRuntime, workspace } from './support';

/** In the station: each request straight to the proxy in HTTP_PROXY, printed as `label status`. */
const PROBE = `
const http = require('http');
const proxy = new URL(process.env.HTTP_PROXY);
const [kind, target] = process.argv.slice(1);
const opts = { host: proxy.hostname, port: proxy.port, timeout: 10000 };
const req = kind === 'GET'
  ? http.request({ ...opts, path: 'http://' + target + '/', headers: { host: target } }, (res) => { console.log(res.statusCode); res.resume(); })
  : http.request({ ...opts, method: 'CONNECT', path: target });
req.on('connect', (res, socket) => { console.log(res.statusCode); socket.destroy(); });
req.on('timeout', () => { console.log('timeout'); req.destroy(); });
req.on('error', (e) => console.log('error ' + e.code));
req.end();
`;

describe('docker: the egress proxy checks where a listed name leads', () => {
  const { rt, owner, cleanup } = testRuntime('egdst');
  const log: EgressLogEntry[] = [];
  (rt as unknown as { opts: { onEgress: (e: EgressLogEntry) => void } }).opts.onEgress = (e) => log.push(e);
  const servers: Server[] = [];
  const seen = new Map<Server, number>();
  before(() => requireEngine(rt));
  after(async () => {
    for (const s of servers) await new Promise((r) => s.close(r));
    await cleanup();
  });

  const serve = async (address: string): Promise<[Server, number]> => {
    const s = createServer((_req, res) => res.end('reached'));
    s.on('connection', () => seen.set(s, (seen.get(s) ?? 0) + 1));
    await new Promise<void>((r) => s.listen(0, address, r));
    servers.push(s);
    return [s, (s.address() as AddressInfo).port];
  };

  it("refuses the host's loopback, its address on the egress bridge and port 22, even for listed names, and logs why", async () => {
    const { gateway } = await ensureEgressNetwork(new Docker(), owner);
    const [loop, loopPort] = await serve('127.0.0.1');
    const [bridge, bridgePort] = await serve(gateway);
    // Every destination is on the list, with its port: only the address check stands in the way.
    const allow = ['localhost', `localhost:${loopPort}`, gateway, `${gateway}:${bridgePort}`, 'registry.npmjs.org'];
    const s = await rt.prepare(defaultEnvironment({ image: IMAGE, workspaceBasename: 'repo', network: { egressAllow: allow } }), { runId: 'egdst-1', sessionId: 'sess', workspaceDir: workspace() });
    const probe = async (kind: 'GET' | 'CONNECT', target: string): Promise<string> => {
      const out = collect();
      await s.exec(['node', '-e', PROBE, kind, target], { timeoutMs: 30_000, onStdout: out.sink });
      return out.text().trim();
    };
    const results: Record<string, string> = {};
    for (const [kind, target] of [
      ['GET', `localhost:${loopPort}`],
      ['CONNECT', `localhost:${loopPort}`],
      ['GET', `${gateway}:${bridgePort}`],
      ['CONNECT', `${gateway}:${bridgePort}`],
      ['CONNECT', 'localhost:22'],
      ['CONNECT', `${gateway}:22`],
      ['CONNECT', 'registry.npmjs.org:22'],
    ] as const) results[`${kind} ${target}`] = await probe(kind, target);
    await s.remove();

    assert.deepEqual(Object.values(results), Array(7).fill('403'), JSON.stringify(results));
    assert.equal(seen.get(loop) ?? 0, 0, 'the loopback server saw no connection');
    assert.equal(seen.get(bridge) ?? 0, 0, 'the bridge server saw no connection');
    const reason = (method: string, host: string, port: number) => log.find((e) => e.method === method && e.host === host && e.port === port)?.reason ?? 'no log entry';
    assert.match(reason('GET', 'localhost', loopPort), /^localhost resolves to (127\.0\.0\.1|::1): .* is a loopback address/);
    assert.match(reason('CONNECT', 'localhost', loopPort), /loopback address/);
    assert.match(reason('GET', gateway, bridgePort), new RegExp(`^${gateway.replace(/\./g, '\\.')} is a private address`));
    assert.match(reason('CONNECT', gateway, bridgePort), /private address/);
    for (const host of ['localhost', gateway, 'registry.npmjs.org']) assert.match(reason('CONNECT', host, 22), /^port 22 not allowed/);
    assert.ok(log.every((e) => !e.allowed && e.runId === 'egdst-1'));
  });
});
