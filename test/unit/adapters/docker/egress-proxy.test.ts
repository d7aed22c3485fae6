import { strict as assert } from 'node:assert';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { EgressProxy, blockedReason, checkDestination, nameMatches, parseAllowEntry, type DestinationIo, type EgressLogEntry } from '../../../../src/adapters/docker';

/** A public address (example.com's) the fake resolver hands out; the fake connector sends it to the local upstream. */
const PUBLIC = '93.184.216.34';

describe('adapters/docker egress proxy', () => {
  let upstream: Server;
  let upstreamPort: number;
  let upstreamConnections = 0;
  let proxy: EgressProxy;
  let proxyPort: number;
  const log: EgressLogEntry[] = [];
  /** Each (address, port) the proxy connected to. */
  const dialed: string[] = [];
  /** What the fake resolver answers, per name; a function is called once per lookup. */
  const dns = new Map<string, string[] | (() => string[])>();
  let lookups: string[] = [];

  before(async () => {
    upstream = createServer((req, res) => res.end(`upstream ok ${req.headers.host}`));
    upstream.on('connection', () => upstreamConnections++);
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamPort = (upstream.address() as AddressInfo).port;
    proxy = new EgressProxy((e) => log.push(e), {
      resolve: async (host) => {
        lookups.push(host);
        const a = dns.get(host);
        if (!a) throw new Error('ENOTFOUND');
        return typeof a === 'function' ? a() : a;
      },
      ownAddresses: () => ['127.0.0.1', '::1', '8.8.4.4'],
      connect: (address, port) => {
        dialed.push(`${address}:${port}`);
        return connect({ host: '127.0.0.1', port: upstreamPort });
      },
    });
    proxyPort = await proxy.listen('127.0.0.1');
  });
  after(async () => {
    await proxy.close();
    await new Promise((r) => upstream.close(r));
  });
  beforeEach(() => {
    log.length = 0;
    dialed.length = 0;
    lookups = [];
    dns.clear();
  });

  const get = (host: string, port: number, hostHeader = `${host}:${port}`) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: proxyPort, path: `http://${host}:${port}/x`, headers: { host: hostHeader } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  const connectTo = (host: string, port: number) =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: proxyPort, method: 'CONNECT', path: `${host}:${port}` });
      req.on('connect', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });

  it('matches exact names and *.suffix patterns only', () => {
    assert.equal(nameMatches('registry.npmjs.org', 'registry.npmjs.org'), true);
    assert.equal(nameMatches('evil-registry.npmjs.org.attacker.com', 'registry.npmjs.org'), false);
    assert.equal(nameMatches('a.b.example.org', '*.example.org'), true);
    assert.equal(nameMatches('example.org', '*.example.org'), false);
    assert.equal(nameMatches('Registry.NPMJS.org.', 'registry.npmjs.org'), true);
  });

  it('parses allowlist entries: names, addresses, ranges, each with an optional port; refuses anything else', () => {
    assert.deepEqual(parseAllowEntry('registry.npmjs.org'), { kind: 'name', text: 'registry.npmjs.org', pattern: 'registry.npmjs.org', port: undefined });
    assert.deepEqual(parseAllowEntry('*.Example.org:8443'), { kind: 'name', text: '*.Example.org:8443', pattern: '*.example.org', port: 8443 });
    assert.deepEqual(parseAllowEntry('::ffff:10.0.0.1'), { kind: 'address', text: '::ffff:10.0.0.1', address: '10.0.0.1', port: undefined });
    assert.deepEqual(parseAllowEntry('[::1]:8080'), { kind: 'address', text: '[::1]:8080', address: '::1', port: 8080 });
    const r = parseAllowEntry('10.1.0.0/16:5432');
    assert.equal(r.kind, 'range');
    assert.equal(r.port, 5432);
    assert.equal(parseAllowEntry('[fd00::/8]:5432').kind, 'range');
    assert.equal(parseAllowEntry('fd00::/8').port, undefined);
    for (const bad of ['host:0', 'host:70000', 'host:ab', 'ex ample.org', '10.0.0.0/33', 'http://x.org', '']) assert.throws(() => parseAllowEntry(bad), /egress allowlist entry/, bad);
  });

  it('refuses every internal range, IPv4-mapped and NAT64 forms of them, and the machine\'s own addresses', () => {
    const own = new Set(['8.8.4.4']);
    const cases: [string, RegExp][] = [
      ['127.0.0.1', /loopback/],
      ['127.8.9.10', /loopback/],
      ['::1', /loopback/],
      ['169.254.169.254', /linkLocal/],
      ['fe80::1', /linkLocal/],
      ['10.2.3.4', /private/],
      ['172.16.0.1', /private/],
      ['172.31.255.254', /private/],
      ['192.168.1.1', /private/],
      ['fc00::1', /uniqueLocal/],
      ['fd12:3456::1', /uniqueLocal/],
      ['100.64.0.1', /carrierGradeNat/],
      ['0.0.0.0', /unspecified/],
      ['::', /unspecified/],
      ['224.0.0.1', /multicast/],
      ['ff02::1', /multicast/],
      ['255.255.255.255', /broadcast/],
      ['::ffff:127.0.0.1', /127\.0\.0\.1 is a loopback/],
      ['::ffff:169.254.169.254', /linkLocal/],
      ['::ffff:a9fe:a9fe', /linkLocal/],
      ['64:ff9b::7f00:1', /^127\.0\.0\.1 is a loopback address \(inside 64:ff9b::7f00:1\)$/],
      ['::ffff:0:a00:1', /10\.0\.0\.1 is a private address/],
      ['64:ff9b:1::1', /rfc6052/],
      ['2002:7f00:1::', /6to4/],
      ['2001::1', /teredo/],
      ['fec0::1', /deprecatedSiteLocal/],
      ['8.8.4.4', /an address of this machine/],
    ];
    for (const [a, why] of cases) assert.match(blockedReason(a, own) ?? 'allowed', why, a);
    for (const a of [PUBLIC, '172.32.0.1', '100.128.0.1', '2606:4700::1', '64:ff9b::5db8:d822']) assert.equal(blockedReason(a, own), undefined, a);
    // Not routed to the host's networks, and what intercepting proxies answer public names with.
    for (const a of ['203.0.113.80', '198.18.0.1', '2001:db8::1']) assert.equal(blockedReason(a, own), undefined, a);
  });

  const io = (answers: Record<string, string[]>, own: string[] = []): DestinationIo => ({
    resolve: async (h) => {
      const a = answers[h];
      if (!a) throw new Error('ENOTFOUND');
      return a;
    },
    ownAddresses: () => own,
  });
  const check = (host: string, port: number, allow: string[], answers: Record<string, string[]> = {}, own: string[] = []) =>
    checkDestination(host, port, allow.map(parseAllowEntry), io(answers, own));

  it('allows only 80 and 443 unless an entry names the port, for the host that entry matches', async () => {
    const answers = { 'a.org': [PUBLIC], 'b.org': [PUBLIC] };
    assert.deepEqual(await check('a.org', 443, ['a.org'], answers), { allowed: true, addresses: [PUBLIC] });
    assert.equal((await check('a.org', 80, ['a.org'], answers)).allowed, true);
    assert.match((await check('a.org', 22, ['a.org'], answers) as { reason: string }).reason, /^port 22 not allowed/);
    assert.equal((await check('a.org', 8443, ['a.org:8443'], answers)).allowed, true);
    assert.equal((await check('a.org', 443, ['a.org:8443'], answers)).allowed, false, 'an entry with a port allows only that port');
    assert.equal((await check('b.org', 8443, ['a.org:8443', 'b.org'], answers)).allowed, false, "another entry's port does not carry over");
    assert.equal((await check(PUBLIC, 443, [PUBLIC], answers)).allowed, true);
    assert.equal((await check(PUBLIC, 22, [PUBLIC], answers)).allowed, false);
  });

  it('refuses a listed name that resolves into a blocked range or to this machine, when any of its addresses does', async () => {
    const r = (v: Awaited<ReturnType<typeof check>>) => (v.allowed ? 'allowed' : v.reason);
    assert.match(r(await check('localhost', 443, ['localhost'], { localhost: ['127.0.0.1', '::1'] })), /^localhost resolves to 127\.0\.0\.1: 127\.0\.0\.1 is a loopback address/);
    assert.match(r(await check('meta.evil', 80, ['meta.evil'], { 'meta.evil': ['169.254.169.254'] })), /linkLocal/);
    assert.match(r(await check('mixed.evil', 443, ['mixed.evil'], { 'mixed.evil': [PUBLIC, '10.0.0.7'] })), /10\.0\.0\.7 is a private address/);
    assert.match(r(await check('mapped.evil', 443, ['mapped.evil'], { 'mapped.evil': ['::ffff:192.168.0.1'] })), /192\.168\.0\.1 is a private/);
    assert.match(r(await check('me.evil', 443, ['me.evil'], { 'me.evil': ['8.8.4.4'] }, ['8.8.4.4'])), /an address of this machine/);
    assert.match(r(await check('gone.org', 443, ['gone.org'])), /gone\.org does not resolve/);
    assert.match(r(await check('127.0.0.1', 443, ['127.0.0.1'])), /^127\.0\.0\.1 is a loopback address/, 'a literal address is checked like a resolved one');
    assert.match(r(await check('[::ffff:7f00:1]', 443, ['127.0.0.1'])), /loopback/);
    assert.equal(r(await check('127.0.0.1', 443, ['localhost'])), 'host not on the blueprint allowlist');
  });

  it('lets a range entry opt internal addresses in, for literal destinations and for listed names', async () => {
    assert.deepEqual(await check('10.1.2.3', 5432, ['10.1.0.0/16:5432']), { allowed: true, addresses: ['10.1.2.3'] });
    assert.equal((await check('10.2.0.1', 5432, ['10.1.0.0/16:5432'])).allowed, false);
    assert.deepEqual(await check('git.corp', 443, ['git.corp', '10.1.0.0/16'], { 'git.corp': ['10.1.0.9'] }), { allowed: true, addresses: ['10.1.0.9'] });
    assert.equal((await check('git.corp', 443, ['git.corp', '10.1.0.0/16'], { 'git.corp': ['10.1.0.9', '127.0.0.1'] })).allowed, false, 'only the opted-in range');
    assert.equal((await check('localhost', 8080, ['localhost:8080', '127.0.0.1/32'], { localhost: ['127.0.0.1'] })).allowed, true);
    assert.equal((await check('[fd00::5]', 443, ['fd00::/8'])).allowed, true);
  });

  it('refuses unknown clients, forwards allowed hosts to the checked address, refuses the rest, and logs each decision', async () => {
    dns.set('svc.test', [PUBLIC]);
    dns.set('other.test', [PUBLIC]);
    assert.equal((await get('svc.test', 80)).status, 403, 'client not registered yet');
    proxy.register('127.0.0.1', 'run-1', ['svc.test']);
    assert.deepEqual(await get('svc.test', 80, 'spoofed.internal'), { status: 200, body: 'upstream ok svc.test' }, 'the Host the proxy checked goes upstream');
    assert.equal(await connectTo('svc.test', 443), 200);
    assert.equal(await connectTo('other.test', 443), 403);
    assert.equal(await connectTo('svc.test', 22), 403);
    assert.deepEqual(dialed, [`${PUBLIC}:80`, `${PUBLIC}:443`]);
    assert.deepEqual(
      log.map((e) => [e.method, e.host, e.port, e.allowed, e.reason?.replace(/:.*/, '') ?? '']),
      [
        ['GET', 'svc.test', 80, false, 'unknown client'],
        ['GET', 'svc.test', 80, true, ''],
        ['CONNECT', 'svc.test', 443, true, ''],
        ['CONNECT', 'other.test', 443, false, 'host not on the blueprint allowlist'],
        ['CONNECT', 'svc.test', 22, false, 'port 22 not allowed'],
      ],
    );
    assert.equal(log[1]!.runId, 'run-1');
    assert.deepEqual(log[1]!.addresses, [PUBLIC]);
  });

  it('refuses a name that resolves to loopback through the proxy, without connecting, and logs why', async () => {
    dns.set('localhost', ['127.0.0.1']);
    proxy.register('127.0.0.1', 'run-1', ['localhost', `localhost:${upstreamPort}`]);
    const before = upstreamConnections;
    assert.equal((await get('localhost', upstreamPort)).status, 403);
    assert.equal(await connectTo('localhost', upstreamPort), 403);
    assert.equal(await connectTo('127.0.0.1', upstreamPort), 403);
    assert.deepEqual(dialed, []);
    assert.equal(upstreamConnections, before);
    assert.deepEqual(
      log.map((e) => e.reason),
      [
        `localhost resolves to 127.0.0.1: 127.0.0.1 is a loopback address; list its range (e.g. 127.0.0.1/32) to allow it`,
        `localhost resolves to 127.0.0.1: 127.0.0.1 is a loopback address; list its range (e.g. 127.0.0.1/32) to allow it`,
        'host not on the blueprint allowlist',
      ],
    );
  });

  it('resolves once and connects to the address it checked, even when the next answer is loopback (DNS rebinding)', async () => {
    const answers = [[PUBLIC], ['127.0.0.1']];
    dns.set('rebind.test', () => answers.shift() ?? ['127.0.0.1']);
    proxy.register('127.0.0.1', 'run-1', ['rebind.test']);
    assert.equal(await connectTo('rebind.test', 443), 200);
    assert.deepEqual(lookups, ['rebind.test']);
    assert.deepEqual(dialed, [`${PUBLIC}:443`]);
    assert.deepEqual((await get('rebind.test', 80)).status, 403, 'the second lookup (loopback) is refused');
    assert.deepEqual(dialed, [`${PUBLIC}:443`]);
  });

  it('logs the requests it refuses before any destination check: https:// in absolute form, a relative URL', async () => {
    dns.set('svc.test', [PUBLIC]);
    proxy.register('127.0.0.1', 'run-1', ['svc.test']);
    const status = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: proxyPort, path }, (res) => (res.resume(), resolve(res.statusCode ?? 0)));
        req.on('error', reject);
        req.end();
      });
    assert.equal(await status('https://svc.test/x'), 403);
    assert.equal(await status('/x'), 400);
    assert.deepEqual(dialed, []);
    assert.deepEqual(
      log.map((e) => [e.host, e.allowed, e.runId, e.reason]),
      [
        ['svc.test', false, 'run-1', 'https: is not forwarded (plain http:// only; TLS goes through CONNECT)'],
        ['/x', false, 'run-1', 'not an absolute URL'],
      ],
    );
  });

  it('refuses to register an allowlist entry that does not parse', () => {
    assert.throws(() => proxy.register('10.9.9.9', 'run-2', ['ok.org', 'bad entry']), /egress allowlist entry "bad entry"/);
  });
});
