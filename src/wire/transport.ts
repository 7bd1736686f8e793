// The -1 rule: a request is HTTPS when its socket is TLS, or when it comes from a configured
// trusted proxy that says `X-Forwarded-Proto: https`.
import { BlockList, isIP, isIPv4 } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';

export type HttpsCheck = (req: IncomingMessage) => boolean;

export function httpsCheck(trustedProxies: readonly string[]): HttpsCheck {
  const trusted = addressMatcher(trustedProxies);
  return (req) => {
    if ((req.socket as TLSSocket).encrypted) return true;
    if (trustedProxies.length === 0) return false;
    if (!trusted(req.socket.remoteAddress ?? '')) return false;
    const proto = req.headers['x-forwarded-proto'];
    const first = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase();
    return first === 'https';
  };
}

/** `::ffff:10.0.0.1` is the IPv4 address 10.0.0.1 arriving on a dual-stack socket. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/**
 * Whether an address is in a list of addresses and CIDR blocks (validated by src/config.ts).
 * The list is compiled once; `::ffff:a.b.c.d` matches as a.b.c.d.
 */
export function addressMatcher(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [addr, bits] = entry.split('/') as [string, string | undefined];
    const type = isIPv4(addr) ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return (address) => {
    const a = normalizeAddress(address);
    const family = isIP(a);
    return family !== 0 && list.check(a, family === 4 ? 'ipv4' : 'ipv6');
  };
}
