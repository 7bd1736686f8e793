// The confirmation after the ordering form (Post/Redirect/Get): the placed order's receipt,
// signed with the server key into the URL of its own page, so reloading that page shows the
// order again and cannot send the form a second time.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { Errors, fail } from '../../errors.js';
import { findResellerContext } from '../../resellers/resellers.repository.js';
import { html } from '../html.js';
import { messagePage, sendPage } from '../page.js';
import { queryForm, redirect } from '../request.js';
import { sameText, sign, webKey } from '../secret.js';
import { describe, orderPlacedPage } from './ordering.page.js';

export function sendReceipt(ctx: AppContext, reply: FastifyReply, receipt: Receipt): FastifyReply {
  return redirect(reply, `${RECEIPT_PATH}?r=${signReceipt(webKey(ctx.config), receipt)}`);
}

export const RECEIPT_PATH = '/web/order-placed';
const RECEIPT_PURPOSE = 'order-receipt/v1';

export interface Receipt {
  ap: string;
  orderNumber: number;
  totalCents: number;
  currency: string;
  status: string;
}

function signReceipt(key: Buffer, r: Receipt): string {
  const payload = Buffer.from(JSON.stringify(r), 'utf8').toString('base64url');
  return `${payload}.${sign(key, RECEIPT_PURPOSE, payload)}`;
}

/** GET /web/order-placed?r=…: the confirmation after the form, from a signed receipt. */
export async function showReceipt(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const r = queryForm(req).get('r') ?? '';
  const dot = r.indexOf('.');
  let receipt: Receipt | undefined;
  if (dot > 0 && r.length <= 2048 && sameText(r.slice(dot + 1), sign(webKey(ctx.config), RECEIPT_PURPOSE, r.slice(0, dot)))) {
    try {
      receipt = JSON.parse(Buffer.from(r.slice(0, dot), 'base64url').toString('utf8')) as Receipt;
    } catch {
      receipt = undefined;
    }
  }
  if (!receipt) {
    const e = fail(Errors.INVALID_VALUE, 'r');
    return sendPage(reply, messagePage('No such receipt', e.code, html`<p class="error">${describe(e)}</p>`), { errorCode: e.code, status: 404 });
  }
  const reseller = await findResellerContext(ctx.store.db, receipt.ap);
  return sendPage(reply, orderPlacedPage(receipt), { errorCode: 0, frameAncestors: reseller ? [...reseller.redirectOrigins] : [] });
}
