import { lookup } from 'node:dns/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { cachedResolver } from './dns-cache';
import { checkDestination, parseAllowEntry, type DestinationIo, type EgressAllowEntry, type EgressVerdict } from './egress-destination';

/** One connection the proxy allowed or refused, for the run log. */
export interface EgressLogEntry {
  at: string;
  /** Source address of the station container. */
  client: string;
  /** Run id of the container, when known. */
  runId?: string;
  host: string;
  port: number;
  method: string;
  allowed: boolean;
  /** Why it was refused (egress-destination.ts words it). */
  reason?: string;
  /** The addresses the name resolved to and that were checked; an allowed connection goes only to these. */
  addresses?: string[];
}

/** What the proxy does on the machine, injectable for tests: name resolution, interface addresses, outbound connections. */
export interface EgressProxyIo extends DestinationIo {
  /** Opens a TCP connection to an address already checked (never a name). */
  connect: (address: string, port: number) => Socket;
}

/**
 * The machine's own resolver (all addresses, in the resolver's order; cached, see
 * cachedResolver), interfaces and sockets.
 */
export const MACHINE_IO: EgressProxyIo = {
  resolve: cachedResolver(async (host) => (await lookup(host, { all: true, order: 'verbatim' })).map((a) => a.address)),
  ownAddresses: () => Object.values(networkInterfaces()).flatMap((l) => (l ?? []).map((i) => i.address)),
  connect: (address, port) => connect({ host: address, port }),
};

/**
 * Host-side allowlisting HTTP proxy: CONNECT for TLS and absolute-form requests for plain
 * HTTP. Each station container is known by its address on the egress network and has
 * its own allowlist; unknown addresses are refused. The containers sit on an internal
 * network with no route out, so this proxy is their only way to the internet.
 *
 * Each request is checked by {@link checkDestination}: the name against the allowlist, the
 * port (80 and 443 unless an entry names one), and every address the name resolves to
 * (loopback, link-local, private, this machine's own addresses and the like are refused
 * unless a range entry opts them in). The name is resolved once and the proxy connects to
 * the checked addresses, never to the name again, so a second DNS answer cannot redirect
 * it (rebinding). Every decision, with the reason for a refusal, goes to `log`.
 */
export class EgressProxy {
  private server?: Server;
  private readonly clients = new Map<string, { runId: string; allow: EgressAllowEntry[] }>();
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly log: (e: EgressLogEntry) => void,
    private readonly io: EgressProxyIo = MACHINE_IO,
  ) {}

  /** Listens on `address` (the egress network's gateway); resolves with the port. */
  async listen(address: string): Promise<number> {
    const server = createServer((req, res) => this.onRequest(req, res));
    server.on('connect', (req, socket: Socket, head) => this.onConnect(req, socket, head));
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, address, () => resolve());
    });
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  /**
   * Gives a container address its allowlist (entry syntax: egress-destination.ts).
   * @throws Error naming the first entry that does not parse; the client is then not registered.
   */
  register(clientAddress: string, runId: string, allow: string[]): void {
    this.clients.set(clientAddress, { runId, allow: allow.map(parseAllowEntry) });
  }

  unregister(clientAddress: string): void {
    this.clients.delete(clientAddress);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Logs a request refused before its destination could be checked. */
  private refuse(client: string, host: string, port: number, method: string, reason: string): void {
    const runId = this.clients.get(client.replace(/^::ffff:/, ''))?.runId;
    this.log({ at: new Date().toISOString(), client, runId, host, port, method, allowed: false, reason });
  }

  /** Checks and logs one request; resolves with the addresses to connect to, or undefined when refused. */
  private async decide(client: string, host: string, port: number, method: string): Promise<string[] | undefined> {
    const c = this.clients.get(client.replace(/^::ffff:/, ''));
    const v: EgressVerdict = c ? await checkDestination(host, port, c.allow, this.io) : { allowed: false, reason: 'unknown client' };
    this.log({
      at: new Date().toISOString(),
      client,
      runId: c?.runId,
      host,
      port,
      method,
      allowed: v.allowed,
      reason: v.allowed ? undefined : v.reason,
      addresses: v.addresses,
    });
    return v.allowed ? v.addresses : undefined;
  }

  /** Connects to the first of `addresses` that answers, trying the next on an error before connecting. */
  private open(addresses: string[], port: number): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const attempt = (i: number): void => {
        const s = this.io.connect(addresses[i]!, port);
        const fail = (e: Error): void => {
          s.destroy();
          if (i + 1 < addresses.length) attempt(i + 1);
          else reject(e);
        };
        s.once('error', fail);
        s.once('connect', () => {
          s.off('error', fail);
          resolve(s);
        });
      };
      attempt(0);
    });
  }

  private onConnect(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url ?? '');
    socket.on('error', () => socket.destroy());
    if (!m) {
      this.refuse(socket.remoteAddress ?? '', req.url ?? '', 0, 'CONNECT', 'not a host:port target');
      return void socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    }
    const [host, port] = [m[1]!, Number(m[2])];
    void (async () => {
      const addresses = await this.decide(socket.remoteAddress ?? '', host, port, 'CONNECT');
      if (!addresses) return void socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n\r\n${REFUSED}`);
      let upstream: Socket;
      try {
        upstream = await this.open(addresses, port);
      } catch {
        return void socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      }
      if (socket.destroyed) return void upstream.destroy();
      upstream.on('error', () => socket.destroy());
      socket.on('close', () => upstream.destroy());
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    })().catch(() => socket.destroy());
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      this.refuse(req.socket.remoteAddress ?? '', req.url ?? '', 0, req.method ?? 'GET', 'not an absolute URL');
      res.writeHead(400).end('shopfloor egress: absolute URL expected\n');
      return;
    }
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const client = req.socket.remoteAddress ?? '';
    if (url.protocol !== 'http:') {
      this.refuse(client, url.hostname, port, req.method ?? 'GET', `${url.protocol} is not forwarded (plain http:// only; TLS goes through CONNECT)`);
      return void res.writeHead(403, { 'content-type': 'text/plain' }).end(REFUSED);
    }
    void (async () => {
      const addresses = await this.decide(client, url.hostname, port, req.method ?? 'GET');
      if (!addresses) return void res.writeHead(403, { 'content-type': 'text/plain' }).end(REFUSED);
      let socket: Socket;
      try {
        socket = await this.open(addresses, port);
      } catch {
        return void res.writeHead(502).end();
      }
      if (res.destroyed) return void socket.destroy();
      const headers = { ...req.headers };
      delete headers['proxy-connection'];
      delete headers['proxy-authorization'];
      // The Host the proxy checked, not whatever the client wrote; one request per upstream connection.
      headers.host = url.host;
      headers.connection = 'close';
      const up = httpRequest({ createConnection: () => socket, method: req.method, path: `${url.pathname}${url.search}`, headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
      res.on('close', () => socket.destroy());
      req.pipe(up);
    })().catch(() => res.destroy());
  }
}

/** Body of every 403 the proxy sends; the reason is in the run log, not told to the station. */
const REFUSED = 'shopfloor egress: destination not allowed (see the run log)\n';
