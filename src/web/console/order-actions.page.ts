// /console/orders/:n/{authorize,reject,refund}: a confirmation page (GET) and the step itself
// (POST), through the lifecycle service; a refused step shows the page again with its error.
import type { FastifyReply } from 'fastify';
import { Errors, PlaceOrderError } from '../../errors.js';
import { fundsOf } from '../../funds/funds.repository.js';
import { authorizeOrder, refundOrder, rejectOrder, type ResellerAction } from '../../orders/lifecycle.service.js';
import { html, type SafeHtml } from '../html.js';
import { money } from '../ordering/ordering.page.js';
import { errorSummary, hidden, sendPage } from '../page.js';
import { Form, redirect } from '../request.js';
import { consolePage, type ConsoleFrame } from './kit.js';
import { actionsOf, loadDetail } from './order.page.js';
import { orderNotFound, orderNumberOf, type ConsolePage, type ConsoleRouter, type Signed } from './router.js';

export type ConsoleAction = 'authorize' | 'reject' | 'refund';

const ACTION_TEXT: Record<ConsoleAction, { verb: string; button: string; explain: (amount: string) => string }> = {
  authorize: { verb: 'Authorize', button: 'Authorize order', explain: (a) => `Your funds will be debited by ${a} and the customer's licence starts now.` },
  reject: { verb: 'Reject', button: 'Reject order', explain: () => 'Nothing is debited; the order cannot be authorized afterwards.' },
  refund: { verb: 'Refund', button: 'Refund order', explain: (a) => `${a} goes back to your funds and the order's licences are revoked.` },
};

export const orderActions: ConsolePage = (r) => {
  for (const action of ['authorize', 'reject', 'refund'] as const) {
    r.get(`/console/orders/:n/${action}`, async (req, reply, s) => {
      const n = orderNumberOf(req);
      return n === undefined ? orderNotFound(reply, s) : confirm(r, reply, s, action, n);
    });
    r.post(`/console/orders/:n/${action}`, async (req, reply, s) => {
      const n = orderNumberOf(req);
      if (n === undefined) return orderNotFound(reply, s);
      const a: ResellerAction = { resellerId: s.resellerId, orderNumber: n, requestId: req.id, auditParams: { via: 'console', apiUserId: String(s.apiUserId), action } };
      try {
        if (action === 'authorize') await authorizeOrder(r.ctx, a, false);
        else if (action === 'reject') await rejectOrder(r.ctx, a);
        else {
          const reason = new Form(req.body).text('refundReasonCode', 2);
          if (!/^(?:[1-9]|1[01])$/.test(reason)) return confirm(r, reply, s, action, n, new PlaceOrderError(Errors.INVALID_VALUE, 'refundReasonCode'));
          await refundOrder(r.ctx, a, Number(reason));
        }
      } catch (error) {
        if (error instanceof PlaceOrderError) return confirm(r, reply, s, action, n, error);
        throw error;
      }
      return redirect(reply, `/console/orders/${n}?done=${action}`);
    });
  }
};

/** The confirmation page; with `error`, the page again after the step was refused. */
async function confirm(r: ConsoleRouter, reply: FastifyReply, s: Signed, action: ConsoleAction, n: number, error?: PlaceOrderError): Promise<FastifyReply> {
  const d = await loadDetail(r, s, n);
  if (!d) return orderNotFound(reply, s);
  if (!actionsOf(r, d)[action] && !error) return redirect(reply, `/console/orders/${n}`);
  const funds = (await fundsOf(r.ctx.store.db, s.resellerId))!;
  const code = error?.code ?? 0;
  return sendPage(
    reply,
    confirmPage(s.frame('orders', `${action} order ${n}`, code), {
      orderNumber: n,
      action,
      totalCents: d.view.totalCents,
      currency: d.view.currency,
      balanceCents: funds.balanceCents,
      customer: d.contact.customerName,
      error: error ? `Error ${error.code}: ${error.message}` : undefined,
    }),
    { errorCode: code },
  );
}

function confirmPage(
  f: ConsoleFrame,
  o: { orderNumber: number; action: ConsoleAction; totalCents: number; currency: string; balanceCents: number; customer: string; error?: string | undefined },
): SafeHtml {
  const t = ACTION_TEXT[o.action];
  const amount = money(o.totalCents, o.currency);
  return consolePage(
    f,
    html`<h1>${t.verb} order ${o.orderNumber}?</h1>
${o.error ? errorSummary('This did not work', [{ text: o.error }]) : ''}
<p>Customer: <span class="customer-name">${o.customer}</span>. Total: ${amount}. Your balance: ${money(o.balanceCents, o.currency)}.</p>
<p>${t.explain(amount)}</p>
<form method="post" action="/console/orders/${o.orderNumber}/${o.action}">
${hidden('csrf', f.csrf)}
${o.action === 'refund'
      ? html`<div class="field"><label for="f-reason">Refund reason code</label><select id="f-reason" name="refundReasonCode">${Array.from({ length: 11 }, (_, i) => html`<option value="${i + 1}">${i + 1}</option>`)}</select></div>`
      : ''}
<div class="actions"><button type="submit"${o.action === 'authorize' ? '' : html` class="danger"`}>${t.button}</button><a class="button secondary" href="/console/orders/${o.orderNumber}">Cancel</a></div>
</form>`,
  );
}
