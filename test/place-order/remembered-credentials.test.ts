// A returning customer's credentials, once proven, are remembered by the process (the account
// id and the hash they were proven against), so later orders skip both the hash and the read
// of the account before the transaction. The transaction still compares the stored hash: a
// password changed elsewhere (another process, an operator) must take effect at once, for the
// old password (-16) and for the new one (accepted, although the remembered entry is stale).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/dialects.js';
import { guestOrder, post, testApp, type TestApp } from '../helpers/app.js';

describe.each(DIALECTS)('remembered credentials (%s)', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  const order = (mode: 'N' | 'Y', password: string) =>
    post(t.app, 'PlaceOrder', guestOrder({ isReturningCustomer: mode, loginName: 'rita', loginPassword: password }));

  async function setPassword(password: string): Promise<void> {
    const hash = await t.hasher.hash(password);
    await t.store.write((tx) => tx.updateTable('customers').set({ password_hash: hash }).where('login_name', '=', 'rita').execute());
  }

  it('a remembered password keeps working while the stored hash is unchanged', async () => {
    expect((await order('N', 'first-password')).answer.errorCode).toBe('0');
    for (let i = 0; i < 3; i++) expect((await order('Y', 'first-password')).answer.errorCode).toBe('0');
    expect((await order('Y', 'wrong-password')).answer.errorCode).toBe('-16');
  });

  it('a password changed elsewhere: the old one is refused at once, the new one is accepted', async () => {
    expect((await order('N', 'first-password')).answer.errorCode).toBe('0');
    expect((await order('Y', 'first-password')).answer.errorCode).toBe('0');
    await setPassword('second-password');
    expect((await order('Y', 'first-password')).answer.errorCode).toBe('-16');
    expect((await order('Y', 'second-password')).answer.errorCode).toBe('0');
    expect((await order('Y', 'second-password')).answer.errorCode).toBe('0');
  });

  it('changed back to a password remembered before: the stale entry is proven again, not trusted', async () => {
    expect((await order('N', 'first-password')).answer.errorCode).toBe('0');
    await setPassword('second-password');
    expect((await order('Y', 'second-password')).answer.errorCode).toBe('0');
    // The process remembers first-password with the first hash; the account now has a new hash
    // of that same password. The order must succeed (verified afresh), not fail on the old hash.
    await setPassword('first-password');
    expect((await order('Y', 'first-password')).answer.errorCode).toBe('0');
    const orders = await t.store.db.selectFrom('orders').select('customer_id').execute();
    expect(new Set(orders.map((o) => o.customer_id)).size).toBe(1);
  });
});
