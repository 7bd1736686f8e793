// Who is calling: the client's address (behind a trusted proxy, the one hop we can believe) and
// whether it is in a list of addresses and CIDR blocks (an API user's allowlist, the trusted
// proxies, the metrics allowlist).
import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { normalizeAddress } from './transport.js';

/** `ip_allow` is a JSON list of addresses and CIDR blocks; null allows every address. */
export function addressAllowed(ipAllowJson: string | null, address: string): boolean {
  if (ipAllowJson === null) return true;
  let entries: unknown;
  try {
    entries = JSON.parse(ipAllowJson);
  } catch {
    return false;
  }
  if (!Array.isArray(entries)) return false;
  return addressInList(entries, address);
}

/** Whether the address is one of the entries (addresses and CIDR blocks; other values are skipped). */
export function addressInList(entries: readonly unknown[], address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const list = new BlockList();
  for (const entry of entries) {
    if (typeof entry !== 'string') continue;
    const [addr, bits] = entry.trim().split('/') as [string, string | undefined];
    const f = isIP(addr);
    if (f === 0) continue;
    const type = f === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(addr, type);
    else if (/^[0-9]{1,3}$/.test(bits) && Number(bits) <= (f === 4 ? 32 : 128)) list.addSubnet(addr, Number(bits), type);
  }
  return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The caller's address: the socket's, or — when the socket is a configured trusted proxy — the
 * last address that proxy appended to X-Forwarded-For (the one hop we can believe).
 */
export function clientAddressOf(req: IncomingMessage, trustedProxies: readonly string[]): string {
  const socketAddress = normalizeAddress(req.socket.remoteAddress ?? '');
  if (trustedProxies.length === 0 || !addressAllowed(JSON.stringify(trustedProxies), socketAddress)) return socketAddress;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((h) => normalizeAddress(h.trim()));
  const last = hops[hops.length - 1];
  return last && isIP(last) ? last : socketAddress;
}
