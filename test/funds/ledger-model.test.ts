// A model-based property test of the money rules: random sequences of top-ups, placements,
// authorizations (some in test mode), rejections, refunds and clock moves, through the real
// endpoints, must give exactly the answers and balance a plain model predicts, and keep the
// ledger invariant, on each dialect.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/seed/demo.js';
import { createReseller } from '../../src/resellers/resellers.service.js';
import { DIALECTS } from '../helpers/dialects.js';
import type { TestApp } from '../helpers/app.js';
import { balanceOf, call, creds, lifecycleApp, placeOrder, topUp } from '../reseller-api/support.js';
import { checkLedger, snapshotLedger } from './ledger-invariant.js';

/** PPP → price in cents (catalog list prices): DNS Pro 30 days, 1 year; Monitor 30 days, 1 year. */
const PLANS: ReadonlyArray<readonly [string, number]> = [
  ['9971', 599],
  ['9974', 4899],
  ['9675', 1199],
  ['9600', 9899],
];

type Op =
  | { kind: 'topUp'; cents: number }
  | { kind: 'place'; plan: number }
  | { kind: 'authorize'; order: number; test: boolean }
  | { kind: 'reject'; order: number }
  | { kind: 'refund'; order: number }
  | { kind: 'advance'; days: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('topUp' as const), cents: fc.integer({ min: 1, max: 15_000 }) }),
  fc.record({ kind: fc.constant('place' as const), plan: fc.integer({ min: 0, max: PLANS.length - 1 }) }),
  fc.record({ kind: fc.constant('authorize' as const), order: fc.nat(), test: fc.boolean() }),
  fc.record({ kind: fc.constant('reject' as const), order: fc.nat() }),
  fc.record({ kind: fc.constant('refund' as const), order: fc.nat() }),
  fc.record({ kind: fc.constant('advance' as const), days: fc.integer({ min: 1, max: 20 }) }),
);

interface ModelOrder {
  number: number;
  total: number;
  status: 'pending' | 'active' | 'rejected' | 'refunded';
  authorizedAtMs?: number;
}

describe.each(DIALECTS)('funds ledger against a model (%s)', (dialect) => {
  let t: TestApp;
  let run = 0;
  beforeAll(async () => {
    t = await lifecycleApp(dialect, { apiPasswordMaxAgeDays: 0 });
  });
  afterAll(() => t.close());

  it('random operation sequences give the model’s answers and balance, and keep the invariant', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 25 }), fc.integer({ min: 0, max: 3 }), async (ops, limitSteps) => {
        const ap = `modelbrand${++run}`;
        const creditLimit = limitSteps * 2500;
        await createReseller(t.store, t.hasher, t.clock, { ap, login: `${ap}-api`, password: DEMO_PASSWORD, validated: true, redirectOrigins: [], creditLimitCents: creditLimit });
        const login = creds(`${ap}-api`);
        const before = await snapshotLedger(t.store.db);
        let balance = 0;
        const orders: ModelOrder[] = [];
        for (const op of ops) {
          const o = orders.length > 0 && 'order' in op ? orders[op.order % orders.length]! : undefined;
          switch (op.kind) {
            case 'topUp':
              await topUp(t, op.cents, ap);
              balance += op.cents;
              break;
            case 'place': {
              const [ppp, total] = PLANS[op.plan]!;
              orders.push({ number: await placeOrder(t.app, { ap, '1_PPP': ppp }), total, status: 'pending' });
              break;
            }
            case 'authorize': {
              if (!o) break;
              const res = await call(t.app, 'AutoAuthorize', { orderNumber: String(o.number), ...(op.test ? { test: 'Y' } : {}) }, login);
              let expected = '0';
              if (o.status === 'rejected' || o.status === 'refunded') expected = '-20';
              else if (o.status === 'pending' && balance - o.total < -creditLimit) expected = '-15';
              expect(res.answer.errorCode, JSON.stringify(op)).toBe(expected);
              if (expected === '0' && o.status === 'pending' && !op.test) {
                o.status = 'active';
                o.authorizedAtMs = t.clock.now().getTime();
                balance -= o.total;
              }
              break;
            }
            case 'reject': {
              if (!o) break;
              const res = await call(t.app, 'AutoReject', { orderNumber: String(o.number) }, login);
              const expected = o.status === 'pending' || o.status === 'rejected' ? '0' : '-20';
              expect(res.answer.errorCode, JSON.stringify(op)).toBe(expected);
              if (o.status === 'pending') o.status = 'rejected';
              break;
            }
            case 'refund': {
              if (!o) break;
              const res = await call(t.app, 'AutoRefund', { orderNumber: String(o.number), refundReasonCode: '5' }, login);
              let expected = '-20';
              if (o.status === 'refunded') expected = '-18';
              else if (o.status === 'active') expected = t.clock.now().getTime() - o.authorizedAtMs! <= 30 * 86_400_000 ? '0' : '-18';
              expect(res.answer.errorCode, JSON.stringify(op)).toBe(expected);
              if (expected === '0') {
                o.status = 'refunded';
                balance += o.total;
              }
              break;
            }
            case 'advance':
              t.clock.advanceDays(op.days);
              break;
          }
          expect(balance).toBeGreaterThanOrEqual(-creditLimit);
        }
        expect(await balanceOf(t, ap)).toBe(balance);
        await checkLedger(t.store.db, before);
      }),
      { numRuns: 12 },
    );
  }, 180_000);
});
