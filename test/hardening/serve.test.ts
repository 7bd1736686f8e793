// `placeorder serve` as a real process (the built CLI): SIGTERM lets requests in flight finish
// and closes the database; --tls-cert/--tls-key serve HTTPS, which passes the -1 rule by itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_RESELLERS, seedDemo } from '../../src/seed/demo.js';
import { ManualClock } from '../../src/clock.js';
import { migrate, openStore } from '../../src/db/store.js';
import { cli } from '../cli/capture.js';
import { startServer } from '../../scripts/lib/server.mjs';
import { DIALECTS, freshDatabase, type FreshDatabase } from '../helpers/dialects.js';
import { cheapHasher, formBody, guestOrder, parseAnswer } from '../helpers/app.js';

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

function httpsExchange(url: string, method: string, body?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, rejectUnauthorized: false, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (r) => {
      let data = '';
      r.on('data', (d) => (data += d));
      r.on('end', () => resolve({ status: r.statusCode!, headers: r.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('serve with TLS', () => {
  it('--tls-cert/--tls-key serve HTTPS: an order passes the -1 rule without --allow-http and gets HSTS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'placeorder-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    // No --demo over TLS (issue 13, finding 10.4): the reseller is created as in production.
    const add = await cli(['reseller', 'add', '--ap', 'resellerbrand', '--login', 'tls-api', '--password', 'tls-password-1', '--validated', '--db', join(dir, 'tls.db')]);
    expect(add.code).toBe(0);
    const server = startServer({
      db: join(dir, 'tls.db'),
      args: ['--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')],
    });
    try {
      const url = await server.ready();
      expect(url).toMatch(/^https:\/\//);
      const res = await httpsExchange(`${url}/products/!PlaceOrder`, 'POST', formBody(guestOrder({ emailAddress: 'tls@example.com' })));
      expect(res.status).toBe(200);
      expect(parseAnswer(res.body).errorCode).toBe('0');
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      // Pages get the same one header over TLS (and none over plain HTTP: guards.test.ts).
      const page = await httpsExchange(`${url}/web/style.css`, 'GET');
      expect(page.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('without TLS and without --allow-http, the same request is -1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'placeorder-notls-'));
    const server = startServer({ db: join(dir, 'plain.db') });
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

describe('--demo is for development only (issue 13, finding 10.4)', () => {
  it('refuses --demo without --allow-http, over TLS or not, saying why and what to do', async () => {
    for (const args of [['--demo', '--tls-cert', 'cert.pem', '--tls-key', 'key.pem'], ['--demo'], ['--demo', '--trusted-proxy', '10.0.0.1']]) {
      const res = await cli(['serve', '--port', '0', '--db', join(mkdtempSync(join(tmpdir(), 'placeorder-demo-')), 'x.db'), ...args]);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.err).toContain('--demo creates API users whose password (demo-password) is published in the README');
      expect(res.err).toContain('needs --allow-http');
      expect(res.err).toContain('placeorder reseller add');
      expect(res.err).not.toMatch(/\n\s+at /);
    }
  });
});

describe.each(DIALECTS)('a database with demo passwords is not served outside development (%s)', (dialect) => {
  it('serve without --allow-http refuses while a demo API user still has demo-password, and starts once none has', async () => {
    const db = await freshDatabase(dialect);
    dropLater.push(db);
    const store = await openStore(db.location);
    await migrate(store);
    await seedDemo(store, cheapHasher(), new ManualClock('2026-03-01T12:00:00Z'));
    await store.close();
    const refused = await cli(['serve', '--port', '0', '--db', db.location]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(`demo API users still have the published password demo-password (${DEMO_RESELLERS.map((r) => r.login).sort().join(', ')})`);
    expect(refused.err).toContain('placeorder api-user password --login NAME');
    for (const r of DEMO_RESELLERS.slice(1)) expect((await cli(['api-user', 'password', '--login', r.login, '--password', 'a-new-password', '--db', db.location])).code).toBe(0);
    const one = await cli(['serve', '--port', '0', '--db', db.location]);
    expect(one.code).toBe(2);
    expect(one.err).toContain(`demo-password (${DEMO_RESELLERS[0]!.login})`);
    expect((await cli(['api-user', 'password', '--login', DEMO_RESELLERS[0]!.login, '--password', 'a-new-password', '--db', db.location])).code).toBe(0);
    const server = startServer({ db: db.location });
    try {
      expect(await server.ready()).toMatch(/^http:\/\/127\.0\.0\.1:/);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
