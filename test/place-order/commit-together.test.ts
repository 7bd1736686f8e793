// Orders that arrive together commit together. A batch of orders that read no account history
// and activate nothing is written by commitOrderUnit's batch form (`many`: a few multi-row
// statements for the whole batch), on both dialects (decision 13); when that form declines or
// fails, each order runs on its own. These tests hold both ways to the same outcomes, on both
// dialects, and check which way was taken.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { seedDemo } from '../../src/seed/demo.js';
import type { Store } from '../../src/db/store.js';
import type { CommitArgs } from '../../src/place-order/order-commit.js';
import { commitOrderUnit } from '../../src/place-order/order-unit.js';
import { findResellerContext } from '../../src/resellers/resellers.repository.js';
import { insertEndpoint } from '../../src/webhooks/webhooks.repository.js';
import { cheapHasher } from '../helpers/app.js';
import { DIALECTS, freshStore } from '../helpers/dialects.js';

type Customer = CommitArgs['customer'];

for (const dialect of DIALECTS) {
  describe(`orders committed together (${dialect})`, () => {
    let store: Store & { location: string };
    let resellerId: number;
    let alice: number;
    let bob: number;
    let requests = 0;

    beforeEach(async () => {
      store = await freshStore(dialect);
      await seedDemo(store, cheapHasher(), systemClock);
      resellerId = (await findResellerContext(store.db, 'resellerbrand'))!.id;
      const at = new Date().toISOString();
      await store.write((tx) => insertEndpoint(tx, { resellerId, url: 'https://hooks.example.com/po', secret: 's'.repeat(32), at }));
      const customer = (loginName: string, details: object) =>
        store.write(async (tx) => {
          const row = await tx
            .insertInto('customers')
            .values({ login_name: loginName, password_hash: `hash-of-${loginName}`, email_address: `${loginName}@example.com`, details_json: JSON.stringify(details), created_at: at, updated_at: at })
            .returning('id')
            .executeTakeFirstOrThrow();
          return row.id;
        });
      alice = await customer('alice', { name: 'Alice', city: 'Leeds' });
      bob = await customer('bob', { name: 'Bob' });
    });
    afterEach(async () => {
      vi.restoreAllMocks();
      await store.close();
    });

    const existing = (id: number, passwordHash: string, recalled = true): Customer => ({ kind: 'existing', id, passwordHash, recalled });
    const order = (customer: Customer, emailAddress: string, suppliedContact: Record<string, string> = {}, itemCount = 1): CommitArgs => ({
      nowMs: Date.now(),
      currency: 'USD',
      resellerId,
      customer,
      emailAddress,
      contactJson: JSON.stringify(suppliedContact),
      suppliedContact,
      resellerPays: true,
      region: 'US',
      offerCode: null,
      licenceCode: null,
      ruleItems: [],
      items: Array.from({ length: itemCount }, (_, k) => ({
        itemNo: k + 1,
        ppp: 9974,
        productCode: 'webdnspro',
        term: '1 year',
        listPriceCents: 4899,
        priceCents: 4899,
        visibility: 1,
        macAddress: null,
      })),
      status: 'pending_authorization',
      totalCents: 4899 * itemCount,
      requestId: `commit-together-${++requests}`,
      auditParams: { ap: 'resellerbrand', emailAddress },
    });
    /** Submitted in one turn, so that the store commits them in one batch. */
    const placeTogether = (batch: readonly CommitArgs[]) =>
      Promise.allSettled(batch.map((args) => store.writePortable(commitOrderUnit, args)));

    const counts = async () => {
      const n = async (table: 'orders' | 'order_items' | 'audit_log' | 'order_events' | 'webhook_deliveries') =>
        Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      return { orders: await n('orders'), items: await n('order_items'), audit: await n('audit_log'), events: await n('order_events'), deliveries: await n('webhook_deliveries') };
    };

    it('gives each order the outcome it would get on its own, in order, and writes exactly what those orders write', async () => {
      const together = vi.spyOn(commitOrderUnit.many!, 'run');
      const batch = [
        order(existing(alice, 'hash-of-alice'), 'alice@example.com'),
        order(existing(alice, 'hash-of-alice'), 'alice.two@example.com', { name: 'Alice Two' }),
        order(existing(bob, 'a stale hash', false), 'bob@example.com'),
        order({ kind: 'guest' }, 'guest@example.com', { name: 'Guest' }, 3),
        order(existing(alice, 'hash-of-alice'), 'alice.three@example.com', { phone: '123' }),
        order(existing(bob, 'a stale hash', true), 'bob@example.com'),
      ];
      const outcomes = await placeTogether(batch);

      const placed = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected']);
      // -16 for a hash that no longer matches; a remembered credential is told to prove itself again.
      expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ name: 'PlaceOrderError', def: { code: -16 } });
      expect((outcomes[5] as PromiseRejectedResult).reason).toMatchObject({ name: 'CredentialStale' });
      const numbers = placed.map((p) => p.orderNumber);
      expect(new Set(numbers).size).toBe(4);
      expect(placed.map((p) => p.totalCents)).toEqual([4899, 4899, 3 * 4899, 4899]);
      const byRequest = (await store.db.selectFrom('orders').select(['id', 'customer_id', 'email_address', 'request_id']).orderBy('id').execute()).map(
        (r) => [r.request_id, r.id, r.customer_id, r.email_address],
      );
      const expected = [
        [batch[0]!.requestId, numbers[0], alice, 'alice@example.com'],
        [batch[1]!.requestId, numbers[1], alice, 'alice.two@example.com'],
        [batch[3]!.requestId, numbers[2], null, 'guest@example.com'],
        [batch[4]!.requestId, numbers[3], alice, 'alice.three@example.com'],
      ];
      // One transaction, in submission order: order numbers follow it.
      expect(byRequest).toEqual(expected);
      const items = await store.db.selectFrom('order_items').select(['order_id', 'item_no']).orderBy('order_id').orderBy('item_no').execute();
      expect(items.map((i) => [i.order_id, i.item_no])).toEqual(
        numbers
          .flatMap((n, k) => (k === 2 ? [[n, 1], [n, 2], [n, 3]] : [[n, 1]]))
          .sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!),
      );
      const audit = await store.db.selectFrom('audit_log').select(['order_id', 'request_id', 'params_json']).where('kind', '=', 'place_order').orderBy('order_id').execute();
      expect(audit.map((a) => [a.order_id, a.request_id])).toEqual(byRequest.map((r) => [r[1], r[0]]));
      expect(JSON.parse(audit.find((a) => a.order_id === numbers[2])!.params_json)).toEqual({ ap: 'resellerbrand', emailAddress: 'guest@example.com' });
      // One order.placed event per order, each delivered to the reseller's one endpoint.
      const events = await store.db.selectFrom('order_events').select(['id', 'order_id', 'type', 'payload_json']).orderBy('order_id').execute();
      expect(events.map((e) => [e.order_id, e.type])).toEqual([...numbers].sort((x, y) => x - y).map((n) => [n, 'order.placed']));
      expect(JSON.parse(events.find((e) => e.order_id === numbers[2])!.payload_json)).toMatchObject({
        type: 'order.placed',
        data: { orderNumber: String(numbers[2]), totalCost: '146.97' },
      });
      const deliveries = await store.db.selectFrom('webhook_deliveries').select(['event_row_id', 'state']).orderBy('event_row_id').execute();
      expect(deliveries).toEqual([...events].sort((x, y) => x.id - y.id).map((e) => ({ event_row_id: e.id, state: 'pending' })));
      // Alice's details after her three orders: each one's fields replace hers, none is lost.
      // The address is the last one's.
      const a = await store.db.selectFrom('customers').select(['email_address', 'details_json']).where('id', '=', alice).executeTakeFirstOrThrow();
      expect(JSON.parse(a.details_json)).toEqual({ name: 'Alice Two', city: 'Leeds', phone: '123' });
      expect(a.email_address).toBe('alice.three@example.com');
      // Bob's failed orders changed nothing.
      const b = await store.db.selectFrom('customers').select(['email_address']).where('id', '=', bob).executeTakeFirstOrThrow();
      expect(b.email_address).toBe('bob@example.com');

      // The batch form, once for the six.
      expect(together).toHaveBeenCalledTimes(1);
    });

    it('when the batch form fails after writing, nothing of it is kept and each order commits on its own, once', async () => {
      const many = commitOrderUnit.many!;
      const original = many.run.bind(many);
      const together = vi.spyOn(many, 'run').mockImplementationOnce(async (tx, args) => {
        await original(tx, args);
        throw new Error('the disk said no');
      });
      const batch = Array.from({ length: 5 }, (_, k) => order(existing(alice, 'hash-of-alice'), `alice.${k}@example.com`));
      const outcomes = await placeTogether(batch);
      expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
      expect(await counts()).toEqual({ orders: 5, items: 5, audit: 5, events: 5, deliveries: 5 });
      const requestIds = (await store.db.selectFrom('orders').select('request_id').orderBy('id').execute()).map((r) => r.request_id);
      // SQLite runs them again in one transaction, each in a savepoint; PostgreSQL each in a
      // transaction of its own, concurrently: there they get their outcomes, not the order of
      // submission.
      if (dialect === 'sqlite') expect(requestIds).toEqual(batch.map((b) => b.requestId));
      else expect([...requestIds].sort()).toEqual(batch.map((b) => b.requestId).sort());
      expect(together).toHaveBeenCalledTimes(1);
    });

    it('new customers are created in the batch; a name taken, in the database or earlier in the batch, is the later order\'s CustomerRaced', async () => {
      const together = vi.spyOn(commitOrderUnit.many!, 'run');
      const create = (loginName: string) => ({ kind: 'create' as const, loginName, passwordHash: `hash-of-${loginName}` });
      const batch = [
        order(create('carol'), 'carol@example.com', { name: 'Carol' }),
        order(create('alice'), 'alice@example.com'),
        order(existing(alice, 'hash-of-alice'), 'alice@example.com'),
        order(create('carol'), 'carol.again@example.com'),
        order(create('dave'), 'dave@example.com'),
      ];
      expect(batch.every((a) => commitOrderUnit.many!.accepts(a))).toBe(true);
      const outcomes = await placeTogether(batch);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ name: 'CustomerRaced' });
      expect((outcomes[3] as PromiseRejectedResult).reason).toMatchObject({ name: 'CustomerRaced' });
      const names = await store.db.selectFrom('customers').select(['id', 'login_name', 'email_address']).orderBy('login_name').execute();
      expect(names.map((c) => [c.login_name, c.email_address])).toEqual([
        ['alice', 'alice@example.com'],
        ['bob', 'bob@example.com'],
        ['carol', 'carol@example.com'],
        ['dave', 'dave@example.com'],
      ]);
      const owners = await store.db.selectFrom('orders').select(['customer_id', 'request_id']).orderBy('id').execute();
      const idOf = (name: string) => names.find((c) => c.login_name === name)!.id;
      expect(owners.map((o) => [o.request_id, o.customer_id])).toEqual([
        [batch[0]!.requestId, idOf('carol')],
        [batch[2]!.requestId, alice],
        [batch[4]!.requestId, idOf('dave')],
      ]);
      expect(await counts()).toEqual({ orders: 3, items: 3, audit: 3, events: 3, deliveries: 3 });
      expect(together).toHaveBeenCalledTimes(1);
    });

    it('orders whose rules read history commit on their own, after the batch of the others', async () => {
      const together = vi.spyOn(commitOrderUnit.many!, 'run');
      const swp = { ruleItems: [{ no: 1, plan: { product: { code: 'webmonitor', swp: true, oncePerAccount: false } } }] };
      const batch = [
        order(existing(alice, 'hash-of-alice'), 'alice@example.com'),
        { ...order(existing(bob, 'hash-of-bob'), 'bob@example.com'), ...swp },
        order({ kind: 'create', loginName: 'carol', passwordHash: 'hash-of-carol' }, 'carol@example.com', { name: 'Carol' }),
        { ...order({ kind: 'guest' }, 'guest@example.com'), ...swp },
      ];
      expect(batch.map((a) => commitOrderUnit.many!.accepts(a))).toEqual([true, false, true, false]);
      const outcomes = await placeTogether(batch);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      expect(await counts()).toEqual({ orders: 4, items: 4, audit: 4, events: 4, deliveries: 4 });
      // The batch form took the two it accepts, once.
      expect(together).toHaveBeenCalledTimes(1);
      expect(together.mock.calls[0]![1].map((a) => a.requestId)).toEqual([batch[0]!.requestId, batch[2]!.requestId]);
      const numbers = outcomes.map((o) => (o as PromiseFulfilledResult<{ orderNumber: number }>).value.orderNumber);
      expect(new Set(numbers).size).toBe(4);
    });
  });
}
