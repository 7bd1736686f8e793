// Where the database is: `--db PATH_OR_URL` or PLACEORDER_DB, for serve, migrate and every other
// command, and `--db` wins over the environment. Each command runs once per way of naming the
// database, against a target database, while a decoy database is named the other way (or is the
// default): afterwards the target holds everything and the decoy was never touched.
// `serve` and `migrate` run as real processes; the other commands run in this process through the
// CLI's own entry point (src/cli/main.ts), which reads the environment as the binary does.
import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { KNOWN_MIGRATIONS } from '../../src/db/migrations/index.js';
import { DIALECTS, freshDatabase, type FreshDatabase } from '../helpers/dialects.js';
import { SPAWN_TIMEOUT_MS, CHILD_ENV, assertBuilt, postTo, runCli, startServer } from '../scale/processes.js';

/** Runs a command in this process; returns exit code and what it printed. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
  return { code, out, err };
}

/** True when the database was never opened by placeorder: no schema in it. */
async function untouched(db: FreshDatabase): Promise<boolean> {
  if (db.dialect === 'sqlite') return !existsSync(db.location);
  const c = new pg.Client({ connectionString: db.location });
  await c.connect();
  try {
    const r = await c.query(`select count(*)::int as n from information_schema.tables where table_schema = 'public'`);
    return r.rows[0].n === 0;
  } finally {
    await c.end();
  }
}

type Way = 'flag (over a decoy PLACEORDER_DB)' | 'PLACEORDER_DB';
const WAYS: readonly Way[] = ['flag (over a decoy PLACEORDER_DB)', 'PLACEORDER_DB'];

describe.each(DIALECTS)('the database location reaches every command (%s)', { timeout: SPAWN_TIMEOUT_MS }, (dialect) => {
  const saved = { ...process.env };
  beforeAll(() => {
    assertBuilt();
    Object.assign(process.env, CHILD_ENV);
  });
  afterAll(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  describe.each(WAYS)('by %s', (way) => {
    let target: FreshDatabase;
    let decoy: FreshDatabase;
    /** The arguments and environment that name `target` this way. */
    let dbArgs: string[];
    let env: Record<string, string>;

    beforeAll(async () => {
      target = await freshDatabase(dialect);
      decoy = await freshDatabase(dialect);
      if (way === 'PLACEORDER_DB') {
        dbArgs = [];
        env = { PLACEORDER_DB: target.location };
      } else {
        dbArgs = ['--db', target.location];
        env = { PLACEORDER_DB: decoy.location };
      }
      Object.assign(process.env, env);
    });
    afterAll(async () => {
      delete process.env.PLACEORDER_DB;
      await target.drop();
      await decoy.drop();
    });

    it('migrate (a process) migrates it', async () => {
      const r = await runCli(['migrate', ...dbArgs], env);
      expect(r, r.stderr).toMatchObject({ code: 0, stdout: `applied: ${[...KNOWN_MIGRATIONS].sort().join(', ')}\n` });
    });

    it('reseller, funds, catalog, redirect-secret, clock and sandbox commands all use it', async () => {
      const steps: Array<[string[], RegExp]> = [
        [['reseller', 'add', '--ap', 'dbbrand', '--login', 'dbbrand-api', '--password', 'dbbrand-password', '--validated'], /reseller "dbbrand" created/],
        [['reseller', 'add', '--ap', 'dbsandbox', '--login', 'dbsandbox-api', '--password', 'dbsandbox-password', '--validated', '--sandbox'], /reseller "dbsandbox" created/],
        [['funds', 'credit', '--ap', 'dbbrand', '--amount', '100.00'], /balance 100\.00/],
        [['funds', 'adjust', '--ap', 'dbbrand', '--amount=-1.50', '--memo', 'correction'], /balance 98\.50/],
        [['funds', 'show', '--ap', 'dbbrand'], /^dbbrand: balance 98\.50 USD/],
        [['catalog', 'price', '--ppp', '9974', '--amount', '40.00'], /PPP 9974 now costs 40\.00/],
        [['catalog', 'list'], /^9974\t.*\t40\.00 USD$/m],
        [['redirect-secret', '--ap', 'dbbrand'], /^redirect secret of "dbbrand": \S+/],
        [['clock', 'advance', '--ap', 'dbsandbox', '2d'], /dbsandbox/],
        [['clock', 'show', '--ap', 'dbsandbox'], /sandbox clock of "dbsandbox"/],
        [['sandbox', 'reset', '--ap', 'dbsandbox'], /sandbox "dbsandbox" reset/],
      ];
      for (const [args, expected] of steps) {
        const r = await cli([...args, ...dbArgs]);
        expect(r.err, args.join(' ')).toBe('');
        expect(r.code, args.join(' ')).toBe(0);
        expect(r.out, args.join(' ')).toMatch(expected);
      }
    });

    it('serve (a process) takes orders into it; orders list, mark-paid and cancel see them', async () => {
      // Without --db the server must find the target through the environment; with --db it
      // must prefer the flag over the decoy in the environment.
      const named = await startServer(dbArgs[1], [], env);
      let paid: string;
      let unpaid: string;
      try {
        const place = (email: string) =>
          postTo(named.url, 'PlaceOrder', { ap: 'dbbrand', reseller: 'N', emailAddress: email, name: 'Db Test', '1_PPP': '9974' });
        const a = await place('paid@example.com');
        const b = await place('unpaid@example.com');
        expect(a.answer).toMatchObject({ errorCode: '0', totalCost: '40.00' });
        expect(b.answer.errorCode).toBe('0');
        paid = a.answer.orderNumber!;
        unpaid = b.answer.orderNumber!;
      } finally {
        await named.stop();
      }
      const list = await cli(['orders', 'list', '--json', '--ap', 'dbbrand', ...dbArgs]);
      expect(list.code).toBe(0);
      expect((JSON.parse(list.out) as Array<{ orderNumber: number }>).map((o) => o.orderNumber).sort()).toEqual(
        [Number(paid), Number(unpaid)].sort(),
      );
      expect(await cli(['orders', 'mark-paid', paid, ...dbArgs])).toMatchObject({ code: 0, out: `order ${paid} is now active\n` });
      expect(await cli(['orders', 'cancel', unpaid, ...dbArgs])).toMatchObject({ code: 0, out: `order ${unpaid} is now cancelled\n` });
    });

    it('the decoy was never opened', async () => {
      expect(await untouched(decoy)).toBe(true);
      expect(await untouched(target)).toBe(false);
    });
  });
});

