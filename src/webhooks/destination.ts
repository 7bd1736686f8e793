// Where a webhook may be sent (issue 13, finding 10.3). A reseller chooses the URL and the
// server makes the request, so an endpoint on a loopback, private, link-local or otherwise
// non-public address would let a reseller reach the operator's own network (the cloud metadata
// service at 169.254.169.254, an admin port on 127.0.0.1…). Such addresses are refused twice:
// at registration when the URL names one literally (any spelling: the URL parser turns
// `0x7f000001` into 127.0.0.1), and at delivery for the addresses the host name resolves to
// then, which are also the only addresses the connection may use (no DNS rebinding between
// check and connect). PLACEORDER_WEBHOOK_ALLOW_PRIVATE turns both off for tests and local
// development.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { addressMatcher } from '../wire/transport.js';

/**
 * IPv4 blocks that are not public unicast (IANA special-purpose registry). Public IPv6 is only
 * global unicast (2000::/3) outside NON_PUBLIC_V6; IPv4 inside IPv6 is judged as IPv4.
 */
const NON_PUBLIC_V4: readonly string[] = [
  '0.0.0.0/8', // "this network"; 0.0.0.0 reaches the local machine
  '10.0.0.0/8', // private
  '100.64.0.0/10', // carrier-grade NAT
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local, cloud metadata
  '172.16.0.0/12', // private
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation
  '192.88.99.0/24', // 6to4 relay anycast (deprecated)
  '192.168.0.0/16', // private
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation
  '203.0.113.0/24', // documentation
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, and 255.255.255.255 broadcast
];
const NON_PUBLIC_V6: readonly string[] = [
  '2001::/23', // IETF protocol assignments (Teredo, ORCHID, …)
  '2001:db8::/32', // documentation
  '2002::/16', // 6to4: the IPv4 address inside may be anything
  '3fff::/20', // documentation
];

const nonPublicV4 = addressMatcher(NON_PUBLIC_V4);
const nonPublicV6 = addressMatcher(NON_PUBLIC_V6);

/** True only for a public unicast address; anything unparsable is not public. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !nonPublicV4(address);
  if (family !== 6) return false;
  const words = ipv6Words(address);
  const embedded = embeddedIpv4(words);
  if (embedded !== undefined) return isPublicAddress(embedded);
  return (words[0]! & 0xe000) === 0x2000 && !nonPublicV6(address);
}

/** The eight 16-bit words of an IPv6 address (the URL parser spells it canonically first). */
function ipv6Words(address: string): number[] {
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head, tail] = canonical.split('::') as [string, string | undefined];
  const part = (text: string) => (text === '' ? [] : text.split(':').map((w) => parseInt(w, 16)));
  if (tail === undefined) return part(head);
  const known = [...part(head), ...part(tail)];
  return [...part(head), ...Array<number>(8 - known.length).fill(0), ...part(tail)];
}

/** IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses reach that IPv4 address. */
function embeddedIpv4(words: readonly number[]): string | undefined {
  const prefix = words.slice(0, 6).join(':');
  if (prefix !== '0:0:0:0:0:65535' && prefix !== '100:65435:0:0:0:0') return undefined;
  return [words[6]! >> 8, words[6]! & 0xff, words[7]! >> 8, words[7]! & 0xff].join('.');
}

/** Names that mean this machine whatever DNS says (RFC 6761). */
function isLocalName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/** Why a URL's host may not receive webhooks by its spelling alone, or undefined when it may. */
export function refusedHost(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isLocalName(host)) return `${url.hostname} is this machine`;
  if (isIP(host) !== 0 && !isPublicAddress(host)) return `${url.hostname} is not a public address`;
  return undefined;
}

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Host name → its addresses. Injected in tests, so that no test asks real DNS. */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

export class DestinationRefused extends Error {
  override name = 'DestinationRefused';
}

/**
 * The addresses a delivery may connect to: a literal address as it is, a name as it resolves
 * now. Every address must be public (one private answer among public ones refuses the lot:
 * that mix is what a rebinding attack looks like), unless private ones are allowed.
 */
export async function deliveryAddresses(url: URL, resolve: Resolver, allowPrivate: boolean): Promise<readonly ResolvedAddress[]> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(host);
  const addresses = family !== 0 ? [{ address: host, family: family as 4 | 6 }] : await resolve(host);
  if (addresses.length === 0) throw new DestinationRefused(`${host} has no address`);
  if (allowPrivate) return addresses;
  if (isLocalName(host)) throw new DestinationRefused(`${host} is this machine`);
  const refused = addresses.find((a) => !isPublicAddress(a.address));
  if (refused && family !== 0) throw new DestinationRefused(`${url.hostname} is not a public address`);
  if (refused) throw new DestinationRefused(`${host} resolves to ${refused.address}, which is not a public address`);
  return addresses;
}
