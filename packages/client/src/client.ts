// The client: builds the spec's parameters, sends them url-encoded with fetch (Node 20+ and
// browsers), and turns errorCode answers into typed errors. Every call carries an
// Idempotency-Key; the same key is re-sent on a retry, so a retry after a lost answer cannot
// place or charge an order twice on a server that honours the key.
import { NetworkError, PlaceOrderError, ProtocolError } from './error-base.js';
import { ERROR_CLASSES, ERROR_CODES, type ErrorCode } from './codes.generated.js';
import type {
  Answer,
  AutoAuthorizeInput,
  AutoRefundInput,
  Customer,
  OrderRef,
  OrderStatus,
  OrderStatusItem,
  PlacedOrder,
  PlaceOrderInput,
} from './types.js';

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** The server, e.g. `https://secure.example.com` (the client appends `/products/!NAME`). */
  baseUrl: string;
  /** The reseller's API user, for autoAuthorize, autoReject, autoRefund and getOrderStatus. */
  loginName?: string;
  loginPassword?: string;
  /** Defaults to the global fetch. */
  fetch?: FetchLike;
  /** Further attempts after a network failure, a timeout or a 5xx from a proxy. Default 3. */
  retries?: number;
  /** Per attempt. Default 30 000. */
  timeoutMs?: number;
  /** First retry delay; doubles each time, with jitter. Default 250. */
  retryDelayMs?: number;
  /** Makes the Idempotency-Key of each call. Default: a random UUID. */
  idempotencyKey?: () => string;
}

export interface CallOptions {
  /** Use this key instead of a fresh one (to retry a call across process restarts). */
  idempotencyKey?: string;
}

const MAX_RETRIES = 10;

export class PlaceOrderClient {
  private readonly baseUrl: string;
  private readonly fetchFn: FetchLike;
  private readonly retries: number;
  private readonly timeoutMs: number;
  private readonly retryDelayMs: number;
  private readonly newKey: () => string;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    if (!options.fetch && typeof globalThis.fetch !== 'function') throw new TypeError('no fetch available: pass options.fetch');
    // A bare reference to window.fetch throws "Illegal invocation" in browsers.
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.retries = Math.min(Math.max(options.retries ?? 3, 0), MAX_RETRIES);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retryDelayMs = options.retryDelayMs ?? 250;
    this.newKey = options.idempotencyKey ?? randomKey;
  }

  /** !PlaceOrder. Resolves with the order number; rejects with a PlaceOrderError subclass. */
  async placeOrder(input: PlaceOrderInput, call: CallOptions = {}): Promise<PlacedOrder> {
    const fields = await this.call('PlaceOrder', placeOrderParams(input), call);
    const totalCost = fields.totalCost;
    return {
      orderNumber: fields.orderNumber ?? '',
      totalCost,
      totalCents: totalCost === undefined ? undefined : toCents(totalCost),
      currency: fields.currency,
    };
  }

  /** !AutoAuthorize: authorize a reseller=Y order (debits the reseller's funds). */
  async autoAuthorize(input: AutoAuthorizeInput, call: CallOptions = {}): Promise<Answer> {
    const params: Array<[string, string]> = [['orderNumber', String(input.orderNumber)]];
    if (input.test !== undefined) params.push(['test', input.test ? 'Y' : 'N']);
    return { fields: await this.call('AutoAuthorize', this.withLogin(params), call) };
  }

  /** !AutoReject: reject a pending order; nothing is debited. */
  async autoReject(input: OrderRef, call: CallOptions = {}): Promise<Answer> {
    return { fields: await this.call('AutoReject', this.withLogin([['orderNumber', String(input.orderNumber)]]), call) };
  }

  /** !AutoRefund: refund an authorized order within the refund period. */
  async autoRefund(input: AutoRefundInput, call: CallOptions = {}): Promise<Answer> {
    const params: Array<[string, string]> = [
      ['orderNumber', String(input.orderNumber)],
      ['refundReasonCode', String(input.refundReasonCode)],
    ];
    return { fields: await this.call('AutoRefund', this.withLogin(params), call) };
  }

  /** !GetOrderStatus. */
  async getOrderStatus(input: OrderRef, call: CallOptions = {}): Promise<OrderStatus> {
    const fields = await this.call('GetOrderStatus', this.withLogin([['orderNumber', String(input.orderNumber)]]), call);
    return {
      fields,
      orderNumber: fields.orderNumber ?? String(input.orderNumber),
      status: fields.status ?? '',
      items: itemsOf(fields),
      ap: fields.ap,
      totalCost: fields.totalCost,
      currency: fields.currency,
      licenceCode: fields.licenceCode,
      startDate: fields.startDate,
      expiryDate: fields.expiryDate,
    };
  }

  /** !SandboxReset (sandbox resellers only): delete this sandbox's orders and events, clock back to real time. */
  async sandboxReset(call: CallOptions = {}): Promise<{ ordersRemoved: number }> {
    const fields = await this.call('SandboxReset', this.withLogin([]), call);
    return { ordersRemoved: Number(fields.ordersRemoved ?? 0) };
  }

  /** !SandboxClock (sandbox resellers only): read, reset (`reset: true`) or move forward (`advance: '40d'`) the test clock. */
  async sandboxClock(input: { advance?: string; reset?: boolean } = {}, call: CallOptions = {}): Promise<{ offsetSeconds: number; now: string }> {
    const params: Array<[string, string]> = [];
    if (input.reset !== undefined) params.push(['reset', input.reset ? 'Y' : 'N']);
    if (input.advance !== undefined) params.push(['advance', input.advance]);
    const fields = await this.call('SandboxClock', this.withLogin(params), call);
    return { offsetSeconds: Number(fields.offsetSeconds ?? 0), now: fields.now ?? '' };
  }

  private withLogin(params: Array<[string, string]>): Array<[string, string]> {
    const { loginName, loginPassword } = this.options;
    if (loginName === undefined || loginPassword === undefined) {
      throw new TypeError('the reseller endpoints need options.loginName and options.loginPassword');
    }
    return [['loginName', loginName], ['loginPassword', loginPassword], ...params];
  }

  /** One logical call: POST, retried with the same Idempotency-Key while it is safe to. */
  private async call(endpoint: string, params: ReadonlyArray<readonly [string, string]>, call: CallOptions): Promise<Record<string, string>> {
    const url = `${this.baseUrl}/products/!${endpoint}`;
    const body = new URLSearchParams(params as Array<[string, string]>).toString();
    const key = call.idempotencyKey ?? this.newKey();
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.retries + 1; attempt++) {
      if (attempt > 1) await sleep(backoff(this.retryDelayMs, attempt - 1));
      let response: Response;
      let text: string;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.timeoutMs);
      try {
        response = await this.fetchFn(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': key },
          body,
          signal: controller.signal,
          redirect: 'manual',
        });
        text = await response.text();
      } catch (error) {
        // The request may or may not have reached the server: only the key makes a retry safe.
        lastError = error;
        continue;
      } finally {
        clearTimeout(timer);
      }
      if (response.status >= 500) {
        lastError = new ProtocolError(`HTTP ${response.status} from ${url}`, response.status, text);
        continue;
      }
      const fields = parseAnswer(text);
      const code = fields.errorCode;
      if (code === undefined || !/^-?[0-9]+$/.test(code)) {
        throw new ProtocolError(`the answer from ${url} carries no errorCode (HTTP ${response.status})`, response.status, text);
      }
      const n = Number(code);
      if (n === 0) return fields;
      // The first request with this key is still running on the server: ask again shortly.
      if (n === ERROR_CODES.IDEMPOTENCY_KEY_IN_PROGRESS && attempt <= this.retries) {
        lastError = errorFor(n, fields);
        continue;
      }
      throw errorFor(n, fields);
    }
    if (lastError instanceof PlaceOrderError || lastError instanceof ProtocolError) throw lastError;
    throw new NetworkError(`could not reach ${url} after ${this.retries + 1} attempts: ${describe(lastError)}`, this.retries + 1, {
      cause: lastError,
    });
  }
}

/** The spec's parameters for one order: top-level fields, then items as N_NAME. */
export function placeOrderParams(input: PlaceOrderInput): Array<[string, string]> {
  const params: Array<[string, string]> = [
    ['ap', input.ap],
    ['reseller', input.reseller],
  ];
  const c: Customer = input.customer;
  for (const [name, value] of Object.entries(c) as Array<[keyof Customer, Customer[keyof Customer]]>) {
    if (value === undefined) continue;
    if (name === 'isReturningCustomer') params.push([name, value ? 'Y' : 'N']);
    else params.push([name, String(value)]);
  }
  if (input.region !== undefined) params.push(['region', input.region]);
  if (input.offerCode !== undefined) params.push(['offerCode', input.offerCode]);
  if (input.licenceCode !== undefined) params.push(['licenceCode', input.licenceCode]);
  input.items.forEach((item, i) => {
    const n = i + 1;
    params.push([`${n}_PPP`, String(item.ppp)]);
    if (item.visibility !== undefined) params.push([`${n}_visibility`, String(item.visibility)]);
    if (item.macAddress !== undefined) params.push([`${n}_MACAddress`, item.macAddress]);
  });
  return params;
}

/** A url-encoded answer; the first occurrence of a name wins, as on the request side. */
export function parseAnswer(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) if (!(k in out)) out[k] = v;
  return out;
}

/** The typed error for an errorCode answer (an unknown code becomes the base class). */
export function errorFor(code: number, fields: Record<string, string>): PlaceOrderError {
  const Cls = (ERROR_CLASSES as Record<number, typeof PlaceOrderError>)[code] ?? PlaceOrderError;
  return new Cls(code as ErrorCode, fields.errorMessage ?? `errorCode ${code}`, fields.errorItem, fields.requestId);
}

/** `1_PPP`, `1_price`, `1_licenceCode`… grouped by item number, in item order. */
function itemsOf(fields: Record<string, string>): OrderStatusItem[] {
  const items: OrderStatusItem[] = [];
  for (let n = 1; fields[`${n}_PPP`] !== undefined; n++) {
    items.push({
      itemNo: n,
      ppp: Number(fields[`${n}_PPP`]),
      price: fields[`${n}_price`],
      licenceCode: fields[`${n}_licenceCode`],
      startDate: fields[`${n}_startDate`],
      expiryDate: fields[`${n}_expiryDate`],
    });
  }
  return items;
}

function toCents(text: string): number | undefined {
  const m = /^(-?)([0-9]+)(?:\.([0-9]{1,2}))?$/.exec(text);
  if (!m) return undefined;
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -cents : cents;
}

function backoff(baseMs: number, retry: number): number {
  const ms = baseMs * 2 ** (retry - 1);
  return ms / 2 + Math.random() * (ms / 2);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.name === 'AbortError' ? 'timed out' : error.message;
  return String(error);
}

function randomKey(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  if (!c?.getRandomValues) throw new TypeError('no Web Crypto available: pass options.idempotencyKey');
  const bytes = c.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
