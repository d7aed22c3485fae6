import { strict as assert } from 'node:assert';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EgressProxy, hostAllowed, type EgressLogEntry } from '../../../../src/adapters/docker';

describe('adapters/docker egress proxy', () => {
  let upstream: Server;
  let upstreamPort: number;
  let proxy: EgressProxy;
  let proxyPort: number;
  const log: EgressLogEntry[] = [];

  before(async () => {
    upstream = createServer((_req, res) => res.end('upstream ok'));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamPort = (upstream.address() as AddressInfo).port;
    proxy = new EgressProxy((e) => log.push(e));
    proxyPort = await proxy.listen('127.0.0.1');
  });
  after(async () => {
    await proxy.close();
    await new Promise((r) => upstream.close(r));
  });

  const get = (host: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: proxyPort, path: `http://${host}:${upstreamPort}/x`, headers: { host: `${host}:${upstreamPort}` } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  const connectTo = (host: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: proxyPort, method: 'CONNECT', path: `${host}:${upstreamPort}` });
      req.on('connect', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });

  it('matches exact names and *.suffix patterns only', () => {
    assert.equal(hostAllowed('registry.npmjs.org', ['registry.npmjs.org']), true);
    assert.equal(hostAllowed('evil-registry.npmjs.org.attacker.com', ['registry.npmjs.org']), false);
    assert.equal(hostAllowed('a.b.example.org', ['*.example.org']), true);
    assert.equal(hostAllowed('example.org', ['*.example.org']), false);
    assert.equal(hostAllowed('Registry.NPMJS.org.', ['registry.npmjs.org']), true);
  });

  it('refuses unknown clients, forwards allowed hosts, refuses the rest, and logs each decision', async () => {
    assert.equal((await get('localhost')).status, 403, 'client not registered yet');
    proxy.register('127.0.0.1', 'run-1', ['localhost']);
    assert.deepEqual(await get('localhost'), { status: 200, body: 'upstream ok' });
    assert.equal(await connectTo('localhost'), 200);
    proxy.register('127.0.0.1', 'run-1', ['example.org']);
    assert.equal((await get('localhost')).status, 403);
    assert.equal(await connectTo('localhost'), 403);
    assert.deepEqual(
      log.map((e) => [e.method, e.host, e.allowed, e.reason ?? '']),
      [
        ['GET', 'localhost', false, 'unknown client'],
        ['GET', 'localhost', true, ''],
        ['CONNECT', 'localhost', true, ''],
        ['GET', 'localhost', false, 'host not on the blueprint allowlist'],
        ['CONNECT', 'localhost', false, 'host not on the blueprint allowlist'],
      ],
    );
    assert.equal(log[1]!.runId, 'run-1');
  });
});
