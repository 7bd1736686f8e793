// The API user's source-IP allowlist and the address it is checked against (pure functions).
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { passwordExpired } from '../../src/reseller-api/api-auth.js';
import { addressAllowed, clientAddressOf } from '../../src/wire/client-address.js';

describe('API-user address rules', () => {
  it.each([
    [null, '203.0.113.9', true],
    ['["203.0.113.0/24"]', '203.0.113.9', true],
    ['["203.0.113.0/24"]', '203.0.114.9', false],
    ['["198.51.100.7"]', '198.51.100.7', true],
    ['["198.51.100.7"]', '198.51.100.8', false],
    ['["2001:db8::/32"]', '2001:db8:1::5', true],
    ['["2001:db8::/32"]', '2001:db9::5', false],
    ['["10.0.0.0/8", "::1"]', '::1', true],
    ['[]', '127.0.0.1', false],
    ['["not an address", "10.0.0.0/99"]', '10.0.0.1', false],
    ['not json', '10.0.0.1', false],
    ['["10.0.0.0/8"]', '', false],
  ])('allowlist %s admits %s: %s', (list, address, allowed) => {
    expect(addressAllowed(list, address)).toBe(allowed);
  });

  function req(remoteAddress: string, xff?: string): IncomingMessage {
    return { socket: { remoteAddress }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } } as unknown as IncomingMessage;
  }

  it('believes X-Forwarded-For only from a trusted proxy, and only its last hop', () => {
    expect(clientAddressOf(req('::ffff:192.0.2.1', '10.9.9.9'), [])).toBe('192.0.2.1');
    expect(clientAddressOf(req('192.0.2.1', '10.9.9.9'), ['10.0.0.0/8'])).toBe('192.0.2.1');
    expect(clientAddressOf(req('10.0.0.2', '6.6.6.6, 203.0.113.9'), ['10.0.0.0/8'])).toBe('203.0.113.9');
    expect(clientAddressOf(req('10.0.0.2'), ['10.0.0.0/8'])).toBe('10.0.0.2');
    expect(clientAddressOf(req('10.0.0.2', 'garbage'), ['10.0.0.0/8'])).toBe('10.0.0.2');
  });

  it('a password expires at exactly its maximum age; 0 means never', () => {
    const set = '2026-01-01T00:00:00.000Z';
    expect(passwordExpired(set, 90, new Date('2026-03-31T23:59:59.999Z'))).toBe(false);
    expect(passwordExpired(set, 90, new Date('2026-04-01T00:00:00.000Z'))).toBe(true);
    expect(passwordExpired(set, 0, new Date('2099-01-01T00:00:00.000Z'))).toBe(false);
  });
});
