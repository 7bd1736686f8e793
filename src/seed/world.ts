// Who and what the scale seed's orders are about: resellers (one with half of all orders, a few
// sandbox ones), customers (each with a home reseller), the catalog's plans weighted towards
// one-year terms, and the time span the orders fall in.
import { defaultCatalog, type Plan } from '../catalog/catalog.js';
import { Random, Weighted, hash32 } from './random.js';

export const DAY_MS = 86_400_000;
/** Orders fall in this many days before `now`. */
export const SPAN_DAYS = 400;
/** The password of every seeded API user and customer (one hash, computed once). */
export const SEED_API_PASSWORD = 'scale-api-password';
export const SEED_CUSTOMER_PASSWORD = 'scale-customer-password';
/** Sandbox resellers: the last ones. */
const SANDBOX_RESELLERS = 5;
/** Resellers with a webhook endpoint: the big one and every tenth. */
const ENDPOINT_EVERY = 10;

export interface SeedOptions {
  readonly orders: number;
  readonly resellers: number;
  readonly customers: number;
  /** The seed's "now": orders end here, licences expire around it. */
  readonly now: Date;
  readonly seed: number;
}

export function apOf(resellerId: number): string {
  return `scale-${String(resellerId).padStart(4, '0')}`;
}

export function customerLoginOf(customerId: number): string {
  return `customer-${customerId}`;
}

export class World {
  readonly nowMs: number;
  readonly startMs: number;
  readonly random: Random;
  private readonly mainPlans: Weighted<Plan>;
  private readonly extraPlans: Weighted<Plan>;

  constructor(readonly options: SeedOptions) {
    this.nowMs = options.now.getTime();
    this.startMs = this.nowMs - SPAN_DAYS * DAY_MS;
    this.random = new Random(options.seed);
    const catalog = defaultCatalog();
    const weightOf = (p: Plan) => ({ '1y': 10, '2y': 3, '3y': 1, '4y': 0.5, '5y': 0.5, '30d': 1.5, '45d': 0.5, '90d': 1.5 })[p.term];
    const plans = catalog.products.flatMap((p) => p.plans).filter((p) => p.listPriceCents > 0);
    this.mainPlans = new Weighted(plans.map((p) => [p, weightOf(p)] as const));
    this.extraPlans = new Weighted(plans.filter((p) => !p.product.mainLicence).map((p) => [p, weightOf(p)] as const));
  }

  get resellerCount(): number {
    return this.options.resellers;
  }

  isSandbox(resellerId: number): boolean {
    return resellerId > this.options.resellers - SANDBOX_RESELLERS;
  }

  hasEndpoint(resellerId: number): boolean {
    return !this.isSandbox(resellerId) && (resellerId === 1 || resellerId % ENDPOINT_EVERY === 0);
  }

  /** Reseller 1 takes half of all orders; the others a long tail (reseller 2 the most). */
  pickReseller(u: number, v: number): number {
    if (u < 0.5) return 1;
    return 2 + Math.floor((this.options.resellers - 1) * v * v);
  }

  /** A customer's usual reseller, fixed per customer. */
  homeReseller(customerId: number): number {
    return this.pickReseller(hash32(customerId, 1) / 4_294_967_296, hash32(customerId, 2) / 4_294_967_296);
  }

  /** Customers sign up over the whole span: by `atMs` this many exist. */
  customersBy(atMs: number): number {
    const share = (atMs - this.startMs) / (this.nowMs - this.startMs);
    return Math.max(1, Math.min(this.options.customers, Math.ceil(this.options.customers * (0.05 + 0.95 * share))));
  }

  /** When customer `id` signed up (consistent with customersBy). */
  customerCreatedMs(customerId: number): number {
    const share = Math.max(0, (customerId / this.options.customers - 0.05) / 0.95);
    return this.startMs + Math.floor(share * (this.nowMs - this.startMs)) - DAY_MS;
  }

  /** The items of an order: one mostly, a main product first, add-ons after. */
  pickPlans(first?: Plan): Plan[] {
    const r = this.random.next();
    const count = r < 0.85 ? 1 : r < 0.97 ? 2 : 3;
    const plans = [first ?? this.mainPlans.pick(this.random)];
    while (plans.length < count) plans.push(this.extraPlans.pick(this.random));
    return plans;
  }
}

/** ISO text of an instant in ms. */
export const iso = (ms: number): string => new Date(ms).toISOString();

/** 16 hex digits derived from a number: request ids that differ per row and per run seed. */
export function hexId(n: number, salt: number): string {
  return hash32(n, salt).toString(16).padStart(8, '0') + hash32(n, salt ^ 0x5bd1e995).toString(16).padStart(8, '0');
}
