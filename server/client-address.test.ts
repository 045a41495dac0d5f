import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { addressLimitKey, clientAddress, normalizeAddress } from './client-address.js';

function request(peer: string, forwardedFor?: string): IncomingMessage {
  return { socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } } as unknown as IncomingMessage;
}

describe('clientAddress', () => {
  it('is the TCP peer when no proxy is trusted, whatever the header says', () => {
    expect(clientAddress(request('::ffff:10.0.0.5', '203.0.113.9'), new Set())).toBe('10.0.0.5');
  });

  it('reads X-Forwarded-For right to left past trusted proxies', () => {
    const trusted = new Set(['127.0.0.1', '10.0.0.2']);
    expect(clientAddress(request('127.0.0.1', '203.0.113.9'), trusted)).toBe('203.0.113.9');
    // A client-written entry on the left is ignored: the nearest untrusted hop is what the proxy saw.
    expect(clientAddress(request('127.0.0.1', '1.2.3.4, 203.0.113.9, 10.0.0.2'), trusted)).toBe('203.0.113.9');
    // An untrusted peer's header is not believed.
    expect(clientAddress(request('198.51.100.1', '203.0.113.9'), trusted)).toBe('198.51.100.1');
  });

  it('stops at a malformed entry instead of trusting what is left of it', () => {
    expect(clientAddress(request('127.0.0.1', '203.0.113.9, not-an-ip'), new Set(['127.0.0.1']))).toBe('127.0.0.1');
  });

  it('spells IPv4-mapped IPv6 addresses as IPv4', () => {
    expect(normalizeAddress('::FFFF:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeAddress('2001:DB8::1')).toBe('2001:db8::1');
  });
});

describe('addressLimitKey', () => {
  it('counts IPv6 clients per /64 and IPv4 clients per address', () => {
    expect(addressLimitKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressLimitKey('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(addressLimitKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressLimitKey('::1')).toBe('0:0:0:0::/64');
    expect(addressLimitKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(addressLimitKey('198.51.100.7')).toBe('198.51.100.7');
  });
});
