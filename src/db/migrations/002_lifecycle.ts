// The order lifecycle (issue #3): the reseller funds ledger (double-entry, append-only),
// licences, and the lifecycle timestamps of an order. Written once for both dialects.
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../types.js';
import { types } from './index.js';

/** The vendor's own accounts, the other side of every reseller entry (see src/funds/). */
export const SYSTEM_ACCOUNTS = ['vendor:revenue', 'vendor:payments', 'vendor:adjustments'] as const;

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const t = types(dialect);
  const pg = dialect === 'postgres';

  // One account per reseller plus the vendor's system accounts. `balance_cents` is a cache of
  // the sum of the account's entries, kept for reseller accounts only: it is the row that a
  // debit's conditional update locks, so authorizations of one reseller serialize on it.
  await db.schema
    .createTable('funds_accounts')
    .addColumn('id', t.id, (c) => t.idModifier(c))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('reseller_id', t.ref, (c) => c.unique().references('resellers.id'))
    .addColumn('balance_cents', t.money, (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // A ledger transaction groups entries that sum to zero. `debit_order_id` is set only on an
  // authorization and `refund_order_id` only on a refund: their unique constraints make a
  // second debit (or refund) of one order impossible, whatever races.
  await db.schema
    .createTable('ledger_transactions')
    .addColumn('id', t.id, (c) => t.idModifier(c))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reseller_id', t.ref, (c) => c.notNull().references('resellers.id'))
    .addColumn('order_id', t.ref, (c) => c.references('orders.id'))
    .addColumn('debit_order_id', t.ref, (c) => c.unique().references('orders.id'))
    .addColumn('refund_order_id', t.ref, (c) => c.unique().references('orders.id'))
    .addColumn('amount_cents', t.money, (c) => c.notNull())
    .addColumn('memo', 'text')
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('ledger_entries')
    .addColumn('id', t.id, (c) => t.idModifier(c))
    .addColumn('transaction_id', t.ref, (c) => c.notNull().references('ledger_transactions.id'))
    .addColumn('account_id', t.ref, (c) => c.notNull().references('funds_accounts.id'))
    .addColumn('amount_cents', t.money, (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_entries_account').on('ledger_entries').columns(['account_id', 'id']).execute();
  await db.schema.createIndex('ledger_entries_transaction').on('ledger_entries').column('transaction_id').execute();

  // Append-only, enforced by the database itself and not only by the code.
  if (pg) {
    await sql`create function placeorder_append_only() returns trigger language plpgsql as $$
      begin raise exception 'the ledger is append-only: % on % refused', tg_op, tg_table_name; end $$`.execute(db);
    for (const table of ['ledger_transactions', 'ledger_entries']) {
      await sql
        .raw(`create trigger ${table}_append_only before update or delete on ${table} for each row execute function placeorder_append_only()`)
        .execute(db);
    }
  } else {
    for (const table of ['ledger_transactions', 'ledger_entries']) {
      for (const op of ['update', 'delete']) {
        await sql
          .raw(`create trigger ${table}_no_${op} before ${op} on ${table} begin select raise(abort, 'the ledger is append-only: ${op} on ${table} refused'); end`)
          .execute(db);
      }
    }
  }

  await db.schema
    .createTable('licences')
    .addColumn('id', t.id, (c) => t.idModifier(c))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('order_id', t.ref, (c) => c.notNull().references('orders.id'))
    .addColumn('item_no', 'integer', (c) => c.notNull())
    .addColumn('reseller_id', t.ref, (c) => c.notNull().references('resellers.id'))
    .addColumn('customer_id', t.ref, (c) => c.references('customers.id'))
    .addColumn('email_key', 'text', (c) => c.notNull())
    .addColumn('product_code', 'text', (c) => c.notNull())
    .addColumn('ppp', 'integer', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('renews_licence_id', t.ref, (c) => c.references('licences.id'))
    .addColumn('revoked_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('licences_order_item').on('licences').columns(['order_id', 'item_no']).unique().execute();
  await db.schema.createIndex('licences_customer').on('licences').column('customer_id').execute();
  await db.schema.createIndex('licences_email_key').on('licences').column('email_key').execute();

  // When each step of the lifecycle happened (null until it has).
  for (const column of ['authorized_at', 'paid_at', 'activated_at', 'closed_at']) {
    await db.schema.alterTable('orders').addColumn(column, 'text').execute();
  }
  await db.schema.alterTable('orders').addColumn('refund_reason_code', 'integer').execute();
  await db.schema.createIndex('orders_offer_email').on('orders').columns(['email_key', 'offer_code']).execute();

  // Migrations are deterministic: the system accounts exist since the schema does.
  const now = '1970-01-01T00:00:00.000Z';
  for (const code of SYSTEM_ACCOUNTS) {
    await sql`insert into funds_accounts (code, reseller_id, balance_cents, created_at) values (${code}, null, 0, ${now})`.execute(db);
  }
}
