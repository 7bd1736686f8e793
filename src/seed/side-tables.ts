// The scale seed's resellers, customers and the side tables a running server fills besides
// orders: Idempotency-Keys of the last day (some past their expiry), console and portal
// sessions, ordering-page nonces, login failures. Their amounts are what a server with the
// retention of src/retention/retention.ts holds at the seeded order rate, a little over.
import type { Tables } from './sink.js';
import { DAY_MS, apOf, customerLoginOf, hexId, iso, type World } from './world.js';

const HOUR_MS = 3_600_000;

/** Resellers with an API user each; the big one and every tenth with a webhook endpoint. */
export function addResellers(world: World, tables: Tables, apiHash: string): void {
  const created = iso(world.startMs - DAY_MS);
  for (let id = 1; id <= world.resellerCount; id++) {
    const sandbox = world.isSandbox(id);
    tables.add('resellers', {
      id,
      ap: apOf(id),
      validated: 1,
      suspended: 0,
      sandbox: sandbox ? 1 : 0,
      permitted_ppp: null,
      credit_limit_cents: id % 7 === 0 ? 50_000 : 0,
      currency: 'USD',
      redirect_secret: null,
      created_at: created,
    });
    tables.add('api_users', { id, reseller_id: id, login_name: `${apOf(id)}-api`, password_hash: apiHash, ip_allow: null, password_changed_at: iso(world.nowMs - 30 * DAY_MS), created_at: created });
    if (id % 3 === 0) tables.add('reseller_redirect_origins', { reseller_id: id, origin: `https://shop-${id}.example` });
    // Loopback's discard port: a delivery the server attempts fails at once and stays local.
    if (world.hasEndpoint(id)) tables.add('webhook_endpoints', { id, reseller_id: id, url: `http://127.0.0.1:9/hooks/${apOf(id)}`, secret: `whsec_seed_${hexId(id, 5)}`, active: 1, created_at: created });
    if (!sandbox) tables.add('funds_accounts', { id: resellerAccountId(id), code: `reseller:${id}`, reseller_id: id, balance_cents: 0, created_at: created });
  }
}

/** Reseller accounts come after the vendor's three system accounts (migration 002). */
export function resellerAccountId(resellerId: number): number {
  return 100 + resellerId;
}

export async function addCustomers(world: World, tables: Tables, customerHash: string): Promise<void> {
  for (let id = 1; id <= world.options.customers; id++) {
    const at = iso(world.customerCreatedMs(id));
    const login = customerLoginOf(id);
    tables.add('customers', {
      id,
      login_name: login,
      password_hash: customerHash,
      email_address: `${login}@example.com`,
      details_json: JSON.stringify({ name: `Customer ${id}`, countryName: 'US', emailAddress: `${login}@example.com` }),
      created_at: at,
      updated_at: at,
    });
    await tables.flush();
  }
}

/** The side tables' rows of the last days: about what a day of the seeded order rate leaves. */
export async function addSideTables(world: World, tables: Tables): Promise<void> {
  const perDay = Math.max(50, Math.round(world.options.orders / 400));
  const r = world.random;
  // A day of keys at a tenth of orders keyed, but never fewer than a busy hour's 2,000.
  for (let k = 0; k < Math.min(Math.max(perDay, 2000), 20_000); k++) {
    const claimed = world.nowMs - r.int(26 * HOUR_MS);
    const reseller = world.pickReseller(r.next(), r.next());
    tables.add('idempotency_keys', {
      scope: `r:${reseller}:login:${customerLoginOf(1 + r.int(world.options.customers))}`,
      idem_key: `seed-${hexId(k, 17)}`,
      endpoint: '/products/!PlaceOrder',
      salt: hexId(k, 18) + hexId(k, 19),
      fingerprint: hexId(k, 20).repeat(4),
      state: 'done',
      owner: hexId(k, 21),
      claimed_at: iso(claimed),
      expires_at: iso(claimed + DAY_MS),
      status: 200,
      content_type: 'application/x-www-form-urlencoded',
      location: null,
      body: `errorCode=0&orderNumber=${1 + r.int(world.options.orders)}&totalCost=48.99&currency=USD`,
      error_code: 0,
    });
  }
  for (let k = 0; k < Math.min(perDay, 2_000); k++) {
    const created = world.nowMs - r.int(30 * HOUR_MS);
    const console = k % 2 === 0;
    const reseller = 1 + r.int(world.resellerCount);
    const hours = console ? 8 : 2;
    tables.add('web_sessions', {
      token_hash: `seed-${hexId(k, 31)}`,
      kind: console ? 'console' : 'portal',
      reseller_id: console ? reseller : null,
      api_user_id: console ? reseller : null,
      customer_id: console ? null : 1 + r.int(world.options.customers),
      csrf: hexId(k, 32),
      created_at: iso(created),
      expires_at: iso(created + hours * HOUR_MS),
    });
    const claimedAt = world.nowMs - r.int(3 * HOUR_MS);
    tables.add('ordering_submissions', { nonce: `seed-${hexId(k, 33)}`, order_id: null, created_at: iso(claimedAt) });
    const failedAt = world.nowMs - r.int(3 * DAY_MS);
    tables.add('login_throttle', { realm: k % 4 === 0 ? 'api-user' : 'customer', login_name: `guess-${hexId(k, 34)}`, failures: 1 + r.int(4), locked_until: null, updated_at: iso(failedAt) });
  }
  await tables.flush(true);
}
