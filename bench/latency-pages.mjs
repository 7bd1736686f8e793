/* global URLSearchParams */
// The pages bench/latency.mjs times, and what it needs to ask for them: a keep-alive HTTP client
// with cookies (one person's browser), the console's and the portal's sign-in forms, and real
// values from the seeded database (the middle of the big reseller's orders, an order, a
// customer with licences).
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rows } from './read.mjs';
import { ROOT } from './servers.mjs';


export class Client {
  constructor(port) {
    this.port = port;
    this.agent = new Agent({ keepAlive: true, maxSockets: 1 });
    this.cookies = new Map();
  }

  /** One request; `firstByte`: stop at the first bytes of the body (a download's start). Resolves with the time taken. */
  send(method, path, { body, firstByte = false } = {}) {
    return new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const headers = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'sec-fetch-site': 'same-origin' };
      if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const req = request({ host: '127.0.0.1', port: this.port, method, path, headers, agent: this.agent }, (res) => {
        for (const c of [res.headers['set-cookie'] ?? []].flat()) {
          const [pair] = c.split(';');
          const eq = pair.indexOf('=');
          this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
        }
        let text = '';
        const done = () => resolve({ status: res.statusCode, headers: res.headers, body: text, ms: Number(process.hrtime.bigint() - started) / 1e6 });
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
          if (firstByte) {
            done();
            req.destroy();
          }
        });
        res.on('end', done);
      });
      req.on('error', (e) => (firstByte ? undefined : reject(e)));
      req.end(body);
    });
  }
}

/** Signs in through the real form (`console` or `account`); the session cookie stays in the client. */
export async function signIn(client, area, loginName, password) {
  const page = await client.send('GET', `/${area}/sign-in`);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1];
  const res = await client.send('POST', `/${area}/sign-in`, { body: new URLSearchParams({ csrf, loginName, loginPassword: password }).toString() });
  if (res.status !== 303) throw new Error(`${area} sign-in as ${loginName} failed (${res.status}, errorCode ${res.headers['x-placeorder-error-code']})`);
}

/** Values of the seeded database: reseller 1 (scale-0001) has half of the orders. */
export async function samplesOf(location) {
  const { SEED_API_PASSWORD, SEED_CUSTOMER_PASSWORD } = await import(pathToFileURL(join(ROOT, 'dist', 'seed', 'world.js')).href);
  const [{ n }] = await rows(location, 'select count(*) as n from orders where reseller_id = 1');
  const [middle] = await rows(location, `select created_at, id from orders where reseller_id = 1 order by created_at desc, id desc limit 1 offset ${Math.floor(Number(n) / 2)}`);
  const [order] = await rows(location, 'select id, email_key from orders where reseller_id = 1 order by id desc limit 1 offset 100');
  const [holder] = await rows(location, 'select customer_id from licences where customer_id is not null and reseller_id = 1 order by id desc limit 1');
  return {
    apiPassword: SEED_API_PASSWORD,
    customerLogin: `customer-${holder.customer_id}`,
    customerPassword: SEED_CUSTOMER_PASSWORD,
    cursor: `${middle.created_at}~${middle.id}`,
    orderNumber: Number(order.id),
    email: order.email_key,
  };
}

/** Each page: its name and one timed request that must succeed (status 200, errorCode 0). */
export function pagesOf(s) {
  const page = (name, path, o = {}) => ({
    name,
    async run(client) {
      const r = await client.send(o.body ? 'POST' : 'GET', path, o);
      const code = r.headers['x-placeorder-error-code'] ?? /^errorCode=(-?[0-9]+)/.exec(r.body)?.[1];
      if (r.status !== 200 || code !== '0') throw new Error(`${name}: status ${r.status}, errorCode ${code}`);
      return r.ms;
    },
  });
  const status = new URLSearchParams({ loginName: 'scale-0001-api', loginPassword: s.apiPassword, orderNumber: String(s.orderNumber) }).toString();
  return [
    page('console dashboard', '/console'),
    page('orders, first page', '/console/orders'),
    page('orders, deep page', `/console/orders?${new URLSearchParams({ after: s.cursor })}`),
    page('order by number', `/console/orders/${s.orderNumber}`),
    page('orders by email', `/console/orders?${new URLSearchParams({ email: s.email })}`),
    page('ledger page', '/console/ledger'),
    page('ledger CSV, first bytes', '/console/ledger.csv', { firstByte: true }),
    page('portal licences', '/account'),
    page('!GetOrderStatus', '/products/!GetOrderStatus', { body: status }),
  ];
}
