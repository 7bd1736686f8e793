// The -1 rule: a request is HTTPS when its socket is TLS, or when it comes from a configured
// trusted proxy that says `X-Forwarded-Proto: https`.
import { BlockList, isIPv4 } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';

export type HttpsCheck = (req: IncomingMessage) => boolean;

export function httpsCheck(trustedProxies: readonly string[]): HttpsCheck {
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const [addr, bits] = entry.split('/') as [string, string | undefined];
    const type = isIPv4(addr) ? 'ipv4' : 'ipv6';
    if (bits === undefined) trusted.addAddress(addr, type);
    else trusted.addSubnet(addr, Number(bits), type);
  }
  return (req) => {
    if ((req.socket as TLSSocket).encrypted) return true;
    if (trustedProxies.length === 0) return false;
    const remote = normalizeAddress(req.socket.remoteAddress ?? '');
    if (!remote || !trusted.check(remote, isIPv4(remote) ? 'ipv4' : 'ipv6')) return false;
    const proto = req.headers['x-forwarded-proto'];
    const first = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase();
    return first === 'https';
  };
}

/** `::ffff:10.0.0.1` is the IPv4 address 10.0.0.1 arriving on a dual-stack socket. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}
