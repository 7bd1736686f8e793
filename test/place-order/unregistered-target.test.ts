// Issue 16, part 3: a well-formed successURL/errorURL on an origin the reseller has not
// registered no longer loses the order. The order is checked and placed as with a registered
// target; the browser gets a page with the outcome and a labelled link, never a redirect; the
// origin is remembered for the console to offer to register.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ORIGIN_SIGHTINGS, noteOriginSighting, recentOriginSightings, resellerIdByAp } from '../../src/resellers/resellers.repository.js';
import { DIALECTS } from '../helpers/dialects.js';
import { guestOrder, post, testApp, type TestApp } from '../helpers/app.js';

const SHOP = 'https://new-shop.example';

describe.each(DIALECTS)('redirect targets the reseller has not registered (%s)', (dialect) => {
  let t: TestApp;
  let resellerId: number;
  beforeAll(async () => {
    t = await testApp(dialect);
    resellerId = (await resellerIdByAp(t.store.db, 'resellerbrand'))!;
    await t.store.write((tx) => tx.updateTable('resellers').set({ redirect_secret: 'a-secret-of-the-reseller' }).where('id', '=', resellerId).execute());
  });
  afterAll(() => t.close());

  const linkOf = (body: string) => /<a class="button" rel="noreferrer nofollow" href="([^"]+)"/.exec(body)?.[1]?.replace(/&amp;/g, '&');

  it('places the order as if the target were registered and shows it with a link, never a redirect', async () => {
    const res = await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: 'u16@example.com', successURL: `${SHOP}/thanks?cart=7#top` }));
    expect(res.status).toBe(200);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['x-placeorder-error-code']).toBe('0');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).toContain('<meta name="placeorder-error-code" content="0">');
    const stored = await t.store.db.selectFrom('orders').select('id').where('email_address', '=', 'u16@example.com').execute();
    expect(stored).toHaveLength(1);
    const link = new URL(linkOf(res.body)!);
    expect(link.origin).toBe(SHOP);
    expect(link.hash).toBe('#top');
    expect(link.searchParams.get('cart')).toBe('7');
    expect(link.searchParams.get('orderNumber')).toBe(String(stored[0]!.id));
    // The secret vouches for the reseller's registered pages only.
    expect(link.searchParams.get('signature')).toBeNull();
  });

  it('shows a refusal the same way, with the fields errorURL would have carried', async () => {
    const res = await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: 'not-an-email', errorURL: `${SHOP}/oops`, successURL: 'https://refused-only.example/' }));
    expect(res.headers['x-placeorder-error-code']).toBe('-70');
    expect(new URL(linkOf(res.body)!).searchParams.get('errorItem')).toBe('emailAddress');
    expect(res.body).toContain('Your order was not placed');
    // Only placed orders' targets are remembered: anyone can send a refused request for any brand.
    const since = new Date(t.clock.now().getTime() - 86_400_000).toISOString();
    expect((await recentOriginSightings(t.store.db, resellerId, since)).map((x) => x.origin)).not.toContain('https://refused-only.example');
  });

  it('an Idempotency-Key replays the page whole, its headers included', async () => {
    const params = guestOrder({ loginName: 'u16-key', loginPassword: 'u16-password', emailAddress: 'u16k@example.com', successURL: `${SHOP}/k` });
    const first = await post(t.app, 'PlaceOrder', params, { 'idempotency-key': 'u16-k' });
    const again = await post(t.app, 'PlaceOrder', params, { 'idempotency-key': 'u16-k' });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(again.headers['x-placeorder-error-code']).toBe('0');
    expect(again.headers['content-security-policy']).toBe(first.headers['content-security-policy']);
  });

  it('remembers the origins seen, registered ones left out, at most a bounded number per reseller', async () => {
    const since = new Date(t.clock.now().getTime() - 86_400_000).toISOString();
    const seen = await recentOriginSightings(t.store.db, resellerId, since);
    expect(seen.find((s) => s.origin === SHOP)).toMatchObject({ hits: expect.any(Number) });
    expect(seen.find((s) => s.origin === SHOP)!.hits).toBeGreaterThanOrEqual(2);
    // A spray of origins: the table stays bounded, and the origin named most recently is kept.
    for (let i = 0; i < MAX_ORIGIN_SIGHTINGS + 20; i++) {
      const later = new Date(t.clock.now().getTime() + (i + 1) * 1000).toISOString();
      await t.store.write((tx) => noteOriginSighting(tx, resellerId, `https://spray${i}.example`, later, 1));
    }
    const count = await t.store.db.selectFrom('redirect_origin_sightings').select((eb) => eb.fn.countAll<number>().as('n')).where('reseller_id', '=', resellerId).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(MAX_ORIGIN_SIGHTINGS);
    const latest = `https://spray${MAX_ORIGIN_SIGHTINGS + 19}.example`;
    expect((await recentOriginSightings(t.store.db, resellerId, since, 200)).map((x) => x.origin)).toContain(latest);
    await t.store.write((tx) => tx.insertInto('reseller_redirect_origins').values({ reseller_id: resellerId, origin: SHOP }).execute());
    expect((await recentOriginSightings(t.store.db, resellerId, since, 200)).map((s) => s.origin)).not.toContain(SHOP);
    // Registered now: the next order redirects, signed.
    const res = await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: 'u16r@example.com', successURL: `${SHOP}/thanks` }));
    expect(res.status).toBe(303);
    expect(new URL(String(res.headers.location)).searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
  });
});
