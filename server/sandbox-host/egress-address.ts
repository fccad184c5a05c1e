import 'server-only';
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

// Where a sandbox's proxied request may go. Every host a sandbox names (a CONNECT target, an absolute URL,
// a Host header) is normalized by the WHATWG URL parser, which turns every IPv4 spelling (2130706433,
// 0x7f.1, 0177.0.0.1, 127.1) into dotted decimal and every IPv6 spelling into its compressed form; addresses
// are then classified by ipaddr.js, never by string. Names are resolved once, every address is checked,
// and the proxy connects to a checked address (no second lookup, so DNS rebinding has nothing to race).

export interface Target {
  /** A lower-case host name (no trailing dot) or a bare IP address (IPv6 without brackets). */
  host: string;
  port: number;
  /** True when `host` is an IP address. */
  literal: boolean;
}

const NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;
const AUTHORITY = /^(\[[0-9a-fA-F:.]+\]|[^:@/\\?#[\]\s]+)(?::(\d{1,5}))?$/;

/** "host", "host:port" or "[v6]:port" (a CONNECT target or a Host header) → a normalized target; undefined when malformed. */
export function parseAuthority(value: string, defaultPort: number): Target | undefined {
  const match = AUTHORITY.exec(value);
  if (!match?.[1]) return undefined;
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  return normalizeHost(match[1], port);
}

/** A URL's hostname (already WHATWG-parsed) and port → a target; undefined when the host is not a plain name or address. */
export function normalizeHost(host: string, port: number): Target | undefined {
  if (!(Number.isInteger(port) && port > 0 && port < 65536)) return undefined;
  let hostname: string;
  try {
    // Port and path are ours; only the host goes through the parser (it rejects zone ids like %25lo).
    hostname = new URL(`http://${host}/`).hostname;
  } catch {
    return undefined;
  }
  if (hostname.startsWith('[')) {
    const bare = hostname.slice(1, -1);
    return ipaddr.IPv6.isValid(bare) ? { host: bare, port, literal: true } : undefined;
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(hostname)) return { host: hostname, port, literal: true };
  const name = hostname.replace(/\.$/, '');
  return NAME.test(name) ? { host: name, port, literal: false } : undefined;
}

/** Global unicast: 2000::/3 is the only IPv6 space handed out for the public internet. */
const GLOBAL_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * True only for addresses on the public internet. Everything ipaddr.js does not call plain 'unicast' is
 * refused (loopback, private, link-local, carrier-grade NAT, unspecified, multicast, reserved, …).
 * IPv6 forms that carry an IPv4 address (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) count
 * as public only when the IPv4 inside is; IPv4-compatible ::a.b.c.d and Teredo are refused.
 */
export function isPublicAddress(address: string): boolean {
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) return ipaddr.IPv4.parse(address).range() === 'unicast';
  // Zone ids (fe80::1%eth0) only make sense for link-local addresses, which are refused anyway.
  if (address.includes('%') || !ipaddr.IPv6.isValid(address)) return false;
  const v6 = ipaddr.IPv6.parse(address);
  const embedded = embeddedIPv4(v6);
  if (embedded) return embedded.range() === 'unicast';
  return v6.range() === 'unicast' && v6.match(GLOBAL_V6);
}

function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const bytes = v6.toByteArray();
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  if (v6.range() === 'rfc6052') return new ipaddr.IPv4(bytes.slice(12, 16));
  if (v6.range() === '6to4') return new ipaddr.IPv4(bytes.slice(2, 6));
  return undefined;
}

export type Resolution = { ok: true; address: string } | { ok: false; status: 403 | 502; message: string };

export type Lookup = (name: string) => Promise<{ address: string }[]>;
const systemLookup: Lookup = (name) => lookup(name, { all: true, verbatim: true });

/**
 * The address to connect to: the literal itself, or the first address the name resolves to. With `publicOnly`
 * (the full policy) every address must be public; the allowlist trusts the operator's names wherever they point
 * (a registry mirror on the local network).
 */
export async function resolveTarget(target: Target, options: { publicOnly: boolean; lookup?: Lookup }): Promise<Resolution> {
  let addresses: string[];
  try {
    addresses = target.literal ? [target.host] : (await (options.lookup ?? systemLookup)(target.host)).map((a) => a.address);
  } catch {
    return { ok: false, status: 502, message: `Cannot resolve ${target.host}.` };
  }
  const refused = addresses.find((address) => options.publicOnly && !isPublicAddress(address));
  if (refused !== undefined || addresses.length === 0) {
    return { ok: false, status: 403, message: `${target.host} (${refused ?? 'no address'}) is a local or private address; sandboxes cannot reach it.` };
  }
  return { ok: true, address: addresses[0]! };
}
