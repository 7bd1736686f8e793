// The reseller console at /console: sign in with an API user of the reseller, see the balance
// and the orders waiting, find any order, authorize / reject / refund it (after a confirmation
// page), read and export the funds ledger, build ordering URLs, and manage redirect origins,
// the IP allowlist and the password. Lifecycle steps and the ledger are issue #3's services;
// sign-in is the reseller API's own authentication (lockout, expiry, allowlist included).
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { isoNow } from '../../clock.js';
import { Errors, PlaceOrderError } from '../../errors.js';
import { fundsOf } from '../../funds/funds.repository.js';
import { statement } from '../../funds/funds.service.js';
import { formatCents } from '../../money.js';
import { authorizeOrder, orderStatusOf, refundDeadline, refundOrder, rejectOrder, type ResellerAction } from '../../orders/lifecycle.service.js';
import type { OrderStatus } from '../../orders/orders.table.js';
import { addressAllowed, authenticateApiUser, clientAddressOf } from '../../reseller-api/api-auth.js';
import { setApiUserPassword } from '../../reseller-api/api-users.repository.js';
import { insertRedirectOrigins, recentOriginSightings } from '../../resellers/resellers.repository.js';
import { ResellerInputError, normalizeOrigin } from '../../resellers/resellers.service.js';
import { html } from '../html.js';
import { orderingLink, orderingUrl, productNames, siteBase, specForm } from '../ordering/ordering-links.js';
import { termText } from '../ordering/ordering.page.js';
import { messagePage, sendPage, sendUnexpectedError } from '../page.js';
import { Form, currentSession, fromOwnPage, isHttps, queryForm, redirect, refuseForeign, refuseInsecure } from '../request.js';
import { signInRoutes } from '../sign-in.js';
import { ledgerCsvStream } from './ledger-csv.js';
import { notificationsConsoleRoutes } from './notifications.page.js';
import { deleteSessionsOfApiUser } from '../sessions/sessions.repository.js';
import { checkCsrf, clearCookie, cookieName, endSession, type Session } from '../sessions/sessions.service.js';
import {
  apiUserSettings,
  itemsOfOrders,
  listResellerOrders,
  orderContact,
  pendingOrders,
  redirectOriginsOf,
  removeRedirectOrigin,
  resellerById,
  setIpAllow,
  type OrderListRow,
} from './console.repository.js';
import {
  STATUS_TEXT,
  confirmPage,
  customerName,
  dashboardPage,
  ledgerPage,
  orderDetailPage,
  orderingUrlPage,
  ordersPage,
  settingsPage,
  type ConsoleAction,
  type ConsoleFrame,
  type OrderRowView,
} from './console.pages.js';

const COOKIE = 'po_console';
/** Rows per page of the orders list; entries on the ledger page. */
export const PAGE_SIZE = 50;
export const LEDGER_PAGE_ENTRIES = 200;
const MAX_ORIGINS = 20;
const MAX_IP_ENTRIES = 50;

export interface Signed {
  readonly session: Session;
  readonly resellerId: number;
  readonly apiUserId: number;
  readonly ap: string;
  readonly permittedPpp: ReadonlySet<number> | null;
  frame(current: ConsoleFrame['current'], title: string, errorCode?: number): ConsoleFrame;
}

type Handler = (req: FastifyRequest, reply: FastifyReply, s: Signed) => Promise<FastifyReply>;
export type ConsoleHandler = Handler;

export function consoleRoutes(app: FastifyInstance, ctx: AppContext): void {

  /** Runs `handler` for a signed-in API user; a POST must also carry the session's CSRF token. */
  const signed = (handler: Handler) => async (req: FastifyRequest, reply: FastifyReply) => {
    const insecure = refuseInsecure(ctx, req, reply);
    if (insecure) return insecure;
    const session = await currentSession(ctx, req, 'console', COOKIE);
    if (req.method === 'POST') {
      if (!session || !fromOwnPage(req) || !checkCsrf(session, new Form(req.body).get('csrf'))) return refuseForeign(reply);
    } else if (!session) {
      return redirect(reply, '/console/sign-in');
    }
    const reseller = await resellerById(ctx.store.db, session!.resellerId!);
    if (!reseller || reseller.suspended === 1) {
      await endSession(ctx.store, session!);
      return redirect(reply, '/console/sign-in');
    }
    const s: Signed = {
      session: session!,
      resellerId: reseller.id,
      apiUserId: session!.apiUserId!,
      ap: reseller.ap,
      permittedPpp: reseller.permitted_ppp === null ? null : new Set(JSON.parse(reseller.permitted_ppp) as number[]),
      frame: (current, title, errorCode) => ({ ap: reseller.ap, csrf: session!.csrf, current, title, errorCode }),
    };
    try {
      return await handler(req, reply, s);
    } catch (error) {
      return sendUnexpectedError(req, reply, error, 'console');
    }
  };

  // ---- sign-in / sign-out ----
  signInRoutes(app, ctx, {
    kind: 'console',
    home: '/console',
    cookie: COOKIE,
    title: 'Sign in to the reseller console',
    intro: html`<p>Use a login of your reseller account's API users.</p>`,
    // The reseller API's own authentication: lockout, password expiry and the IP allowlist apply.
    authenticate: async (req, loginName, password) => {
      const principal = await authenticateApiUser(ctx, loginName, password, clientAddressOf(req.raw, ctx.config.trustedProxies));
      return principal && { resellerId: principal.resellerId, apiUserId: principal.apiUserId };
    },
  });

  app.post(
    '/console/sign-out',
    signed(async (req, reply, s) => {
      await endSession(ctx.store, s.session);
      clearCookie(reply, cookieName(COOKIE, isHttps(ctx, req)), isHttps(ctx, req));
      return redirect(reply, '/console/sign-in');
    }),
  );

  notificationsConsoleRoutes(app, ctx, signed);

  // ---- dashboard ----
  app.get(
    '/console',
    signed(async (_req, reply, s) => {
      const funds = (await fundsOf(ctx.store.db, s.resellerId))!;
      const cap = 10_000;
      const pending = await pendingOrders(ctx.store.db, s.resellerId, 10, cap);
      return sendPage(
        reply,
        dashboardPage(s.frame('dashboard', 'Dashboard'), {
          balanceCents: funds.balanceCents,
          creditLimitCents: funds.creditLimitCents,
          currency: funds.currency,
          pendingCount: pending.count,
          pendingCapped: pending.count >= cap,
          pending: await rowViews(ctx, pending.rows),
        }),
        { errorCode: 0 },
      );
    }),
  );

  // ---- orders list ----
  app.get(
    '/console/orders',
    signed(async (req, reply, s) => {
      const q = queryForm(req);
      const filter = {
        status: q.text('status', 40),
        product: q.text('product', 40),
        from: q.text('from', 10),
        to: q.text('to', 10),
        email: q.text('email', 255),
      };
      const date = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
      let error: string | undefined;
      if (filter.status !== '' && !(filter.status in STATUS_TEXT)) error = 'Choose a status from the list.';
      else if (filter.product !== '' && !ctx.catalog.product(filter.product)) error = 'Choose a product from the list.';
      else if ((filter.from !== '' && !validDate(filter.from, date)) || (filter.to !== '' && !validDate(filter.to, date))) error = 'Dates are written YYYY-MM-DD.';
      const after = parseCursor(q.text('after', 80));
      let rows: OrderListRow[] = [];
      if (!error) {
        // "expired" is shown for active orders whose licences ended; it is not stored.
        const status = filter.status === '' || filter.status === 'expired' ? undefined : (filter.status as OrderStatus);
        rows = await listResellerOrders(ctx.store.db, {
          resellerId: s.resellerId,
          status: filter.status === 'expired' ? 'active' : status,
          productCode: filter.product || undefined,
          emailKey: filter.email ? filter.email.toLowerCase() : undefined,
          from: filter.from ? `${filter.from}T00:00:00.000Z` : undefined,
          to: filter.to ? new Date(Date.parse(`${filter.to}T00:00:00.000Z`) + 86_400_000).toISOString() : undefined,
          after,
          limit: PAGE_SIZE + 1,
        });
      }
      const more = rows.length > PAGE_SIZE;
      const page = rows.slice(0, PAGE_SIZE);
      const base = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== ''));
      const last = page[page.length - 1];
      const next = more && last ? new URLSearchParams([...base, ['after', `${last.created_at}~${last.id}`]]) : undefined;
      return sendPage(
        reply,
        ordersPage(s.frame('orders', 'Orders', error ? Errors.INVALID_VALUE.code : 0), {
          catalog: ctx.catalog,
          filter,
          rows: await rowViews(ctx, page),
          nextHref: next ? `/console/orders?${next.toString()}` : undefined,
          firstHref: after ? `/console/orders${base.size > 0 ? `?${base.toString()}` : ''}` : undefined,
          error,
        }),
        { errorCode: error ? Errors.INVALID_VALUE.code : 0 },
      );
    }),
  );

  // ---- order detail and actions ----
  const loadDetail = async (s: Signed, orderNumber: number) => {
    const [view, contact] = await Promise.all([orderStatusOf(ctx, s.resellerId, orderNumber), orderContact(ctx.store.db, s.resellerId, orderNumber)]);
    return view && contact ? { view, contact } : undefined;
  };
  const actionsOf = (d: NonNullable<Awaited<ReturnType<typeof loadDetail>>>) => {
    const pays = d.contact.reseller_pays === 1;
    const pending = d.view.status === 'pending_authorization' && pays;
    const refundable =
      pays && d.view.status === 'active' && d.contact.authorized_at !== null && ctx.clock.now() <= refundDeadline(d.contact.authorized_at, ctx.config.refundPeriodDays);
    return { authorize: pending, reject: pending, refund: refundable };
  };
  const notFound = (reply: FastifyReply, s: Signed) =>
    sendPage(reply, messagePage('No such order', Errors.INVALID_VALUE.code, html`<p>There is no order with this number under the brand ${s.ap}. <a href="/console/orders">Back to orders</a></p>`), {
      errorCode: Errors.INVALID_VALUE.code,
      status: 404,
    });

  app.get(
    '/console/orders/:n',
    signed(async (req, reply, s) => {
      const n = orderNumberOf(req);
      const d = n === undefined ? undefined : await loadDetail(s, n);
      if (!d) return notFound(reply, s);
      const done = queryForm(req).text('done', 20);
      const notice =
        done === 'authorize'
          ? `Order ${d.view.orderNumber} is authorized; ${d.view.currency} ${formatCents(d.view.totalCents)} was debited from your funds.`
          : done === 'reject'
            ? `Order ${d.view.orderNumber} is rejected.`
            : done === 'refund'
              ? `Order ${d.view.orderNumber} is refunded; ${d.view.currency} ${formatCents(d.view.totalCents)} went back to your funds.`
              : undefined;
      return sendPage(
        reply,
        orderDetailPage(s.frame('orders', `Order ${d.view.orderNumber}`), {
          catalog: ctx.catalog,
          view: d.view,
          contact: {
            customer: customerName(d.contact.contact_json),
            email: d.contact.email_address,
            loginName: d.contact.login_name,
            createdAt: d.contact.created_at,
            authorizedAt: d.contact.authorized_at,
            resellerPays: d.contact.reseller_pays === 1,
            renews: d.contact.renews_licence,
          },
          actions: actionsOf(d),
          notice,
        }),
        { errorCode: 0 },
      );
    }),
  );

  const confirm = async (reply: FastifyReply, s: Signed, action: ConsoleAction, n: number, error?: PlaceOrderError) => {
    const d = await loadDetail(s, n);
    if (!d || !actionsOf(d)[action]) {
      if (!d) return notFound(reply, s);
      if (!error) return redirect(reply, `/console/orders/${n}`);
    }
    const funds = (await fundsOf(ctx.store.db, s.resellerId))!;
    const code = error?.code ?? 0;
    return sendPage(
      reply,
      confirmPage(s.frame('orders', `${action} order ${n}`, code), {
        orderNumber: n,
        action,
        totalCents: d!.view.totalCents,
        currency: d!.view.currency,
        balanceCents: funds.balanceCents,
        customer: customerName(d!.contact.contact_json),
        error: error ? `Error ${error.code}: ${error.message}` : undefined,
      }),
      { errorCode: code },
    );
  };

  for (const action of ['authorize', 'reject', 'refund'] as const) {
    app.get(
      `/console/orders/:n/${action}`,
      signed(async (req, reply, s) => {
        const n = orderNumberOf(req);
        return n === undefined ? notFound(reply, s) : confirm(reply, s, action, n);
      }),
    );
    app.post(
      `/console/orders/:n/${action}`,
      signed(async (req, reply, s) => {
        const n = orderNumberOf(req);
        if (n === undefined) return notFound(reply, s);
        const a: ResellerAction = { resellerId: s.resellerId, orderNumber: n, requestId: req.id, auditParams: { via: 'console', apiUserId: String(s.apiUserId), action } };
        try {
          if (action === 'authorize') await authorizeOrder(ctx, a, false);
          else if (action === 'reject') await rejectOrder(ctx, a);
          else {
            const reason = new Form(req.body).text('refundReasonCode', 2);
            if (!/^(?:[1-9]|1[01])$/.test(reason)) return confirm(reply, s, action, n, new PlaceOrderError(Errors.INVALID_VALUE, 'refundReasonCode'));
            await refundOrder(ctx, a, Number(reason));
          }
        } catch (error) {
          if (error instanceof PlaceOrderError) return confirm(reply, s, action, n, error);
          throw error;
        }
        return redirect(reply, `/console/orders/${n}?done=${action}`);
      }),
    );
  }

  // ---- funds ledger ----
  app.get(
    '/console/ledger',
    signed(async (_req, reply, s) => {
      const st = await statement(ctx.store.db, s.ap, LEDGER_PAGE_ENTRIES);
      return sendPage(reply, ledgerPage(s.frame('ledger', 'Funds ledger'), st, st.entries.length), { errorCode: 0 });
    }),
  );

  app.get(
    '/console/ledger.csv',
    signed(async (req, reply, s) => {
      const funds = (await fundsOf(ctx.store.db, s.resellerId))!;
      req.errorCode = 0;
      const file = `ledger-${s.ap.replace(/[^A-Za-z0-9._-]/g, '_')}-${isoNow(ctx.clock).slice(0, 10)}.csv`;
      return reply
        .header('cache-control', 'no-store')
        // A file carries its errorCode in the header, as pages do (the fuzzer found none here).
        .header('x-placeorder-error-code', '0')
        .header('x-content-type-options', 'nosniff')
        .header('x-placeorder-error-code', '0')
        .header('content-disposition', `attachment; filename="${file}"`)
        .type('text/csv; charset=utf-8')
        .send(ledgerCsvStream(ctx.store, s.resellerId, funds.currency));
    }),
  );

  // ---- ordering-URL builder ----
  app.get(
    '/console/ordering-url',
    signed(async (req, reply, s) => {
      const q = queryForm(req);
      const chosen = new Set(q.values('product').filter((v) => /^[0-9]{1,9}$/.test(v)).map(Number));
      const reseller = q.text('reseller', 1).toUpperCase() === 'N' ? 'N' : 'Y';
      let error: string | undefined;
      const ppps = [...chosen].filter((p) => ctx.catalog.plan(p));
      if (ppps.length > 10) error = 'An ordering URL offers at most 10 products.';
      else if (s.permittedPpp && ppps.some((p) => !s.permittedPpp!.has(p))) error = 'Your account may not sell some of these products.';
      let out: { url: string; link: string; form: string } | undefined;
      if (!error && ppps.length > 0) {
        const base = siteBase(ctx, req);
        const url = orderingUrl(base, { ap: s.ap, reseller, products: ppps });
        const link = orderingLink(url, productNames(ctx.catalog, ppps)).text;
        const form = specForm({ base, ap: s.ap, reseller, products: ppps }).text;
        out = { url, link, form };
      }
      return sendPage(
        reply,
        orderingUrlPage(s.frame('ordering-url', 'Ordering URLs', error ? Errors.INVALID_VALUE.code : 0), { catalog: ctx.catalog, chosen, reseller, ...out, error }),
        { errorCode: error ? Errors.INVALID_VALUE.code : 0 },
      );
    }),
  );

  // ---- settings ----
  /** Unregistered redirect origins seen this recently are offered for registration (issue 16). */
  const SIGHTINGS_SHOWN_DAYS = 30;
  const showSettings = async (
    req: FastifyRequest,
    reply: FastifyReply,
    s: Signed,
    o: { notice?: string; errors?: Record<string, string | undefined>; values?: Record<string, string | undefined> } = {},
  ) => {
    const user = (await apiUserSettings(ctx.store.db, s.apiUserId))!;
    const failed = Object.values(o.errors ?? {}).some((v) => v);
    const code = failed ? Errors.INVALID_VALUE.code : 0;
    return sendPage(
      reply,
      settingsPage(s.frame('settings', 'Settings', code), {
        origins: await redirectOriginsOf(ctx.store.db, s.resellerId),
        seen: await recentOriginSightings(ctx.store.db, s.resellerId, new Date(ctx.clock.now().getTime() - SIGHTINGS_SHOWN_DAYS * 86_400_000).toISOString()),
        ipAllow: user.ip_allow === null ? [] : (JSON.parse(user.ip_allow) as string[]),
        clientAddress: clientAddressOf(req.raw, ctx.config.trustedProxies),
        loginName: user.login_name,
        notice: o.notice,
        errors: o.errors ?? {},
        values: o.values ?? {},
      }),
      { errorCode: code },
    );
  };

  app.get('/console/settings', signed((req, reply, s) => showSettings(req, reply, s, { notice: noticeOf(queryForm(req).text('done', 20)) })));

  app.post(
    '/console/settings/origins/add',
    signed(async (req, reply, s) => {
      const text = new Form(req.body).text('origin');
      let origin: string;
      try {
        origin = normalizeOrigin(text);
      } catch (error) {
        if (!(error instanceof ResellerInputError)) throw error;
        return showSettings(req, reply, s, { errors: { origin: 'Enter an origin: scheme and host only, like https://shop.example' }, values: { origin: text } });
      }
      const existing = await redirectOriginsOf(ctx.store.db, s.resellerId);
      if (!existing.includes(origin) && existing.length >= MAX_ORIGINS) {
        return showSettings(req, reply, s, { errors: { origin: `At most ${MAX_ORIGINS} origins; remove one first.` }, values: { origin: text } });
      }
      await ctx.store.write((tx) => insertRedirectOrigins(tx, s.resellerId, [origin]));
      return redirect(reply, '/console/settings?done=origin-added');
    }),
  );

  app.post(
    '/console/settings/origins/remove',
    signed(async (req, reply, s) => {
      const origin = new Form(req.body).text('origin');
      await ctx.store.write((tx) => removeRedirectOrigin(tx, s.resellerId, origin));
      return redirect(reply, '/console/settings?done=origin-removed');
    }),
  );

  app.post(
    '/console/settings/ip-allow',
    signed(async (req, reply, s) => {
      const text = new Form(req.body).text('ipAllow', 4000);
      const entries = text.split(/[\s,]+/).filter((e) => e !== '');
      const bad = entries.find((e) => !validCidr(e));
      let error: string | undefined;
      if (entries.length > MAX_IP_ENTRIES) error = `At most ${MAX_IP_ENTRIES} entries.`;
      else if (bad !== undefined) error = `"${bad.slice(0, 60)}" is not an IP address or CIDR block.`;
      const json = entries.length === 0 ? null : JSON.stringify(entries);
      const here = clientAddressOf(req.raw, ctx.config.trustedProxies);
      if (!error && json !== null && !addressAllowed(json, here)) error = `The list must include the address you are connected from (${here}), or you would lock yourself out.`;
      if (error) return showSettings(req, reply, s, { errors: { ipAllow: error }, values: { ipAllow: text } });
      await ctx.store.write((tx) => setIpAllow(tx, s.apiUserId, json));
      return redirect(reply, '/console/settings?done=ip-saved');
    }),
  );

  app.post(
    '/console/settings/password',
    signed(async (req, reply, s) => {
      const form = new Form(req.body);
      const current = form.get('currentPassword') ?? '';
      const next = form.get('newPassword') ?? '';
      const again = form.get('confirmPassword') ?? '';
      const user = (await apiUserSettings(ctx.store.db, s.apiUserId))!;
      const errors: Record<string, string | undefined> = {};
      // The same door as signing in: failures count towards the lock (issue 13, finding 10).
      const source = clientAddressOf(req.raw, ctx.config.trustedProxies);
      const login = await ctx.passwords.find('api-user', user.login_name, async () => ({ id: user.id, passwordHash: user.password_hash }));
      const attempt = { realm: 'api-user' as const, loginName: user.login_name, password: current, source };
      const proven = current !== '' && [...current].length <= 128 && (await ctx.passwords.prove(attempt, login));
      if (!proven) errors.currentPassword = 'This is not your current password.';
      else if ([...next].length < 8 || [...next].length > 128) errors.newPassword = 'The new password must be 8 to 128 characters.';
      else if (next === current) errors.newPassword = 'The new password must differ from the current one.';
      else if (next !== again) errors.confirmPassword = 'The two new passwords differ.';
      if (Object.keys(errors).length > 0) return showSettings(req, reply, s, { errors });
      const hash = await ctx.hasher.hash(next);
      await ctx.store.write(async (tx) => {
        await setApiUserPassword(tx, user.login_name, hash, isoNow(ctx.clock));
        // Other browsers signed in as this user must sign in again with the new password.
        await deleteSessionsOfApiUser(tx, s.apiUserId, s.session.tokenHash);
      });
      return redirect(reply, '/console/settings?done=password');
    }),
  );
}

function noticeOf(done: string): string | undefined {
  return (
    {
      'origin-added': 'The origin was added.',
      'origin-removed': 'The origin was removed.',
      'ip-saved': 'The IP allowlist was saved.',
      password: 'Your password was changed. Other browsers signed in as you were signed out.',
    } as Record<string, string>
  )[done];
}

function orderNumberOf(req: FastifyRequest): number | undefined {
  const n = (req.params as { n?: string }).n ?? '';
  return /^[1-9][0-9]{0,15}$/.test(n) && Number.isSafeInteger(Number(n)) ? Number(n) : undefined;
}

function validDate(text: string, re: RegExp): boolean {
  return re.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00.000Z`));
}

/** `created_at~id` of the previous page's last row. */
function parseCursor(text: string): { createdAt: string; id: number } | undefined {
  const m = /^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{8,12}Z)~([1-9][0-9]{0,15})$/.exec(text);
  return m ? { createdAt: m[1]!, id: Number(m[2]) } : undefined;
}

function validCidr(entry: string): boolean {
  const [addr, bits, extra] = entry.split('/');
  if (extra !== undefined) return false;
  const family = isIP(addr ?? '');
  if (family === 0) return false;
  return bits === undefined || (/^[0-9]{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

async function rowViews(ctx: AppContext, rows: readonly OrderListRow[]): Promise<OrderRowView[]> {
  const items = await itemsOfOrders(ctx.store.db, rows.map((r) => r.id));
  const names = new Map<number, string[]>();
  for (const i of items) {
    const plan = ctx.catalog.plan(i.ppp);
    const list = names.get(i.order_id) ?? [];
    list.push(plan ? `${plan.product.name}, ${termText(plan.term)}` : String(i.ppp));
    names.set(i.order_id, list);
  }
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    createdAt: r.created_at,
    customer: customerName(r.contact_json),
    email: r.email_address,
    products: (names.get(r.id) ?? []).join('; '),
    totalCents: r.total_cents,
    currency: r.currency,
  }));
}
