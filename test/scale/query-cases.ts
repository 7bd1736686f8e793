// Every read the product makes (and the purge's statements), built by the repositories' own
// query builders with values taken from a seeded database: the API, the console, the portal,
// the ordering page, webhooks, /metrics, the CLI and the retention purge. Each case may carry
// an allowance, with the reason it stays bounded (plan-check.ts).
import { sql } from 'kysely';
import type { Db, Store } from '../../src/db/store.js';
import { customerByIdQuery } from '../../src/customers/accounts.repository.js';
import { CUSTOMERS_FOR_ORDERS, customerLoginQuery } from '../../src/customers/customers.repository.js';
import { authorizedAfterQuery, entriesBatchQuery, fundsOfQuery, lastEntryQuery, newestEntriesQuery, transactionsAfterQuery } from '../../src/funds/funds.repository.js';
import { countExpiredQuery, findKeyQuery, purgeExpiredQuery } from '../../src/idempotency/idempotency.repository.js';
import { findLicenceByCodeQuery, licencesOfOrderQuery } from '../../src/licences/licences.repository.js';
import { everOrderedQuery, itemsOfOrderQuery, liveOrderOfQuery, loadOrderQuery, offerUsedQuery, orderHeaderQuery, renewalExistsQuery } from '../../src/orders/lifecycle.repository.js';
import { itemsOfOrdersQuery, listOrdersQuery } from '../../src/orders/order-list.repository.js';
import { orderContactQuery, orderEmailQuery, orderListQuery, orderOfNonceQuery, pendingCountQuery } from '../../src/orders/order-reads.repository.js';
import { licencesOfCustomerQuery, renewedCodesQuery, waitingOrdersOfCustomerQuery } from '../../src/orders/customer-orders.repository.js';
import { auditAfterQuery, deleteAuditQuery, orderOfRequestQuery } from '../../src/orders/orders.repository.js';
import { countStaleThrottleQuery, purgeThrottleQuery, throttleOfQuery } from '../../src/passwords/throttle.repository.js';
import { findApiUserQuery } from '../../src/reseller-api/api-users.repository.js';
import { RESELLER_CONTEXT, originsOfQuery, resellerByApQuery } from '../../src/resellers/resellers.repository.js';
import { sandboxDeleteQueries } from '../../src/sandbox/sandbox.repository.js';
import { noncePurge } from '../../src/ordering-submissions/ordering-submissions.repository.js';
import { findSessionByHashQuery, sessionPurge } from '../../src/sessions/sessions.repository.js';
import { deleteEventsQueries, eventsAfterQuery } from '../../src/webhooks/event-retention.repository.js';
import { expiryCandidatesQuery } from '../../src/webhooks/expiry.repository.js';
import { attemptsOfQuery, deliveriesOfEventsQuery, dueDeliveriesQuery, failPendingQuery, recentEventsQuery } from '../../src/webhooks/webhooks.repository.js';
import { dueMessagesQuery, messagesAfterQuery, messagesOfQuery } from '../../src/notifications/notifications.repository.js';
import { failingEndpointsQuery, reminderCandidatesQuery, renewedAmongQuery, waitingOrdersQuery } from '../../src/notifications/sources.repository.js';
import type { PlanCase } from './plan-check.js';

/** Values that exist in the seeded database, read from it. */
export interface Samples {
  readonly now: string;
  readonly bigReseller: number;
  readonly smallReseller: number;
  readonly sandboxReseller: number;
  readonly order: { id: number; request_id: string; created_at: string; email_key: string; customer_id: number };
  /** The middle of the big reseller's orders, newest first: a deep page's cursor. */
  readonly middle: { created_at: string; id: number };
  readonly licence: { code: string; customer_id: number };
  readonly account: number;
  readonly entryMiddle: number;
  readonly lastTransaction: number;
  readonly session: string;
  readonly idempotency: { scope: string; idem_key: string };
  readonly loginName: string;
}

export async function samplesOf(db: Db, now: string): Promise<Samples> {
  const one = async <T>(q: { executeTakeFirstOrThrow(): Promise<T> }) => q.executeTakeFirstOrThrow();
  const big = 1;
  const count = Number((await one(db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).where('reseller_id', '=', big))).n);
  const middle = await one(db.selectFrom('orders').select(['created_at', 'id']).where('reseller_id', '=', big).orderBy('created_at', 'desc').orderBy('id', 'desc').offset(Math.floor(count / 2)).limit(1));
  const order = await one(db.selectFrom('orders').select(['id', 'request_id', 'created_at', 'email_key', 'customer_id']).where('reseller_id', '=', big).where('customer_id', 'is not', null).orderBy('id', 'desc').limit(1));
  const licence = await one(db.selectFrom('licences').select(['code', 'customer_id']).where('customer_id', 'is not', null).orderBy('id', 'desc').limit(1));
  const entries = await one(db.selectFrom('ledger_entries').select((eb) => eb.fn.max<number>('id').as('m')).where('account_id', '=', 100 + big));
  const last = await one(db.selectFrom('ledger_transactions').select((eb) => eb.fn.max<number>('id').as('m')));
  const session = await one(db.selectFrom('web_sessions').select('token_hash').limit(1));
  const key = await one(db.selectFrom('idempotency_keys').select(['scope', 'idem_key']).limit(1));
  const resellers = Number((await one(db.selectFrom('resellers').select((eb) => eb.fn.countAll<number>().as('n')))).n);
  return {
    now,
    bigReseller: big,
    smallReseller: Math.floor(resellers / 2),
    sandboxReseller: resellers,
    order: { ...order, customer_id: order.customer_id! },
    middle,
    licence: { code: licence.code, customer_id: licence.customer_id! },
    account: 100 + big,
    entryMiddle: Math.floor(Number(entries.m) / 2),
    lastTransaction: Number(last.m),
    session: session.token_hash,
    idempotency: key,
    loginName: 'customer-1',
  };
}

/**
 * The big reseller has half of all rows: PostgreSQL may walk the primary key backwards and keep
 * its rows, one in two, rather than use the reseller's index. LIMIT rows cost twice LIMIT.
 */
const HALF = { orderedWalk: "half of the rows are the big reseller's: a walk of the primary key stops after about twice LIMIT" };

/** The expiry scan's first run in a process reads a month of expiries; later ones a minute's (dispatcher.ts). */
const FIRST_SCAN = { sort: "one month of licence expiries, once per process start; later scans start at the last one's end" };

const days = (iso: string, n: number) => new Date(Date.parse(iso) + n * 86_400_000).toISOString();

/** The API (!PlaceOrder with its account rules, the reseller endpoints) and the ordering page. */
export function apiCases(store: Store, s: Samples): PlanCase[] {
  const db = store.db;
  const customer = { resellerId: s.bigReseller, customerId: s.order.customer_id };
  const guest = { resellerId: s.bigReseller, emailKey: s.order.email_key };
  return [
    { name: 'reseller context', query: RESELLER_CONTEXT.compiledFor(store.dialect, [{ ap: 'scale-0001' }]) },
    { name: 'customers of a batch of orders', query: CUSTOMERS_FOR_ORDERS.compiledFor(store.dialect, [{ id: s.order.customer_id! }, { id: s.order.customer_id! + 1 }]) },
    { name: 'reseller by brand', query: resellerByApQuery(db, 'scale-0001') },
    { name: 'reseller origins', query: originsOfQuery(db, s.bigReseller) },
    { name: 'customer login', query: customerLoginQuery(db, s.loginName) },
    { name: 'throttle of a login', query: throttleOfQuery(db, 'customer', s.loginName) },
    { name: '-45 offer used (customer)', query: offerUsedQuery(db, customer, 'FREE_HP_UPGRADE') },
    { name: '-45 offer used (guest email)', query: offerUsedQuery(db, guest, 'FREE_HP_UPGRADE') },
    { name: '-73 live order of product', query: liveOrderOfQuery(db, customer, 'web-monitor', s.now) },
    { name: '-73 live order of product (guest)', query: liveOrderOfQuery(db, guest, 'web-monitor', s.now) },
    { name: '-73 ever ordered', query: everOrderedQuery(db, customer, 'one-time-remediate') },
    { name: '-56 licence by code', query: findLicenceByCodeQuery(db, s.licence.code) },
    { name: '-56 renewal exists', query: renewalExistsQuery(db, s.licence.code) },
    { name: 'order of a request (idempotent takeover)', query: orderOfRequestQuery(db, s.order.request_id, s.bigReseller, s.order.created_at) },
    { name: 'idempotency key', query: findKeyQuery(db, s.idempotency.scope, s.idempotency.idem_key) },
    { name: 'API user by login', query: findApiUserQuery(db, 'scale-0001-api') },
    { name: '!GetOrderStatus order', query: orderHeaderQuery(db, s.order.id) },
    { name: '!GetOrderStatus items', query: itemsOfOrderQuery(db, s.order.id) },
    { name: '!GetOrderStatus licences', query: licencesOfOrderQuery(db, s.order.id) },
    { name: 'lifecycle: the order to change', query: loadOrderQuery(db, s.order.id) },
    { name: 'sandbox: forced error of an order', query: orderEmailQuery(db, s.order.id, s.bigReseller) },
    { name: 'ordering page: order of a nonce', query: orderOfNonceQuery(db, 'nonce') },
  ];
}

/** The console and the portal. */
export function webCases(store: Store, s: Samples): PlanCase[] {
  const db = store.db;
  const list = (extra: object) => orderListQuery(db, { resellerId: s.bigReseller, limit: 51, ...extra });
  const customerFew = { sort: "one customer's licences or waiting orders: a few" };
  return [
    { name: 'session by token', query: findSessionByHashQuery(db, s.session) },
    { name: 'dashboard: funds', query: fundsOfQuery(db, s.bigReseller) },
    { name: 'dashboard: pending count (capped)', query: pendingCountQuery(db, s.bigReseller, 10_000) },
    { name: 'dashboard: pending orders', query: list({ status: 'pending_authorization' }) },
    { name: 'orders: first page', query: list({}) },
    { name: 'orders: deep page', query: list({ after: s.middle }) },
    { name: 'orders: small reseller', query: orderListQuery(db, { resellerId: s.smallReseller, limit: 51 }) },
    { name: 'orders: by status, deep', query: list({ status: 'active', after: s.middle }) },
    { name: 'orders: by email', query: list({ emailKey: s.order.email_key }) },
    { name: 'orders: by email, deep', query: list({ emailKey: s.order.email_key, after: s.middle }) },
    { name: 'orders: by dates', query: list({ from: days(s.now, -100), to: days(s.now, -99) }) },
    { name: 'orders: by product', query: list({ productCode: 'web-dns-pro' }) },
    { name: 'orders: by product, deep', query: list({ productCode: 'web-dns-pro', after: s.middle }) },
    { name: 'orders: items of a page', query: itemsOfOrdersQuery(db, [s.order.id, s.order.id - 1, s.order.id - 2]) },
    { name: 'order detail (search by number)', query: orderContactQuery(db, s.bigReseller, s.order.id) },
    { name: 'ledger page', query: newestEntriesQuery(db, 100 + s.smallReseller, 200) },
    { name: 'ledger page (the big reseller)', query: newestEntriesQuery(db, s.account, 200), allow: HALF },
    { name: 'ledger CSV: where it ends', query: lastEntryQuery(db, s.account) },
    { name: 'ledger CSV: first batch', query: entriesBatchQuery(db, s.account, 0, s.entryMiddle * 2, 500) },
    { name: 'ledger CSV: a middle batch', query: entriesBatchQuery(db, s.account, s.entryMiddle, s.entryMiddle * 2, 500) },
    { name: 'portal: customer', query: customerByIdQuery(db, s.licence.customer_id) },
    { name: 'portal: licences', query: licencesOfCustomerQuery(db, s.licence.customer_id), allow: customerFew },
    { name: 'portal: renewed codes', query: renewedCodesQuery(db, [s.licence.code, 'AAAA-BBBB']) },
    { name: 'portal: waiting orders', query: waitingOrdersOfCustomerQuery(db, s.licence.customer_id), allow: customerFew },
  ];
}

/** Webhooks, /metrics, the CLI and the retention purge. */
export function backgroundCases(store: Store, s: Samples): PlanCase[] {
  const db = store.db;
  const scan = (kind: 'expiring' | 'expired', after: string, until: string, scope = {}) => expiryCandidatesQuery(db, { kind, after, until, scope, limit: 500 });
  const events = deleteEventsQueries(db, [1, 2, 3]);
  return [
    { name: 'webhooks: due deliveries', query: dueDeliveriesQuery(db, s.now, 20) },
    { name: 'webhooks: fail an endpoint\'s pending', query: failPendingQuery(db, 10) },
    { name: 'webhooks: expiring scan (first)', query: scan('expiring', s.now, days(s.now, 30)), allow: FIRST_SCAN },
    { name: 'webhooks: expiring scan (next)', query: scan('expiring', days(s.now, 30), days(s.now, 30.001)) },
    { name: 'webhooks: expired scan (first)', query: scan('expired', days(s.now, -30), s.now), allow: FIRST_SCAN },
    { name: 'webhooks: expired scan, one sandbox', query: scan('expired', days(s.now, -30), s.now, { onlyReseller: s.sandboxReseller }) },
    { name: 'webhooks: events of a reseller', query: recentEventsQuery(db, s.smallReseller, 50) },
    { name: 'webhooks: events of the big reseller', query: recentEventsQuery(db, s.bigReseller, 50), allow: HALF },
    { name: 'webhooks: older events', query: recentEventsQuery(db, s.bigReseller, 50, 1000) },
    { name: 'webhooks: deliveries of events', query: deliveriesOfEventsQuery(db, [1, 2, 3]), allow: { sort: 'the deliveries of a page of events' } },
    { name: 'webhooks: attempts of deliveries', query: attemptsOfQuery(db, [1, 2, 3]), allow: { sort: 'the attempts of a page of deliveries' } },
    { name: 'metrics: transactions to settle', query: transactionsAfterQuery(db, s.lastTransaction - 5000, 5000) },
    { name: 'metrics: recent authorizations', query: authorizedAfterQuery(db, s.lastTransaction - 50) },
    { name: 'CLI orders list', query: listOrdersQuery(db, { limit: 1000 }), allow: { orderedWalk: 'the newest orders by number: the primary key backwards, LIMIT rows' } },
    { name: 'CLI orders list --before', query: listOrdersQuery(db, { limit: 1000, beforeOrderNumber: s.order.id }) },
    { name: 'CLI orders list --ap', query: listOrdersQuery(db, { limit: 1000, resellerId: s.smallReseller }) },
    { name: 'CLI orders list --ap (the big reseller)', query: listOrdersQuery(db, { limit: 1000, resellerId: s.bigReseller }), allow: HALF },
    { name: 'CLI orders list --ap --before', query: listOrdersQuery(db, { limit: 1000, resellerId: s.smallReseller, beforeOrderNumber: s.order.id }) },
    ...sandboxDeleteQueries(db, s.sandboxReseller).map((query, k) => ({ name: `CLI sandbox reset, statement ${k + 1}`, query })),
    { name: 'purge: audit walk', query: auditAfterQuery(db, 0, 500) },
    { name: 'purge: audit delete', query: deleteAuditQuery(db, [1, 2, 3]) },
    { name: 'purge: events walk', query: eventsAfterQuery(db, 0, 500) },
    { name: 'purge: delete attempts of events', query: events.attempts },
    { name: 'purge: delete deliveries of events', query: events.deliveries },
    { name: 'purge: delete events', query: events.events },
    { name: 'purge: idempotency keys', query: purgeExpiredQuery(db, s.now, 500) },
    { name: 'purge: count idempotency keys', query: countExpiredQuery(db, s.now) },
    { name: 'purge: sessions', query: sessionPurge.deleteQuery(db, s.now, 500) },
    { name: 'purge: count sessions', query: sessionPurge.countQuery(db, s.now) },
    { name: 'purge: nonces', query: noncePurge.deleteQuery(db, s.now, 500) },
    { name: 'purge: count nonces', query: noncePurge.countQuery(db, s.now) },
    { name: 'purge: login throttle', query: purgeThrottleQuery(db, s.now, 500) },
    { name: 'purge: count login throttle', query: countStaleThrottleQuery(db, s.now) },
    ...notificationCases(db, s),
  ];
}

/** The email outbox (src/notifications): the sender, the scheduler, the console and CLI, the purge. */
function notificationCases(db: Db, s: Samples): PlanCase[] {
  const reminders = (after: string, until: string, scope = {}) => reminderCandidatesQuery(db, { kind: 'reminder_30', after, until, scope, limit: 500 });
  return [
    { name: 'notifications: due messages', query: dueMessagesQuery(db, s.now, 20) },
    { name: 'notifications: messages of a reseller', query: messagesOfQuery(db, s.smallReseller, 100) },
    { name: 'notifications: older messages of the big reseller', query: messagesOfQuery(db, s.bigReseller, 100, 1000) },
    { name: 'notifications: reminder scan (first)', query: reminders(days(s.now, 7), days(s.now, 30)), allow: FIRST_SCAN },
    { name: 'notifications: reminder scan (next)', query: reminders(days(s.now, 30), days(s.now, 30.001)) },
    { name: 'notifications: reminder scan, one sandbox', query: reminders(days(s.now, 7), days(s.now, 30), { onlyReseller: s.sandboxReseller }) },
    { name: 'notifications: renewed among the candidates', query: renewedAmongQuery(db, [1, 2, 3]) },
    { name: 'notifications: orders waiting a day', query: waitingOrdersQuery(db, s.bigReseller, days(s.now, -1), 100) },
    { name: 'notifications: failing webhook endpoints', query: failingEndpointsQuery(db, s.smallReseller, days(s.now, -1 / 24)), allow: { sort: "the reseller's failing deliveries, grouped by endpoint" } },
    { name: 'purge: messages walk', query: messagesAfterQuery(db, 0, 500) },
  ];
}

/** A query no index serves, to show that the check fails when it should. */
export function plantedCase(store: Store): PlanCase {
  return { name: 'planted: audit records by request id', query: store.db.selectFrom('audit_log').select('id').where('request_id', '=', sql<string>`'x'`) };
}
