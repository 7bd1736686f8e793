// Optional TLS for `serve` (--tls-cert, --tls-key). A request over a TLS socket satisfies the
// -1 rule by itself (wire/transport.ts), and answers then carry HSTS (guards.ts).
import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';

/** Fastify server options for HTTPS, or none when no certificate is configured. */
export function tlsServerOptions(config: Config): { https: { cert: Buffer; key: Buffer; minVersion: 'TLSv1.2' } } | Record<string, never> {
  const { tlsCert, tlsKey } = config.hardening;
  if (tlsCert === undefined || tlsKey === undefined) return {};
  return { https: { cert: readFileSync(tlsCert), key: readFileSync(tlsKey), minVersion: 'TLSv1.2' } };
}
