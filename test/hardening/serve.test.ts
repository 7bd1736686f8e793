// `placeorder serve` as a real process (the built CLI): SIGTERM lets requests in flight finish
// and closes the database; --tls-cert/--tls-key serve HTTPS, which passes the -1 rule by itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/store.js';
import { startServer } from '../../scripts/lib/server.mjs';
import { DIALECTS, freshDatabase, type FreshDatabase } from '../helpers/dialects.js';
import { formBody, guestOrder, parseAnswer } from '../helpers/app.js';

const dropLater: FreshDatabase[] = [];
afterAll(async () => {
  for (const d of dropLater) await d.drop();
});

function rawExchange(port: number, head: string, rest: string, between: () => Promise<void>): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let data = '';
    s.on('data', (d) => (data += d));
    s.on('end', () => resolve(data));
    s.on('error', reject);
    s.on('connect', () => {
      s.write(head);
      between().then(() => s.write(rest), reject);
    });
  });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(true));
  });
}

describe.each(DIALECTS)('serve process (%s)', (dialect) => {
  it('on SIGTERM it stops accepting, finishes the request in flight, closes the database and exits 0', async () => {
    const db = await freshDatabase(dialect);
    dropLater.push(db);
    const server = startServer({ db: db.location, args: ['--demo', '--allow-http'] });
    const port = Number(new URL(await server.ready()).port);
    const body = formBody(guestOrder({ emailAddress: 'inflight@example.com' }));
    const half = Math.floor(body.length / 2);
    const head =
      'POST /products/!PlaceOrder HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, half)}`;
    let refusedDuringShutdown = false;
    const response = await rawExchange(port, head, body.slice(half), async () => {
      await new Promise((r) => setTimeout(r, 200));
      server.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      refusedDuringShutdown = await refused(port);
    });
    expect(refusedDuringShutdown).toBe(true);
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    const answer = parseAnswer(response.split('\r\n\r\n')[1]!);
    expect(answer.errorCode).toBe('0');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.lines.some((l) => l.includes('shutting down'))).toBe(true);
    const store = await openStore(db.location);
    try {
      const order = await store.db.selectFrom('orders').select(['id', 'email_address']).where('id', '=', Number(answer.orderNumber)).executeTakeFirst();
      expect(order?.email_address).toBe('inflight@example.com');
    } finally {
      await store.close();
    }
  });
});

describe.each(DIALECTS)('Idempotency-Key across processes (%s)', (dialect) => {
  it('100 concurrent retries of one !PlaceOrder, one key, spread over two server processes: exactly one order', async () => {
    const db = await freshDatabase(dialect);
    dropLater.push(db);
    const first = startServer({ db: db.location, args: ['--demo', '--allow-http'] });
    const urls = [await first.ready()];
    const second = startServer({ db: db.location, args: ['--demo', '--allow-http'] });
    urls.push(await second.ready());
    try {
      const body = formBody(guestOrder({ emailAddress: 'two-processes@example.com' }));
      const answers = await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const res = await fetch(`${urls[i % 2]}/products/!PlaceOrder`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'one-key-two-processes' },
            body,
          });
          return res.text();
        }),
      );
      const codes = answers.map((a) => parseAnswer(a).errorCode);
      for (const c of codes) expect(['0', '-1002']).toContain(c);
      const successes = answers.filter((a) => parseAnswer(a).errorCode === '0');
      expect(successes.length).toBeGreaterThanOrEqual(1);
      expect(new Set(successes).size).toBe(1);
      const store = await openStore(db.location);
      try {
        const rows = await store.db.selectFrom('orders').select('id').where('email_address', '=', 'two-processes@example.com').execute();
        expect(rows).toHaveLength(1);
      } finally {
        await store.close();
      }
    } finally {
      first.child.kill('SIGTERM');
      second.child.kill('SIGTERM');
      await Promise.all([first.exited, second.exited]);
    }
  });
});

describe('serve with TLS', () => {
  it('--tls-cert/--tls-key serve HTTPS: an order passes the -1 rule without --allow-http and gets HSTS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'placeorder-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    const server = startServer({
      db: join(dir, 'tls.db'),
      args: ['--demo', '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')],
    });
    try {
      const url = await server.ready();
      expect(url).toMatch(/^https:\/\//);
      const body = formBody(guestOrder({ emailAddress: 'tls@example.com' }));
      const res = await new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        const req = httpsRequest(
          `${url}/products/!PlaceOrder`,
          { method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
          (r) => {
            let data = '';
            r.on('data', (d) => (data += d));
            r.on('end', () => resolve({ status: r.statusCode!, headers: r.headers, body: data }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      expect(res.status).toBe(200);
      expect(parseAnswer(res.body).errorCode).toBe('0');
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('without TLS and without --allow-http, the same request is -1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'placeorder-notls-'));
    const server = startServer({ db: join(dir, 'plain.db'), args: ['--demo'] });
    try {
      const url = await server.ready();
      const res = await fetch(`${url}/products/!PlaceOrder`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: formBody(guestOrder({ emailAddress: 'plain@example.com' })),
      });
      expect(parseAnswer(await res.text()).errorCode).toBe('-1');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
