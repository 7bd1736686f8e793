// The account rules of !PlaceOrder now that orders have a history: -45 (free offer once per
// account), -73 (one live order per SWP product; One Time Remediate once ever), -56 (renewal
// window, with the real date), in that order and after -16, on each dialect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/dialects.js';
import { post, type TestApp } from '../helpers/app.js';
import { call, checkLedgerAroundEachTest, lifecycleApp, topUp } from '../reseller-api/support.js';

const MONITOR_1Y = '9600';
const MONITOR_30D = '9675';
const REMEDIATE_1Y = '9605';
const OTR = '9892';

describe.each(DIALECTS)('!PlaceOrder account rules (%s)', (dialect) => {
  let t: TestApp;
  let n = 0;
  beforeAll(async () => {
    t = await lifecycleApp(dialect, { apiPasswordMaxAgeDays: 0 });
    await topUp(t, 10_000_000);
  });
  afterAll(() => t.close());
  checkLedgerAroundEachTest(() => t);

  /** A customer account with credentials; a fresh one per call unless `login` is given. */
  function account(login = `customer${++n}`) {
    return { loginName: login, loginPassword: 'customer-password', emailAddress: `${login}@example.com`, name: 'Customer' };
  }
  const order = (who: Record<string, string>, extra: Record<string, string>) =>
    post(t.app, 'PlaceOrder', { ap: 'resellerbrand', reseller: 'Y', ...who, ...extra });
  const authorize = (orderNumber: string) => call(t.app, 'AutoAuthorize', { orderNumber });

  it('-45: FREE_HP_UPGRADE once per account (a rejected use does not count)', async () => {
    const who = account();
    const first = await order(who, { '1_PPP': MONITOR_30D, offerCode: 'FREE_HP_UPGRADE' });
    expect(first.answer).toMatchObject({ errorCode: '0', totalCost: '0.00' });
    const again = await order({ ...who, isReturningCustomer: 'Y' }, { '1_PPP': '9676', offerCode: 'free_hp_upgrade' });
    expect(again.body).toBe('errorCode=-45&errorMessage=This%20offer%20is%20limited%20to%20one%20free%20license%20per%20account!&errorItem=offerCode');
    // Another account may use it.
    expect((await order(account(), { '1_PPP': '9676', offerCode: 'FREE_HP_UPGRADE' })).answer.errorCode).toBe('0');
    // Once the first use is rejected, the account may use the offer again.
    await call(t.app, 'AutoReject', { orderNumber: first.answer.orderNumber! });
    expect((await order({ ...who, isReturningCustomer: 'Y' }, { '1_PPP': '9676', offerCode: 'FREE_HP_UPGRADE' })).answer.errorCode).toBe('0');
  });

  it('-45 applies per email address to guest orders', async () => {
    const guest = { emailAddress: `Guest${++n}@Example.com`, name: 'Guest' };
    expect((await order(guest, { '1_PPP': MONITOR_30D, offerCode: 'FREE_HP_UPGRADE' })).answer.errorCode).toBe('0');
    const again = await order({ ...guest, emailAddress: guest.emailAddress.toLowerCase() }, { '1_PPP': '9677', offerCode: 'FREE_HP_UPGRADE' });
    expect(again.answer.errorCode).toBe('-45');
  });

  it('-16 comes before -45: a wrong password learns nothing about the account’s offers', async () => {
    const who = account();
    await order(who, { '1_PPP': MONITOR_30D, offerCode: 'FREE_HP_UPGRADE' });
    const res = await order({ ...who, loginPassword: 'wrong-password', isReturningCustomer: 'Y' }, { '1_PPP': '9676', offerCode: 'FREE_HP_UPGRADE' });
    expect(res.answer.errorCode).toBe('-16');
  });

  it('-73: one live order per SWP product; free again once the live one is rejected, refunded or expired', async () => {
    const who = account();
    const returning = { ...who, isReturningCustomer: 'Y' };
    const first = await order(who, { '1_PPP': MONITOR_1Y });
    expect(first.answer.errorCode).toBe('0');
    const dup = await order(returning, { '1_PPP': '9697' }); // another term of the same product
    expect(dup.body).toBe('errorCode=-73&errorMessage=This%20account%20has%20already%20ordered%20this%20SWP%20product!&errorItem=1_PPP');
    // Other products are not affected; Web DNS Pro is not an SWP product at all.
    expect((await order(returning, { '1_PPP': REMEDIATE_1Y })).answer.errorCode).toBe('0');
    expect((await order(returning, { '1_PPP': '9974' })).answer.errorCode).toBe('0');
    expect((await order(returning, { '1_PPP': '9974' })).answer.errorCode).toBe('0');
    // Active is still live.
    expect((await authorize(first.answer.orderNumber!)).answer.errorCode).toBe('0');
    expect((await order(returning, { '1_PPP': MONITOR_1Y })).answer.errorCode).toBe('-73');
    // Refunded: no longer live.
    await call(t.app, 'AutoRefund', { orderNumber: first.answer.orderNumber!, refundReasonCode: '2' });
    const second = await order(returning, { '1_PPP': MONITOR_30D });
    expect(second.answer.errorCode).toBe('0');
    await authorize(second.answer.orderNumber!);
    // Expired (30 days later): no longer live.
    t.clock.set('2026-03-31T11:59:59Z');
    expect((await order(returning, { '1_PPP': MONITOR_30D })).answer.errorCode).toBe('-73');
    t.clock.set('2026-03-31T12:00:00Z');
    expect((await order(returning, { '1_PPP': MONITOR_30D })).answer.errorCode).toBe('0');
  });

  it('-73: One Time Remediate once ever, even after it expired; a rejected one does not count', async () => {
    const who = account();
    const returning = { ...who, isReturningCustomer: 'Y' };
    const rejected = await order(who, { '1_PPP': OTR });
    await call(t.app, 'AutoReject', { orderNumber: rejected.answer.orderNumber! });
    const first = await order(returning, { '1_PPP': OTR });
    expect(first.answer.errorCode).toBe('0');
    await authorize(first.answer.orderNumber!);
    t.clock.set('2028-01-01T00:00:00Z');
    expect((await order(returning, { '1_PPP': OTR })).answer).toMatchObject({ errorCode: '-73', errorItem: '1_PPP' });
  });

  it('-73: two items of one SWP product in one order are two orders of it (outside attack on issue 14, F2)', async () => {
    const who = account();
    const twice = await order(who, { '1_PPP': OTR, '2_PPP': '9974', '3_PPP': OTR });
    expect(twice.answer).toMatchObject({ errorCode: '-73', errorItem: '3_PPP' });
    const guest = { emailAddress: `guest${++n}@example.com`, name: 'Guest' };
    expect((await order(guest, { '1_PPP': OTR, '2_PPP': OTR })).answer).toMatchObject({ errorCode: '-73', errorItem: '2_PPP' });
    // Nothing was placed for either: the account may still order it once.
    expect((await order(who, { '1_PPP': OTR })).answer.errorCode).toBe('0');
  });

  it('-73 reports the item at fault in a multi-item order', async () => {
    const who = account();
    await order(who, { '1_PPP': MONITOR_1Y });
    const res = await order({ ...who, isReturningCustomer: 'Y' }, { '1_PPP': '9974', '2_PPP': MONITOR_1Y });
    expect(res.answer).toMatchObject({ errorCode: '-73', errorItem: '2_PPP' });
  });

  it('-56: renewal 31 days before expiry is refused with the real date; at 30 days it is accepted and continues the term', async () => {
    const who = account();
    const returning = { ...who, isReturningCustomer: 'Y' };
    const first = await order(who, { '1_PPP': MONITOR_1Y });
    await authorize(first.answer.orderNumber!);
    const status = await call(t.app, 'GetOrderStatus', { orderNumber: first.answer.orderNumber! });
    const licenceCode = status.answer.licenceCode!;
    expect(status.answer.expiryDate).toBe('2027-03-01');

    t.clock.set('2027-01-29T12:00:00Z'); // 31 days before 2027-03-01T12:00Z
    const early = await order(returning, { '1_PPP': MONITOR_1Y, licenceCode });
    expect(early.body).toBe(
      'errorCode=-56&errorMessage=Your%20current%20license%20expires%20on%202027-03-01.%20Licenses%20can%20only%20be%20renewed%20up%20to%2030%20days%20prior%20to%20the%20expiry%20of%20your%20existing%20license.&errorItem=licenceCode',
    );
    t.clock.set('2027-01-30T12:00:00Z'); // exactly 30 days before
    const renewal = await order(returning, { '1_PPP': '9601', licenceCode }); // a 2-year term of the same product
    expect(renewal.answer.errorCode).toBe('0');
    await authorize(renewal.answer.orderNumber!);
    const renewed = await call(t.app, 'GetOrderStatus', { orderNumber: renewal.answer.orderNumber! });
    expect(renewed.answer).toMatchObject({ status: 'active', startDate: '2027-03-01', expiryDate: '2029-03-01' });
    expect(renewed.answer.licenceCode).not.toBe(licenceCode);
    // The same licence cannot be renewed twice; the new licence is the one to renew next.
    expect((await order(returning, { '1_PPP': MONITOR_1Y, licenceCode })).answer).toMatchObject({ errorCode: '-4', errorItem: 'licenceCode' });
    expect((await order(returning, { '1_PPP': MONITOR_1Y, licenceCode: renewed.answer.licenceCode! })).answer.errorCode).toBe('-56');
  });

  it('a renewal is exempt from -73 but must name a licence of this account and of the same product', async () => {
    const who = account();
    const returning = { ...who, isReturningCustomer: 'Y' };
    const first = await order(who, { '1_PPP': MONITOR_1Y });
    await authorize(first.answer.orderNumber!);
    const licenceCode = (await call(t.app, 'GetOrderStatus', { orderNumber: first.answer.orderNumber! })).answer.licenceCode!;
    t.clock.set('2027-02-15T12:00:00Z');
    expect((await order(returning, { '1_PPP': REMEDIATE_1Y, licenceCode })).answer).toMatchObject({ errorCode: '-83', errorItem: 'licenceCode' });
    expect((await order(returning, { '1_PPP': MONITOR_1Y, licenceCode: 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF' })).answer).toMatchObject({
      errorCode: '-4',
      errorItem: 'licenceCode',
    });
    // A new account cannot renew it: refused as wrong credentials are, so that the answer does
    // not tell a free login name from a taken one (issue 13, finding 5).
    expect((await order(account(), { '1_PPP': MONITOR_1Y, licenceCode })).answer).toMatchObject({ errorCode: '-16' });
    // The owner can, although the licence's order is still live (-73 would apply otherwise).
    expect((await order(returning, { '1_PPP': MONITOR_1Y, licenceCode })).answer.errorCode).toBe('0');
  });

  it('a renewal of an already expired licence starts at activation', async () => {
    const guest = { emailAddress: `renew${++n}@example.com`, name: 'Guest' };
    const first = await order(guest, { '1_PPP': MONITOR_30D });
    await authorize(first.answer.orderNumber!);
    const licenceCode = (await call(t.app, 'GetOrderStatus', { orderNumber: first.answer.orderNumber! })).answer.licenceCode!;
    t.clock.set('2026-05-01T12:00:00Z');
    const renewal = await order(guest, { '1_PPP': MONITOR_30D, licenceCode });
    expect(renewal.answer.errorCode).toBe('0');
    await authorize(renewal.answer.orderNumber!);
    const renewed = await call(t.app, 'GetOrderStatus', { orderNumber: renewal.answer.orderNumber! });
    expect(renewed.answer).toMatchObject({ startDate: '2026-05-01', expiryDate: '2026-05-31' });
  });
});
