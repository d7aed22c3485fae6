import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

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
  reason?: string;
}

/** True when `host` is on `allow`: exact names, or `*.example.org` for subdomains (not the apex). */
export function hostAllowed(host: string, allow: string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return allow.some((a) => {
    const p = a.toLowerCase().trim();
    return p.startsWith('*.') ? h.endsWith(p.slice(1)) : h === p;
  });
}

/**
 * Host-side allowlisting HTTP proxy: CONNECT for TLS and absolute-form requests for plain
 * HTTP. Each station container is known by its address on the egress network and has
 * its own allowlist; unknown addresses are refused. The containers sit on an internal
 * network with no route out, so this proxy is their only way to the internet.
 */
export class EgressProxy {
  private server?: Server;
  private readonly clients = new Map<string, { runId: string; allow: string[] }>();
  private readonly sockets = new Set<Socket>();

  constructor(private readonly log: (e: EgressLogEntry) => void) {}

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

  /** Gives a container address its allowlist. */
  register(clientAddress: string, runId: string, allow: string[]): void {
    this.clients.set(clientAddress, { runId, allow });
  }

  unregister(clientAddress: string): void {
    this.clients.delete(clientAddress);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private decide(client: string, host: string, port: number, method: string): boolean {
    const c = this.clients.get(client.replace(/^::ffff:/, ''));
    const allowed = !!c && hostAllowed(host, c.allow);
    this.log({
      at: new Date().toISOString(),
      client,
      runId: c?.runId,
      host,
      port,
      method,
      allowed,
      reason: allowed ? undefined : c ? 'host not on the blueprint allowlist' : 'unknown client',
    });
    return allowed;
  }

  private onConnect(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url ?? '');
    socket.on('error', () => socket.destroy());
    if (!m) return void socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    const [host, port] = [m[1]!, Number(m[2])];
    if (!this.decide(socket.remoteAddress ?? '', host, port, 'CONNECT')) {
      return void socket.end('HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n\r\nshopfloor egress: host not allowed\n');
    }
    const upstream = connect(port, host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    socket.on('close', () => upstream.destroy());
  }

  private onRequest(req: IncomingMessage, res: import('node:http').ServerResponse): void {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('shopfloor egress: absolute URL expected\n');
      return;
    }
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    if (url.protocol !== 'http:' || !this.decide(req.socket.remoteAddress ?? '', url.hostname, port, req.method ?? 'GET')) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('shopfloor egress: host not allowed\n');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const up = httpRequest({ host: url.hostname, port, method: req.method, path: `${url.pathname}${url.search}`, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.headersSent ? res.destroy() : res.writeHead(502).end());
    req.pipe(up);
  }
}
