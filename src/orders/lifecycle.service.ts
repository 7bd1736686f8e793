// The life of an order after !PlaceOrder (docs/lifecycle.md): authorize (debit, activate),
// reject, refund (reverse the debit, revoke the licences), record payment, cancel, expire.
// Each change is one durable transaction that locks the order first (PostgreSQL), so that
// concurrent requests about one order take turns and see each other's outcome.
import type { Catalog } from '../catalog/catalog.js';
import { isoDate, type Clock } from '../clock.js';
import type { Config } from '../config.js';
import { isUniqueViolation } from '../customers/customers.repository.js';
import type { Db, Store } from '../db/store.js';
import { Errors, fail } from '../errors.js';
import { NotCovered, debitForOrder, fundsOfReseller, refundForOrder } from '../funds/funds.service.js';
import { watchFundsCrossing } from '../notifications/record.js';
import { licencesOfOrder, revokeLicencesOfOrder, type LicenceRow } from '../licences/licences.repository.js';
import { issueLicences } from '../licences/licences.service.js';
import { changeStatus, itemsOfOrder, loadOrder, orderHeader, type LifecycleOrderRow } from './lifecycle.repository.js';
import { recordOrderEvents } from '../webhooks/events.js';
import { insertAudit } from './orders.repository.js';
import type { OrderStatus } from './orders.table.js';

export interface LifecycleDeps {
  readonly store: Store;
  readonly catalog: Catalog;
  readonly clock: Clock;
  readonly config: Pick<Config, 'refundPeriodDays'>;
}

/** Who asks, about which order, for the audit log. */
export interface ResellerAction {
  readonly resellerId: number;
  /**
   * A sandbox reseller's steps take the order through every state but write no ledger entry
   * (src/sandbox). The caller has the reseller loaded (the API principal, the console's
   * reseller), so the step asks nothing more; absent means an ordinary reseller.
   */
  readonly sandbox?: boolean;
  readonly orderNumber: number;
  readonly requestId: string;
  readonly auditParams: Record<string, string>;
}

/** What an order looks like from outside: `expired` is an active order past its licences' expiry. */
export type VisibleStatus = OrderStatus;

export interface ActionOutcome {
  readonly orderNumber: number;
  readonly status: VisibleStatus;
  readonly totalCents: number;
  readonly currency: string;
  /** False when the request changed nothing (already in the asked-for state, or test=Y). */
  readonly changed: boolean;
}

const CLOSED: ReadonlySet<OrderStatus> = new Set(['rejected', 'refunded', 'cancelled']);

/** An order of this reseller that the reseller itself pays for; anything else is -4 orderNumber. */
function ownResellerOrder(row: LifecycleOrderRow | undefined, resellerId: number): LifecycleOrderRow {
  if (!row || row.reseller_id !== resellerId || !row.resellerPays) throw fail(Errors.INVALID_VALUE, 'orderNumber');
  return row;
}

/** Whether the step writes ledger entries: a sandbox reseller's never do. */
function movesMoney(action: ResellerAction): boolean {
  return action.sandbox !== true;
}

function outcome(row: LifecycleOrderRow, status: OrderStatus, changed: boolean): ActionOutcome {
  return { orderNumber: row.id, status, totalCents: row.total_cents, currency: row.currency, changed };
}

/** Runs a unit; a unique-constraint backstop firing means a racing request won: run it again. */
async function writeRetryingRace<T>(store: Store, unit: (tx: Db) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.write(unit);
    } catch (error) {
      if (isUniqueViolation(error) && attempt < 3) continue;
      throw error;
    }
  }
}

/**
 * !AutoAuthorize: debits the order's total from the reseller's funds and activates it. An
 * order that is already active answers success without a second debit. With `test`, every
 * check runs against the current state and nothing changes.
 */
export async function authorizeOrder(deps: LifecycleDeps, action: ResellerAction, test: boolean): Promise<ActionOutcome> {
  if (test) {
    const row = ownResellerOrder(await loadOrder(deps.store.db, action.orderNumber), action.resellerId);
    if (CLOSED.has(row.status)) throw fail(Errors.ORDER_CLOSED, 'orderNumber');
    if (row.status === 'pending_authorization' && row.total_cents > 0 && movesMoney(action)) {
      const funds = await fundsOfReseller(deps.store.db, action.resellerId);
      if (funds.balanceCents - row.total_cents < -funds.creditLimitCents) throw fail(Errors.NOT_ENOUGH_CREDIT);
    }
    return outcome(row, row.status, false);
  }
  return writeRetryingRace(deps.store, async (tx) => {
    const row = ownResellerOrder(await loadOrder(tx, action.orderNumber, deps.store.dialect), action.resellerId);
    if (row.status === 'active') return outcome(row, 'active', false);
    if (CLOSED.has(row.status)) throw fail(Errors.ORDER_CLOSED, 'orderNumber');
    const now = deps.clock.now();
    const at = now.toISOString();
    await activate(tx, deps.catalog, row, now);
    await changeStatus(tx, row.id, { status: 'active', at, authorizedAt: at, activatedAt: at });
    await audit(tx, 'authorize', action, at);
    await orderEvents(tx, row, 'active', at, 'order.authorized', 'order.activated');
    // "Sectigo will deduct funds from your account when you authorize an order unless there is
    // no charge" (spec, "Authorizing orders"): a free order is activated without an entry.
    // A sandbox reseller's orders never move money (src/sandbox). The debit comes last: it
    // locks the reseller's balance row until the commit, and every authorization of the
    // reseller waits for that row (docs/operations.md, the hot rows). A refused debit (-15)
    // rolls the whole transaction back, activation and events included.
    if (row.total_cents > 0 && movesMoney(action)) {
      const crossed = await watchFundsCrossing(tx, changeFacts(row, at));
      const debited = await debitForOrder(tx, { resellerId: row.reseller_id, orderId: row.id, amountCents: row.total_cents, requestId: action.requestId, at }).catch((error: unknown) => {
        throw error instanceof NotCovered ? fail(Errors.NOT_ENOUGH_CREDIT) : error;
      });
      await crossed(debited.balanceCents);
    }
    return outcome(row, 'active', true);
  });
}

/** !AutoReject: a pending order is rejected; nothing is debited. Rejecting twice is success. */
export async function rejectOrder(deps: LifecycleDeps, action: ResellerAction): Promise<ActionOutcome> {
  return deps.store.write(async (tx) => {
    const row = ownResellerOrder(await loadOrder(tx, action.orderNumber, deps.store.dialect), action.resellerId);
    if (row.status === 'rejected') return outcome(row, 'rejected', false);
    if (row.status !== 'pending_authorization') throw fail(Errors.ORDER_CLOSED, 'orderNumber');
    const at = deps.clock.now().toISOString();
    await changeStatus(tx, row.id, { status: 'rejected', at, closedAt: at });
    await audit(tx, 'reject', action, at);
    await orderEvents(tx, row, 'rejected', at, 'order.rejected');
    return outcome(row, 'rejected', true);
  });
}

/** The last instant an order authorized at `authorizedAt` may be refunded (inclusive). */
export function refundDeadline(authorizedAt: string, refundPeriodDays: number): Date {
  return new Date(new Date(authorizedAt).getTime() + refundPeriodDays * 86_400_000);
}

/**
 * !AutoRefund: within the refund period after authorization, the debit is reversed by a new
 * ledger entry (never by changing the old one) and the order's licences are revoked.
 */
export async function refundOrder(deps: LifecycleDeps, action: ResellerAction, reasonCode: number): Promise<ActionOutcome> {
  return writeRetryingRace(deps.store, async (tx) => {
    const row = ownResellerOrder(await loadOrder(tx, action.orderNumber, deps.store.dialect), action.resellerId);
    if (row.status === 'refunded') throw fail(Errors.ALREADY_REFUNDED, 'orderNumber');
    if (row.status !== 'active' || row.authorized_at === null) throw fail(Errors.ORDER_CLOSED, 'orderNumber');
    const now = deps.clock.now();
    if (now > refundDeadline(row.authorized_at, deps.config.refundPeriodDays)) throw fail(Errors.ALREADY_REFUNDED, 'orderNumber');
    const at = now.toISOString();
    await revokeLicencesOfOrder(tx, row.id, at);
    await changeStatus(tx, row.id, { status: 'refunded', at, closedAt: at, refundReasonCode: reasonCode });
    await audit(tx, 'refund', action, at);
    await orderEvents(tx, row, 'refunded', at, 'order.refunded');
    // Last, as the debit of an authorization: moving the balance locks the reseller's row until the commit.
    if (row.total_cents > 0 && movesMoney(action)) {
      await refundForOrder(tx, { resellerId: row.reseller_id, orderId: row.id, amountCents: row.total_cents, requestId: action.requestId, at });
    }
    return outcome(row, 'refunded', true);
  });
}

export type OperatorOutcome =
  | { kind: 'done'; status: OrderStatus }
  | { kind: 'unchanged'; status: OrderStatus }
  | { kind: 'not_found' }
  | { kind: 'refused'; status: OrderStatus; reason: string };

/** `placeorder orders mark-paid`: the customer paid a reseller=N order; it activates. */
export async function markPaid(deps: LifecycleDeps, orderNumber: number, requestId: string): Promise<OperatorOutcome> {
  return deps.store.write(async (tx) => {
    const row = await loadOrder(tx, orderNumber, deps.store.dialect);
    if (!row) return { kind: 'not_found' };
    if (row.resellerPays) {
      return { kind: 'refused', status: row.status, reason: 'it is a reseller=Y order: the reseller authorizes it (!AutoAuthorize)' };
    }
    if (row.status === 'active') return { kind: 'unchanged', status: row.status };
    if (row.status !== 'awaiting_payment') return { kind: 'refused', status: row.status, reason: `it is ${row.status}` };
    const now = deps.clock.now();
    const at = now.toISOString();
    await activate(tx, deps.catalog, row, now);
    await changeStatus(tx, row.id, { status: 'active', at, paidAt: at, activatedAt: at });
    await insertAudit(tx, { at, kind: 'mark_paid', requestId, resellerId: row.reseller_id, orderId: row.id, params: {} });
    await orderEvents(tx, row, 'active', at, 'order.activated');
    return { kind: 'done', status: 'active' };
  });
}

/** `placeorder orders cancel`: the operator withdraws an order nobody has paid for yet. */
export async function cancelOrder(deps: LifecycleDeps, orderNumber: number, requestId: string): Promise<OperatorOutcome> {
  return deps.store.write(async (tx) => {
    const row = await loadOrder(tx, orderNumber, deps.store.dialect);
    if (!row) return { kind: 'not_found' };
    if (row.status === 'cancelled') return { kind: 'unchanged', status: row.status };
    if (row.status !== 'pending_authorization' && row.status !== 'awaiting_payment') {
      return { kind: 'refused', status: row.status, reason: `it is ${row.status}; only unpaid orders can be cancelled` };
    }
    const at = deps.clock.now().toISOString();
    await changeStatus(tx, row.id, { status: 'cancelled', at, closedAt: at });
    await insertAudit(tx, { at, kind: 'cancel', requestId, resellerId: row.reseller_id, orderId: row.id, params: {} });
    return { kind: 'done', status: 'cancelled' };
  });
}

/** Issues the licences of an order that becomes active (inside the caller's transaction). */
export async function activate(
  tx: Db,
  catalog: Catalog,
  row: Pick<LifecycleOrderRow, 'id' | 'reseller_id' | 'customer_id' | 'email_key' | 'renews_licence'>,
  now: Date,
): Promise<void> {
  const items = await itemsOfOrder(tx, row.id);
  await issueLicences(
    tx,
    catalog,
    {
      id: row.id,
      resellerId: row.reseller_id,
      customerId: row.customer_id,
      emailKey: row.email_key,
      renewsLicence: row.renews_licence,
      items: items.map((i) => ({ itemNo: i.item_no, ppp: i.ppp })),
    },
    now,
  );
}

/** The reseller's webhook events of a change, in the change's transaction (src/webhooks/events.ts). */
async function orderEvents(
  tx: Db,
  row: LifecycleOrderRow,
  status: OrderStatus,
  at: string,
  ...types: Parameters<typeof recordOrderEvents>[1][number][]
): Promise<void> {
  await recordOrderEvents(tx, types, { ...changeFacts(row, at), status });
}

/** What a change of the order says about it, to its events and notifications. */
function changeFacts(row: LifecycleOrderRow, at: string) {
  return { resellerId: row.reseller_id, orderNumber: row.id, totalCents: row.total_cents, currency: row.currency, at };
}

async function audit(tx: Db, kind: string, action: ResellerAction, at: string): Promise<void> {
  await insertAudit(tx, { at, kind, requestId: action.requestId, resellerId: action.resellerId, orderId: action.orderNumber, params: action.auditParams });
}

/** Active orders whose every licence has expired are `expired`; nothing else changes on read. */
export function visibleStatus(status: OrderStatus, licences: readonly Pick<LicenceRow, 'expires_at'>[], now: Date): VisibleStatus {
  if (status !== 'active' || licences.length === 0) return status;
  const nowIso = now.toISOString();
  return licences.every((l) => l.expires_at <= nowIso) ? 'expired' : status;
}

export interface OrderStatusView {
  readonly orderNumber: number;
  readonly status: VisibleStatus;
  readonly ap: string;
  readonly totalCents: number;
  readonly currency: string;
  readonly items: ReadonlyArray<{
    itemNo: number;
    ppp: number;
    priceCents: number;
    licenceCode?: string;
    startDate?: string;
    expiryDate?: string;
  }>;
}

/** !GetOrderStatus: any order placed under this reseller's brand; undefined for any other. */
export async function orderStatusOf(deps: Pick<LifecycleDeps, 'store' | 'clock'>, resellerId: number, orderNumber: number): Promise<OrderStatusView | undefined> {
  const db = deps.store.db;
  const row = await orderHeader(db, orderNumber);
  if (!row || row.reseller_id !== resellerId) return undefined;
  const [items, licences] = await Promise.all([itemsOfOrder(db, row.id), licencesOfOrder(db, row.id)]);
  const byItem = new Map(licences.map((l) => [l.item_no, l]));
  return {
    orderNumber: row.id,
    status: visibleStatus(row.status, licences.filter((l) => l.revoked_at === null), deps.clock.now()),
    ap: row.ap,
    totalCents: row.total_cents,
    currency: row.currency,
    items: items.map((i) => {
      const l = byItem.get(i.item_no);
      return {
        itemNo: i.item_no,
        ppp: i.ppp,
        priceCents: i.price_cents,
        ...(l ? { licenceCode: l.code, startDate: isoDate(new Date(l.starts_at)), expiryDate: isoDate(new Date(l.expires_at)) } : {}),
      };
    }),
  };
}
