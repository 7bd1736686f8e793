// !SandboxReset and !SandboxClock: a sandbox reseller's own automation resets its sandbox and
// moves its clock over HTTP; a live reseller's API user is refused with -91 and nothing changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/seed/demo.js';
import { DIALECTS } from '../helpers/dialects.js';
import { get, post, testApp, type TestApp } from '../helpers/app.js';
import { createSandboxReseller, ordersOfBrand } from './support.js';

const LOGIN = { loginName: 'sbx-api', loginPassword: 'sandbox-password' };

describe.each(DIALECTS)('sandbox endpoints (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
    await createSandboxReseller(t, 'sbx', LOGIN);
  });
  afterAll(() => t.close());

  const place = (ap: string) => post(t.app, 'PlaceOrder', { ap, reseller: 'Y', emailAddress: 'x@example.com', name: 'X', '1_PPP': '9974' });
  const count = (ap: string) => ordersOfBrand(t, ap);

  it('!SandboxClock reads, advances and resets the clock; orders placed meanwhile carry the moved date', async () => {
    expect((await post(t.app, 'SandboxClock', LOGIN)).body).toBe('errorCode=0&offsetSeconds=0&now=2026-03-01T12%3A00%3A00.000Z');
    const moved = await post(t.app, 'SandboxClock', { ...LOGIN, advance: '40d' });
    expect(moved.answer).toMatchObject({ errorCode: '0', offsetSeconds: String(40 * 86_400), now: '2026-04-10T12:00:00.000Z' });
    const placed = await place('sbx');
    const row = await t.store.db.selectFrom('orders').select('created_at').where('id', '=', Number(placed.answer.orderNumber)).executeTakeFirstOrThrow();
    expect(row.created_at).toBe('2026-04-10T12:00:00.000Z');
    const back = await post(t.app, 'SandboxClock', { ...LOGIN, reset: 'Y', advance: '1d' });
    expect(back.answer).toMatchObject({ offsetSeconds: '86400', now: '2026-03-02T12:00:00.000Z' });
  });

  it('!SandboxClock refuses a bad duration (-4 advance) and GET (-17)', async () => {
    expect((await post(t.app, 'SandboxClock', { ...LOGIN, advance: 'forty' })).answer).toMatchObject({ errorCode: '-4', errorItem: 'advance' });
    expect((await post(t.app, 'SandboxClock', { ...LOGIN, advance: '9999w' })).answer).toMatchObject({ errorCode: '-4', errorItem: 'advance' });
    expect((await get(t.app, 'SandboxClock', LOGIN)).answer.errorCode).toBe('-17');
  });

  it('!SandboxReset deletes only the sandbox orders', async () => {
    await place('sbx');
    await place('resellerbrand');
    const live = await count('resellerbrand');
    const res = await post(t.app, 'SandboxReset', LOGIN);
    expect(res.answer.errorCode).toBe('0');
    expect(Number(res.answer.ordersRemoved)).toBeGreaterThan(0);
    expect(await count('sbx')).toBe(0);
    expect(await count('resellerbrand')).toBe(live);
    expect((await post(t.app, 'SandboxClock', LOGIN)).answer.offsetSeconds).toBe('0');
  });

  it("a live reseller's API user gets -91 sandbox and nothing changes; a wrong password -16", async () => {
    const live = { loginName: 'resellerbrand-api', loginPassword: DEMO_PASSWORD };
    const before = await count('resellerbrand');
    expect((await post(t.app, 'SandboxReset', live)).answer).toMatchObject({ errorCode: '-91', errorItem: 'sandbox' });
    expect((await post(t.app, 'SandboxClock', { ...live, advance: '1d' })).answer).toMatchObject({ errorCode: '-91' });
    expect(await count('resellerbrand')).toBe(before);
    expect((await post(t.app, 'SandboxReset', { ...LOGIN, loginPassword: 'wrong-password' })).answer.errorCode).toBe('-16');
  });
});
