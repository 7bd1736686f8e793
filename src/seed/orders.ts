// The seeded orders, oldest first: who ordered what through whom, the state each order ended
// in (every status, the recent ones more often still waiting), its items and licences, and the
// lifecycle steps the timeline writes when the generator's clock passes them.
import type { Plan } from '../catalog/catalog.js';
import { termEnd } from '../licences/licences.service.js';
import { hash32 } from './random.js';
import type { Tables } from './sink.js';
import type { OrderFacts, Step, StepKind, Timeline } from './timeline.js';
import { DAY_MS, customerLoginOf, hexId, iso, type World } from './world.js';

const HOUR_MS = 3_600_000;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** 24 base32 characters in groups of four, unique per licence id (hash32 is a bijection). */
export function seededLicenceCode(id: number, seed: number): string {
  let out = '';
  for (let k = 0; k < 4; k++) {
    const h = hash32(id, seed + k * 7919);
    for (let b = 0; b < 6; b++) out += BASE32[(h >>> (b * 5)) & 31];
  }
  return out.match(/.{4}/g)!.join('-');
}

interface Fate {
  status: string;
  authorizedAt: number | null;
  paidAt: number | null;
  activatedAt: number | null;
  closedAt: number | null;
  refundReason: number | null;
  steps: Array<{ kind: StepKind; t: number }>;
}

/** What became of an order placed at `t`, as of the world's now. */
function fateOf(world: World, t: number, resellerPays: boolean): Fate {
  const r = world.random;
  const fate: Fate = { status: resellerPays ? 'pending_authorization' : 'awaiting_payment', authorizedAt: null, paidAt: null, activatedAt: null, closedAt: null, refundReason: null, steps: [] };
  const recent = world.nowMs - t < 2 * DAY_MS;
  const acted = t + (resellerPays ? r.between(60_000, 6 * HOUR_MS) : r.between(600_000, 24 * HOUR_MS));
  if ((recent && r.chance(0.45)) || acted > world.nowMs) return fate;
  const x = r.next();
  if (resellerPays && x < 0.04) return { ...fate, status: 'rejected', closedAt: acted, steps: [{ kind: 'reject', t: acted }] };
  if (x < 0.07) return { ...fate, status: 'cancelled', closedAt: acted, steps: [{ kind: 'cancel', t: acted }] };
  if (x < 0.09) return fate;
  const active: Fate = {
    ...fate,
    status: 'active',
    authorizedAt: resellerPays ? acted : null,
    paidAt: resellerPays ? null : acted,
    activatedAt: acted,
    steps: [{ kind: resellerPays ? 'authorize' : 'mark_paid', t: acted }],
  };
  const refundAt = acted + r.between(HOUR_MS, 29 * DAY_MS);
  if (!resellerPays || x < 0.95 || refundAt > world.nowMs) return active;
  return { ...active, status: 'refunded', closedAt: refundAt, refundReason: r.between(1, 11), steps: [...active.steps, { kind: 'refund', t: refundAt }] };
}

export class OrderGenerator {
  /** Per licence id: expiry, reseller, plan, and whether a renewal names it already. */
  private readonly licences = { expires: [0], reseller: [0], ppp: [0], renewed: [0] };
  private readonly lastLicenceOf: Int32Array;
  private licenceId = 0;

  constructor(
    private readonly world: World,
    private readonly tables: Tables,
    private readonly timeline: Timeline,
    private readonly plans: ReadonlyMap<number, Plan>,
  ) {
    this.lastLicenceOf = new Int32Array(world.options.customers + 1);
  }

  /** Every order, oldest first, flushing the tables as they fill. */
  async run(progress?: (done: number) => void): Promise<void> {
    const { orders } = this.world.options;
    const span = this.world.nowMs - this.world.startMs;
    for (let i = 0; i < orders; i++) {
      const t = this.world.startMs + Math.floor((span * i) / orders) + this.world.random.int(Math.max(1, Math.floor(span / orders)));
      this.timeline.runUntil(t);
      this.order(i + 1, t);
      if (i % 2000 === 1999) {
        await this.tables.flush();
        progress?.(i + 1);
      }
    }
    this.timeline.runUntil(this.world.nowMs);
    await this.tables.flush(true);
  }

  private order(id: number, t: number): void {
    const w = this.world;
    const r = w.random;
    const guest = r.chance(0.2);
    const customerId = guest ? null : 1 + r.int(w.customersBy(t));
    const resellerId = customerId !== null && r.chance(0.9) ? w.homeReseller(customerId) : w.pickReseller(r.next(), r.next());
    const renews = customerId !== null ? this.renewable(customerId, resellerId, t) : 0;
    const plans = w.pickPlans(renews ? this.plans.get(this.licences.ppp[renews]!) : undefined);
    const resellerPays = r.chance(w.isSandbox(resellerId) ? 0.5 : 0.85);
    const fate = fateOf(w, t, resellerPays);
    const email = customerId !== null ? `${customerLoginOf(customerId)}@example.com` : `guest-${hash32(id, 3).toString(36)}@example.net`;
    const total = plans.reduce((s, p) => s + p.listPriceCents, 0);
    const facts: OrderFacts = { id, resellerId, totalCents: total, requestId: hexId(id, 55) };
    const name = `Person ${hash32(id, 4) % 100_000}`;
    this.tables.add('orders', {
      id,
      reseller_id: resellerId,
      customer_id: customerId,
      email_key: email.toLowerCase(),
      email_address: email,
      contact_json: JSON.stringify({ name, organizationName: `Company ${id % 9973}`, streetAddress1: `${id % 997} Main Street`, localityName: 'Springfield', postalCode: String(10_000 + (id % 89_999)), countryName: 'US', emailAddress: email }),
      reseller_pays: resellerPays ? 1 : 0,
      status: fate.status,
      total_cents: total,
      currency: 'USD',
      region: 'Unknown',
      offer_code: null,
      renews_licence: renews ? seededLicenceCode(renews, w.options.seed) : null,
      request_id: facts.requestId,
      created_at: iso(t),
      updated_at: iso(Math.max(t, fate.closedAt ?? fate.activatedAt ?? t)),
      authorized_at: fate.authorizedAt === null ? null : iso(fate.authorizedAt),
      paid_at: fate.paidAt === null ? null : iso(fate.paidAt),
      activated_at: fate.activatedAt === null ? null : iso(fate.activatedAt),
      closed_at: fate.closedAt === null ? null : iso(fate.closedAt),
      refund_reason_code: fate.refundReason,
    });
    plans.forEach((p, k) => this.tables.add('order_items', { order_id: id, item_no: k + 1, ppp: p.ppp, product_code: p.product.code, term: p.term, list_price_cents: p.listPriceCents, price_cents: p.listPriceCents, visibility: -1, mac_address: null }));
    const params = { ap: `reseller-${resellerId}`, reseller: resellerPays ? 'Y' : 'N', emailAddress: email, name, ...(customerId !== null ? { loginName: customerLoginOf(customerId), loginPassword: '[removed]', isReturningCustomer: 'Y' } : {}), ...Object.fromEntries(plans.map((p, k) => [`${k + 1}_PPP`, String(p.ppp)])) };
    this.timeline.placed(t, facts, resellerPays ? 'pending_authorization' : 'awaiting_payment', params);
    for (const step of fate.steps) this.timeline.schedule({ ...step, order: facts });
    if (fate.activatedAt !== null) this.issue(facts, customerId, email, plans, fate, renews);
  }

  /** A licence of this customer at this reseller that is due for renewal at `t` (0: none). */
  private renewable(customerId: number, resellerId: number, t: number): number {
    const last = this.lastLicenceOf[customerId]!;
    const l = this.licences;
    if (last === 0 || l.renewed[last] === 1 || l.reseller[last] !== resellerId) return 0;
    const expires = l.expires[last]!;
    if (t < expires - 30 * DAY_MS || t > expires || !this.world.random.chance(0.7)) return 0;
    l.renewed[last] = 1;
    return last;
  }

  private issue(order: OrderFacts, customerId: number | null, email: string, plans: readonly Plan[], fate: Fate, renews: number): void {
    const w = this.world;
    plans.forEach((plan, k) => {
      const id = ++this.licenceId;
      const renewal = k === 0 && renews > 0;
      const start = renewal ? Math.max(fate.activatedAt!, this.licences.expires[renews]!) : fate.activatedAt!;
      const expires = termEnd(plan, new Date(start)).getTime();
      this.licences.expires.push(expires);
      this.licences.reseller.push(order.resellerId);
      this.licences.ppp.push(plan.ppp);
      this.licences.renewed.push(0);
      if (customerId !== null && k === 0) this.lastLicenceOf[customerId] = id;
      const code = seededLicenceCode(id, w.options.seed);
      this.tables.add('licences', {
        id,
        code,
        order_id: order.id,
        item_no: k + 1,
        reseller_id: order.resellerId,
        customer_id: customerId,
        email_key: email.toLowerCase(),
        product_code: plan.product.code,
        ppp: plan.ppp,
        starts_at: iso(start),
        expires_at: iso(expires),
        renews_licence_id: renewal ? renews : null,
        revoked_at: fate.closedAt === null ? null : iso(fate.closedAt),
        created_at: iso(fate.activatedAt!),
      });
      if (fate.status !== 'active') return;
      const licence = { id, code, expiresMs: expires };
      for (const [kind, at] of [['expiring', expires - 30 * DAY_MS], ['expired', expires]] as const) {
        if (at <= w.nowMs) this.timeline.schedule({ t: Math.max(at, fate.activatedAt!), kind, order, licence } satisfies Step);
      }
    });
  }
}
