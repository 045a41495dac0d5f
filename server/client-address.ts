// The address a client connects from: the TCP peer, or, when that peer is a trusted reverse proxy, the
// nearest address in X-Forwarded-For that is not itself a trusted proxy. Per-address limits key on it.

import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** One spelling per address: IPv4-mapped IPv6 ("::ffff:1.2.3.4") becomes the IPv4 address. */
export function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 ? lower.slice(7) : lower;
}

/**
 * Reads X-Forwarded-For right to left (each proxy appends the peer it saw), skipping trusted proxies.
 * Without trusted proxies the header is ignored: any client can write it.
 */
export function clientAddress(req: IncomingMessage, trustedProxies: ReadonlySet<string>): string {
  let address = normalizeAddress(req.socket.remoteAddress ?? 'unknown');
  if (trustedProxies.size === 0 || !trustedProxies.has(address)) return address;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : header ?? '').split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!.trim();
    if (isIP(hop) === 0) break; // a malformed entry: stop at the last address we could verify
    address = normalizeAddress(hop);
    if (!trustedProxies.has(address)) break;
  }
  return address;
}

/**
 * What a per-address limit counts: the IPv4 address itself, or the /64 network of an IPv6 address (what one
 * subscriber is usually given: anyone holding a /64 has 2^64 addresses).
 */
export function addressLimitKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const groups = ipv6Groups(address);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : address;
}

/** The eight 16-bit groups of a valid IPv6 address, in lower-case hex without leading zeros. */
function ipv6Groups(address: string): string[] | null {
  let text = address.split('%')[0]!; // a zone id (fe80::1%eth0) is not part of the address
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    // An embedded IPv4 address (::1.2.3.4) is the last two groups.
    const [a, b, c, d] = tail.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const first = head ? head.split(':') : [];
  const last = rest ? rest.split(':') : [];
  const groups = rest === undefined ? first : [...first, ...new Array<string>(8 - first.length - last.length).fill('0'), ...last];
  return groups.length === 8 ? groups.map((g) => parseInt(g, 16).toString(16)) : null;
}
