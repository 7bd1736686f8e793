// The ordering pages, reached through !PlaceOrder itself (src/products/ hands them over): a GET
// with `product` and no items shows the form; a POST carrying the form's session token is the
// form coming back. The submitted order, built as the canonical request from the session and the
// form (submission.ts), goes through the same ladder and service as every API call, so every
// rule and error code applies; the answer is a page instead of a url-encoded body.
import { present } from '../../assert.js';
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { Errors, PlaceOrderError, errorMessage, fail } from '../../errors.js';
import { priceOverrides } from '../../orders/orders.repository.js';
import { placeCheckedOrder, type PlacedOrder } from '../../place-order/service.js';
import { redirectsOf, type CanonicalRequest, type Redirects } from '../../place-order/request.js';
import { validatePlaceOrder } from '../../place-order/validate.js';
import { clientAddressOf } from '../../wire/client-address.js';
import type { ResellerContext } from '../../resellers/reseller.js';
import { findResellerContext } from '../../resellers/resellers.repository.js';
import type { RawPair } from '../../wire/form.js';
import { answerOf, placedOrderFields, sendAnswer } from '../../wire/answer.js';
import { isForeignKeyViolation } from '../../db/errors.js';
import { unregisteredTargetAnswer } from '../redirect-page.js';
import { redirectTarget } from '../../wire/redirect.js';
import { html } from '../html.js';
import { messagePage, sendPage } from '../page.js';
import { redirect } from '../request.js';
import { webKey } from '../secret.js';
import { FORM_FIELDS, describe, orderFormPage, type FieldError, type OfferedProduct } from './ordering.page.js';
import { sendReceipt } from './receipt.js';
import { auditParamsOf, pageOrderRequest, splitSubmission } from './submission.js';
import { orderOfNonce } from '../../orders/order-reads.repository.js';
import { claimNonce, recordOrder, releaseNonce } from '../../ordering-submissions/ordering-submissions.repository.js';
import { TOKEN_FIELD, checkToken, issueToken, type OrderingSession } from './token.js';

/** Products one ordering URL may offer. */
export const MAX_OFFERED_PRODUCTS = 10;

/** True when !PlaceOrder should answer with the ordering page instead of the API. */
export function isOrderingPageRequest(method: string, pairs: readonly RawPair[], request: CanonicalRequest): boolean {
  if (pairs.some((p) => p.name === TOKEN_FIELD)) return method === 'POST';
  return method === 'GET' && request.items.size === 0 && (request.values.get('product') ?? '') !== '';
}

export async function serveOrderingPage(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  pairs: readonly RawPair[],
  request: CanonicalRequest,
): Promise<FastifyReply> {
  try {
    return req.method === 'GET' ? await showForm(ctx, reply, request) : await submitForm(ctx, req, reply, pairs, request);
  } catch (error) {
    req.log.error({ err: error }, 'unexpected error on the ordering page');
    return sendPage(
      reply,
      messagePage('Something went wrong', Errors.UNKNOWN_ERROR.code, html`<p>${errorMessage(Errors.UNKNOWN_ERROR)} Reference: <code>${req.id}</code>.</p>`),
      { errorCode: Errors.UNKNOWN_ERROR.code },
    );
  }
}

function errorPage(reply: FastifyReply, e: PlaceOrderError, frameAncestors: readonly string[] = []): FastifyReply {
  return sendPage(
    reply,
    messagePage('This ordering link does not work', e.code, html`<p class="error">${describe(e)}</p><p>Please ask the seller for a new link.</p>`),
    { errorCode: e.code, frameAncestors },
  );
}



/** GET: check the ordering URL, then show the form with a fresh session token. */
async function showForm(ctx: AppContext, reply: FastifyReply, request: CanonicalRequest): Promise<FastifyReply> {
  const v = (name: string) => {
    const value = request.values.get(name);
    return value === undefined || value === '' ? undefined : value;
  };
  const ap = v('ap');
  if (ap === undefined) return errorPage(reply, fail(Errors.MISSING_ARGUMENT, 'ap'));
  const reseller = [...ap].length <= 64 ? await findResellerContext(ctx.store.db, ap) : undefined;
  if (!reseller) return errorPage(reply, fail(Errors.INVALID_VALUE, 'ap'));
  const frames = [...reseller.redirectOrigins];
  if (reseller.suspended) return errorPage(reply, fail(Errors.PERMISSION_DENIED, 'ap'), frames);
  const flag = (v('reseller') ?? 'Y').toUpperCase();
  if (flag !== 'Y' && flag !== 'N') return errorPage(reply, fail(Errors.INVALID_VALUE, 'reseller'), frames);
  const codes = [...new Set((v('product') ?? '').split(',').map((s) => s.trim()))];
  if (codes.length > MAX_OFFERED_PRODUCTS || codes.some((c) => !/^[0-9]{1,9}$/.test(c))) {
    return errorPage(reply, fail(Errors.INVALID_VALUE, 'product'), frames);
  }
  const ppps = codes.map(Number);
  if (ppps.some((p) => !ctx.catalog.plan(p))) return errorPage(reply, fail(Errors.PLAN_NOT_FOUND, 'product'), frames);
  if (ppps.some((p) => reseller.permittedPpp?.has(p) === false)) {
    return errorPage(reply, fail(Errors.PERMISSION_DENIED, 'product'), frames);
  }
  const successURL = v('successURL');
  if (successURL !== undefined && !redirectTarget(successURL, reseller)) return errorPage(reply, fail(Errors.INVALID_VALUE, 'successURL'), frames);
  const session: OrderingSession = {
    ap: reseller.ap,
    products: ppps,
    reseller: flag,
    expiresAt: 0,
    licenceCode: v('licenceCode')?.slice(0, 255),
    successURL,
    offerCode: v('offerCode')?.slice(0, 64),
    region: v('region')?.slice(0, 64),
  };
  // The URL may pre-fill the customer's details (a reseller sending its customer a link).
  const values = new Map<string, string>();
  for (const name of FORM_FIELDS) {
    const value = v(name);
    if (value !== undefined && name !== 'loginPassword' && name !== 'product') values.set(name, value.slice(0, 255));
  }
  return renderForm(ctx, reply, reseller, session, { values, chosen: new Set(ppps), errorCode: 0 });
}

interface FormState {
  values: Map<string, string>;
  chosen: Set<number>;
  errorCode: number;
  error?: FieldError;
  notice?: ReturnType<typeof html>;
}

async function renderForm(
  ctx: AppContext,
  reply: FastifyReply,
  reseller: ResellerContext,
  session: OrderingSession,
  state: FormState,
): Promise<FastifyReply> {
  const fresh: OrderingSession = { ...session, expiresAt: nowSeconds(ctx) + ctx.config.orderingSessionTtlSeconds, nonce: randomBytes(16).toString('base64url') };
  const overrides = await priceOverrides(ctx.store.db, session.products);
  const products: OfferedProduct[] = session.products.map((ppp) => {
    const plan = present(ctx.catalog.plan(ppp), `a session offers only products of the catalog (${ppp})`);
    return { plan, priceCents: overrides.get(ppp) ?? plan.listPriceCents };
  });
  const origins = [...reseller.redirectOrigins];
  return sendPage(
    reply,
    orderFormPage({
      ap: reseller.ap,
      currency: ctx.catalog.currency,
      products,
      chosen: state.chosen,
      token: issueToken(webKey(ctx.config), fresh),
      values: state.values,
      error: state.error,
      errorCode: state.errorCode,
      notice: state.notice,
      licenceCode: session.licenceCode,
    }),
    { errorCode: state.errorCode, frameAncestors: origins, formTargets: origins },
  );
}

function nowSeconds(ctx: AppContext): number {
  return Math.floor(ctx.clock.now().getTime() / 1000);
}

/** POST: the form came back. Check its token, then place the order through the ladder. */
async function submitForm(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, pairs: readonly RawPair[], form: CanonicalRequest): Promise<FastifyReply> {
  const token = present(pairs.find((p) => p.name === TOKEN_FIELD), 'a form coming back carries its session token').value;
  const checked = checkToken(webKey(ctx.config), token, nowSeconds(ctx));
  const { entered, chosen, foreignItem } = splitSubmission(pairs);
  const session = checked.ok || checked.reason === 'expired' ? checked.session : undefined;
  const reseller = session ? await findResellerContext(ctx.store.db, session.ap) : undefined;
  if (!session || !reseller) {
    const e = fail(Errors.SESSION_EXPIRED);
    return sendPage(
      reply,
      messagePage('Session is expired', e.code, html`<p class="error">${describe(e)}</p><p>Please open the ordering link again.</p>`),
      { errorCode: e.code },
    );
  }
  const offered = new Set(session.products);
  const picked = new Set([...chosen].filter((p) => offered.has(p)));
  if (!checked.ok) {
    const e = fail(Errors.SESSION_EXPIRED);
    req.log.info({ ap: session.ap }, 'ordering page: session expired, fresh form offered');
    return renderForm(ctx, reply, reseller, session, {
      values: entered,
      chosen: picked,
      errorCode: e.code,
      notice: html`<div class="summary" role="alert"><h2>${describe(e)}</h2><p>This form was open too long. Your details are still here: check them, enter your password again if you gave one, and place the order.</p></div>`,
    });
  }
  if (foreignItem !== undefined) {
    // An item field the page never rendered (issue 13, finding 10.2): see splitSubmission.
    const e = fail(Errors.PERMISSION_DENIED, foreignItem);
    return renderForm(ctx, reply, reseller, session, { values: entered, chosen: picked, errorCode: e.code, error: { field: fieldOf(e), text: describe(e) } });
  }

  const showError = (e: PlaceOrderError) =>
    renderForm(ctx, reply, reseller, session, { values: entered, chosen: picked, errorCode: e.code, error: { field: fieldOf(e), text: describe(e) } });
  const canonical = pageOrderRequest(session, picked, form);
  const redirects = redirectsOf(canonical, reseller);
  const result = validatePlaceOrder(canonical, { catalog: ctx.catalog, reseller, redirects });
  if (!result.ok) return showError(result.error);
  // The same form sent again (back button, a second click) must not place a second order.
  const nonce = session.nonce;
  if (nonce !== undefined && !(await ctx.store.write((tx) => claimNonce(tx, nonce, ctx.clock.now().toISOString())))) {
    return sentBefore(ctx, reply, reseller, nonce);
  }
  let placed;
  try {
    placed = await placeCheckedOrder(ctx, result.order, {
      requestId: req.id,
      auditParams: { ...auditParamsOf(canonical), via: 'ordering-page' },
      source: clientAddressOf(req.raw, ctx.config.trustedProxies),
    });
  } catch (error) {
    if (nonce !== undefined) await ctx.store.write((tx) => releaseNonce(tx, nonce));
    if (error instanceof PlaceOrderError) return showError(error);
    throw error;
  }
  if (nonce !== undefined) {
    // A sandbox reset between the order's commit and this link deletes the order: nothing to link
    // then, and the customer still gets the answer of the order that was placed (fuzzer, issue 13).
    await ctx.store.write((tx) => recordOrder(tx, nonce, placed.orderNumber)).catch((error: unknown) => {
      if (!isForeignKeyViolation(error)) throw error;
    });
  }
  return sendPlaced(ctx, reply, reseller, redirects, placed);
}

/** A form whose nonce was claimed before: the order it placed, or the page saying it is still being placed. */
async function sentBefore(ctx: AppContext, reply: FastifyReply, reseller: ResellerContext, nonce: string): Promise<FastifyReply> {
  const earlier = await orderOfNonce(ctx.store.db, nonce);
  if (earlier) return sendReceipt(ctx, reply, { ap: reseller.ap, ...earlier });
  const e = fail(Errors.IDEMPOTENCY_KEY_IN_PROGRESS);
  return sendPage(reply, messagePage('Your order is being placed', e.code, html`<p>This form was sent twice; the first time is still being processed. Reload this page in a moment to see your order number.</p>`), {
    errorCode: e.code,
    frameAncestors: [...reseller.redirectOrigins],
  });
}

/** The answer to a placed order: the same (signed, serialized; or, off the registered origins, shown) as the API's. */
function sendPlaced(ctx: AppContext, reply: FastifyReply, reseller: ResellerContext, redirects: Redirects, placed: PlacedOrder): FastifyReply {
  const target = redirects.successURL;
  if (target && !target.registered) return sendAnswer(reply, unregisteredTargetAnswer(placedOrderFields(placed), target, reseller.ap));
  const location = target && answerOf(placedOrderFields(placed), { redirect: target, method: 'POST' }).location;
  if (location) return redirect(reply, location);
  // Post/Redirect/Get: the confirmation is a page of its own, so reloading it cannot send the
  // order a second time.
  return sendReceipt(ctx, reply, { ap: reseller.ap, orderNumber: placed.orderNumber, totalCents: placed.totalCents, currency: placed.currency, status: placed.status });
}

/** The form field an error belongs beside (errorItem, or the field a code without one concerns). */
function fieldOf(e: PlaceOrderError): string | undefined {
  const codeField: Partial<Record<number, string>> = {
    [Errors.ITEM_MISSING.code]: 'product',
    [Errors.LOGIN_FAILED.code]: 'loginName',
    [Errors.ONE_MAIN_LICENCE.code]: 'product',
    [Errors.SWP_ALREADY_ORDERED.code]: 'product',
    [Errors.OFFER_ONCE_PER_ACCOUNT.code]: 'product',
  };
  const item = e.item;
  if (item !== undefined && /^_?[0-9]+_/.test(item)) return 'product';
  if (item !== undefined && FORM_FIELDS.has(item)) return item;
  return codeField[e.code];
}

