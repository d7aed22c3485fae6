import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which destinations the egress proxy lets a station reach: the allowlist entry syntax,
 * the port rule, and the address ranges refused after resolution (design.md "Isolation
 * and security defaults": the proxy checks resolved addresses and ports, not only names).
 *
 * Allowlist entries (blueprint `egressAllow`, plus the profile's registry hosts):
 * - `registry.npmjs.org`: that exact name; `*.example.org`: its subdomains (not the apex).
 * - `203.0.113.7`, `2001:db8::1`: that literal address, checked like a name's address.
 * - `10.1.0.0/16`, `fd00::/8`, `127.0.0.1/32`: a range (with its `/prefix`) is the explicit
 *   opt-in for internal addresses: literal destinations in it are on the list, and a listed
 *   name may resolve into it. Nothing else reaches a blocked range.
 * - Any of these with `:port` (`host:8443`, `10.1.0.0/16:5432`, `[fd00::/8]:5432`, `[::1]:8080`)
 *   allows that port only; without a port an entry allows 80 and 443.
 */

/** Ports an allowlist entry without `:port` allows. */
export const DEFAULT_EGRESS_PORTS: readonly number[] = [80, 443];

/** One parsed allowlist entry. `port` absent: {@link DEFAULT_EGRESS_PORTS}. */
export type EgressAllowEntry =
  | { kind: 'name'; text: string; pattern: string; port?: number }
  | { kind: 'address'; text: string; address: string; port?: number }
  | { kind: 'range'; text: string; range: [ipaddr.IPv4 | ipaddr.IPv6, number]; port?: number };

/** The outcome of checking one destination: the addresses to connect to, or why not. */
export type EgressVerdict = { allowed: true; addresses: string[] } | { allowed: false; reason: string; addresses?: string[] };

/** What the check needs from the machine; injected so tests control resolution. */
export interface DestinationIo {
  /** All addresses of `host` (one lookup per request; the proxy connects only to these). Throws when the name does not resolve. */
  resolve: (host: string) => Promise<string[]>;
  /** Addresses of this machine's own interfaces (os.networkInterfaces()). */
  ownAddresses: () => string[];
}

/** Message reused by the log and the tests: the destination matched no entry. */
export const NOT_ON_ALLOWLIST = 'host not on the blueprint allowlist';

/**
 * Parses one allowlist entry (syntax in this file's header).
 * @throws Error naming the entry when it is neither a host name, an address nor a range, or its port is not 1-65535.
 */
export function parseAllowEntry(entry: string): EgressAllowEntry {
  const text = entry.trim();
  let target = text;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) [target, portText] = [bracketed[1]!, bracketed[2]];
  else if ((text.match(/:/g) ?? []).length === 1) [target, portText] = text.split(':') as [string, string];
  const bad = (why: string): Error => new Error(`egress allowlist entry "${entry}": ${why}`);
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw bad('the port must be 1-65535');
  }
  if (target.includes('/')) {
    try {
      const [addr, bits] = ipaddr.parseCIDR(target);
      return { kind: 'range', text, range: [normalize(addr), addr.kind() === 'ipv6' && normalize(addr).kind() === 'ipv4' ? bits - 96 : bits], port };
    } catch {
      throw bad('not an address range such as 10.1.0.0/16');
    }
  }
  if (isIP(target)) return { kind: 'address', text, address: normalize(ipaddr.parse(target)).toString(), port };
  const pattern = target.toLowerCase().replace(/\.$/, '');
  if (!/^(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/.test(pattern)) throw bad('not a host name, *.domain, address or range');
  return { kind: 'name', text, pattern, port };
}

/** True when the name `host` matches `pattern`: exact, or `*.example.org` for subdomains (not the apex). Case and a trailing dot are ignored. */
export function nameMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase().trim();
  return p.startsWith('*.') ? h.endsWith(p.slice(1)) : h === p;
}

/**
 * The ipaddr.js ranges refused without an opt-in: what reaches this machine, its networks
 * and its cloud's metadata service (loopback, link-local incl. 169.254.169.254, RFC 1918
 * private, CGNAT 100.64/10, unique-local fc00::/7 and the old site-local fec0::/10,
 * unspecified, multicast, broadcast), and the IPv6 tunnelling prefixes whose far end
 * cannot be told from the address (Teredo, 6to4, local-use NAT64 64:ff9b:1::/48).
 * Reserved, documentation and benchmarking ranges are not on it: they are not routed to
 * the host's networks, and intercepting proxies and sandboxes answer public names with them.
 */
const BLOCKED_RANGES: ReadonlySet<string> = new Set([
  'unspecified', 'broadcast', 'multicast', 'linkLocal', 'loopback', 'carrierGradeNat', 'private',
  'uniqueLocal', 'deprecatedSiteLocal', 'teredo', '6to4', 'rfc6052',
]);

/**
 * Why `address` may not be reached without an opt-in, or undefined when it may: it is in
 * one of {@link BLOCKED_RANGES}, or it is one of this machine's own interface addresses
 * (`own`, normalized with {@link normalizeAddress}). IPv6 forms that carry an IPv4 address
 * (IPv4-mapped ::ffff:0:0/96, IPv4-translated ::ffff:0:0:0/96, NAT64 64:ff9b::/96) are
 * judged by that IPv4 address.
 */
export function blockedReason(address: string, own: ReadonlySet<string>): string | undefined {
  const a = normalize(ipaddr.parse(address));
  if (a.kind() === 'ipv6' && EMBEDS_IPV4.some((r) => inRange(a.toString(), r))) {
    const inner = blockedReason(new ipaddr.IPv4(a.toByteArray().slice(12)).toString(), own);
    return inner ? `${inner} (inside ${a.toString()})` : undefined;
  }
  const range = a.range();
  if (BLOCKED_RANGES.has(range)) return `${a.toString()} is ${/^[aeiou]/i.test(range) ? 'an' : 'a'} ${range} address`;
  if (own.has(a.toString())) return `${a.toString()} is an address of this machine`;
  return undefined;
}

/** IPv6 prefixes whose last 32 bits are an IPv4 address: IPv4-translated (RFC 6145) and well-known NAT64 (RFC 6052). */
const EMBEDS_IPV4 = [ipaddr.parseCIDR('::ffff:0:0:0/96'), ipaddr.parseCIDR('64:ff9b::/96')];

/** The canonical text of an address: IPv4-mapped IPv6 as IPv4, IPv6 compact, zone dropped. @throws when `address` is not an IP address. */
export function normalizeAddress(address: string): string {
  return normalize(ipaddr.parse(address.replace(/%.*$/, ''))).toString();
}

/**
 * Decides whether a station with allowlist `allow` may connect to `host`:`port`, resolving
 * a name exactly once. Refused when no entry matches the destination, when no matching
 * entry allows the port, when the name does not resolve, or when ANY address it resolves
 * to is blocked ({@link blockedReason}) and no range entry opts it in: a name that mixes
 * public and internal addresses is what DNS rebinding looks like, so picking its public
 * half is not enough. On success the caller connects to the returned addresses only.
 */
export async function checkDestination(host: string, port: number, allow: readonly EgressAllowEntry[], io: DestinationIo): Promise<EgressVerdict> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const literal = isIP(bare) ? normalizeAddress(bare) : undefined;
  const matching = allow.filter((e) =>
    literal === undefined
      ? e.kind === 'name' && nameMatches(bare, e.pattern)
      : (e.kind === 'address' && e.address === literal) || (e.kind === 'range' && inRange(literal, e.range)),
  );
  if (matching.length === 0) return { allowed: false, reason: NOT_ON_ALLOWLIST };
  if (!matching.some((e) => (e.port === undefined ? DEFAULT_EGRESS_PORTS.includes(port) : e.port === port))) {
    return { allowed: false, reason: `port ${port} not allowed: only ${DEFAULT_EGRESS_PORTS.join(' and ')} unless an allowlist entry names the port (${bare}:${port})` };
  }
  let addresses: string[];
  try {
    addresses = literal === undefined ? [...new Set((await io.resolve(bare)).map(normalizeAddress))] : [literal];
  } catch (e) {
    return { allowed: false, reason: `${bare} does not resolve (${(e as Error).message})` };
  }
  if (addresses.length === 0) return { allowed: false, reason: `${bare} does not resolve` };
  const own = new Set(io.ownAddresses().flatMap((a) => (isIP(a.replace(/%.*$/, '')) ? [normalizeAddress(a)] : [])));
  const ranges = allow.flatMap((e) => (e.kind === 'range' ? [e.range] : []));
  for (const a of addresses) {
    if (ranges.some((r) => inRange(a, r))) continue;
    const why = blockedReason(a, own);
    if (why) return { allowed: false, addresses, reason: `${literal === undefined ? `${bare} resolves to ${a}: ` : ''}${why}; list its range (e.g. ${a}/${a.includes(':') ? 128 : 32}) to allow it` };
  }
  return { allowed: true, addresses };
}

function inRange(address: string, range: [ipaddr.IPv4 | ipaddr.IPv6, number]): boolean {
  const a = ipaddr.parse(address);
  return a.kind() === range[0].kind() && a.match(range);
}

function normalize(a: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a;
}
