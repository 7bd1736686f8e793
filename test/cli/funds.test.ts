// The operator's funds and order commands (`placeorder funds …`, `orders mark-paid|cancel`),
// run in-process through the CLI's own entry point with captured output, on each dialect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/store.js';
import { checkLedger } from '../funds/ledger-invariant.js';
import { DIALECTS, freshDatabase, type FreshDatabase } from '../helpers/dialects.js';
import { cli } from './capture.js';

describe.each(DIALECTS)('placeorder funds (%s)', (dialect) => {
  let db: FreshDatabase;
  beforeAll(async () => {
    db = await freshDatabase(dialect);
    expect((await cli(['migrate', '--db', db.location])).code).toBe(0);
    const add = await cli([
      'reseller', 'add', '--ap', 'fundsbrand', '--login', 'fundsbrand-api', '--password', 'funds-password',
      '--validated', '--credit-limit', '10.00', '--ip-allow', '127.0.0.1/32', '--db', db.location,
    ]);
    expect(add.err).toBe('');
    expect(add.code).toBe(0);
  });
  afterAll(() => db.drop());

  it('reseller add stores --credit-limit and --ip-allow', async () => {
    const store = await openStore(db.location);
    try {
      const r = await store.db.selectFrom('resellers').select('credit_limit_cents').where('ap', '=', 'fundsbrand').executeTakeFirstOrThrow();
      expect(r.credit_limit_cents).toBe(1000);
      const u = await store.db.selectFrom('api_users').select('ip_allow').where('login_name', '=', 'fundsbrand-api').executeTakeFirstOrThrow();
      expect(JSON.parse(u.ip_allow!)).toEqual(['127.0.0.1/32']);
    } finally {
      await store.close();
    }
  });

  it('funds show before any money: balance 0, no entries', async () => {
    const show = await cli(['funds', 'show', '--ap', 'fundsbrand', '--json', '--db', db.location]);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.out)).toMatchObject({ balanceCents: 0, creditLimitCents: 1000, entries: [] });
    const text = await cli(['funds', 'show', '--ap', 'fundsbrand', '--db', db.location]);
    expect(text.out).toBe('fundsbrand: balance 0.00 USD (credit limit 10.00)\nno ledger entries\n');
  });

  it('funds credit adds an entry; adjust either way with a memo; show lists them with a running balance', async () => {
    const credit = await cli(['funds', 'credit', '--ap', 'fundsbrand', '--amount', '123.45', '--memo', 'wire 2026-11', '--db', db.location]);
    expect(credit).toEqual({ code: 0, out: 'credited 123.45 to "fundsbrand"; balance 123.45\n', err: '' });
    const down = await cli(['funds', 'adjust', '--ap', 'fundsbrand', '--amount=-3.45', '--memo', 'bank fee', '--db', db.location]);
    expect(down.out).toBe('adjusted "fundsbrand" by -3.45; balance 120.00\n');
    const up = await cli(['funds', 'adjust', '--ap', 'fundsbrand', '--amount', '0.50', '--memo', 'goodwill', '--db', db.location]);
    expect(up.out).toBe('adjusted "fundsbrand" by 0.50; balance 120.50\n');
    const show = JSON.parse((await cli(['funds', 'show', '--ap', 'fundsbrand', '--json', '--db', db.location])).out);
    expect(show.balanceCents).toBe(12050);
    expect(show.entries.map((e: { kind: string; amountCents: number; balanceCents: number; memo: string }) => [e.kind, e.amountCents, e.balanceCents, e.memo])).toEqual([
      ['top_up', 12345, 12345, 'wire 2026-11'],
      ['adjustment', -345, 12000, 'bank fee'],
      ['adjustment', 50, 12050, 'goodwill'],
    ]);
    const limited = JSON.parse((await cli(['funds', 'show', '--ap', 'fundsbrand', '--json', '--limit', '1', '--db', db.location])).out);
    expect(limited.entries).toEqual([expect.objectContaining({ kind: 'adjustment', amountCents: 50, balanceCents: 12050 })]);
    const store = await openStore(db.location);
    try {
      await checkLedger(store.db);
    } finally {
      await store.close();
    }
  });

  it('refuses what an operator can get wrong, with exit code 2 and one clear line', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['funds', 'credit', '--ap', 'nobrand', '--amount', '1.00'], /there is no reseller "nobrand"/],
      [['funds', 'credit', '--ap', 'fundsbrand', '--amount', '1.005'], /--amount must be an amount like 123.45/],
      [['funds', 'credit', '--ap', 'fundsbrand', '--amount', '0'], /more than 0/],
      [['funds', 'credit', '--ap', 'fundsbrand'], /--amount is required/],
      [['funds', 'adjust', '--ap', 'fundsbrand', '--amount', '1.00'], /--memo is required/],
      [['funds', 'adjust', '--ap', 'fundsbrand', '--amount=-500.00', '--memo', 'too much'], /below the credit limit/],
      [['funds', 'show', '--ap', 'fundsbrand', '--limit', '0'], /--limit must be/],
      [['funds', 'move', '--ap', 'fundsbrand'], /unknown funds command "move"/],
      [['orders', 'mark-paid'], /expected one order number/],
      [['orders', 'mark-paid', 'abc'], /expected one order number/],
      [['orders', 'mark-paid', '424242'], /there is no order 424242/],
      [['orders', 'cancel', '424242'], /there is no order 424242/],
    ];
    for (const [args, message] of cases) {
      const res = await cli([...args, '--db', db.location]);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.err, args.join(' ')).toMatch(message);
      expect(res.err.trim().split('\n').length).toBeLessThanOrEqual(4);
    }
    const show = JSON.parse((await cli(['funds', 'show', '--ap', 'fundsbrand', '--json', '--db', db.location])).out);
    expect(show.balanceCents).toBe(12050);
    // The refused adjustment left no record either (the ledger is written before the balance moves).
    expect(show.entries).toHaveLength(3);
    const store = await openStore(db.location);
    try {
      await checkLedger(store.db);
    } finally {
      await store.close();
    }
  });
});
