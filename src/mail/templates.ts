// The messages' words. Each kind is written once as blocks (paragraphs, a table of facts,
// links); the plain-text and the HTML part are both made from them, so they never say
// different things. Rendering happens when a message is sent, from the facts its row keeps.
import type { Catalog } from '../catalog/catalog.js';
import { formatCents } from '../money.js';
import { html, type SafeHtml } from '../web/html.js';
import { orderingUrl, productNames } from '../web/ordering/ordering-links.js';
import type {
  DigestView,
  FundsLowView,
  LicenceIssuedView,
  OrderReceivedView,
  RefundDoneView,
  ReminderView,
  WebhookFailingView,
} from '../notifications/messages.js';
import type { MessageKind } from '../notifications/notifications.table.js';

type Block = { readonly p: string } | { readonly rows: ReadonlyArray<readonly [string, string]> } | { readonly link: readonly [string, string] };

export interface RenderContext {
  readonly catalog: Catalog;
  /** The server's public address (PLACEORDER_PUBLIC_URL): links in messages point there. */
  readonly publicUrl: string;
  /** The reseller's name as customers see it: its sender name, else its brand (ap). */
  readonly brandName: string;
  readonly ap: string;
  readonly footer: string | null;
  /** Reminders only: the signed link that ends them. */
  readonly unsubscribeUrl?: string;
}

export interface RenderedMessage {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const money = (cents: number, currency: string) => `${formatCents(cents)} ${currency}`;
const day = (iso: string) => iso.slice(0, 10);
const hello = (name: string) => ({ p: name ? `Hello ${name},` : 'Hello,' });

function product(c: RenderContext, ppp: number): string {
  return productNames(c.catalog, [ppp])[0] ?? `product ${ppp}`;
}

function orderReceived(f: OrderReceivedView, c: RenderContext): [string, Block[]] {
  const next = f.resellerPays
    ? `${c.brandName} is checking your order. Your licence code follows by email as soon as it is approved.`
    : f.status === 'active'
      ? 'Your order is complete; your licence code follows in a separate message.'
      : `Your order is awaiting payment. ${c.brandName} will send you payment instructions; once the payment is recorded, your licence code follows by email.`;
  return [
    `Order ${f.orderNumber} received`,
    [
      hello(f.name),
      { p: `thank you for your order with ${c.brandName}.` },
      { rows: [['Order number', String(f.orderNumber)], ...f.items.map((i): [string, string] => [product(c, i.ppp), money(i.priceCents, f.currency)]), ['Total', money(f.totalCents, f.currency)]] },
      { p: `What happens next: ${next}` },
    ],
  ];
}

function licenceIssued(f: LicenceIssuedView, c: RenderContext): [string, Block[]] {
  return [
    `Your licence for order ${f.orderNumber}`,
    [
      hello(f.name),
      { p: `your order ${f.orderNumber} is active. Keep your licence code: you quote it to renew.` },
      ...f.licences.map((l): Block => ({ rows: [['Product', product(c, l.ppp)], ['Licence code', l.code], ['Expires', day(l.expiresAt)]] })),
    ],
  ];
}

function reminder(f: ReminderView, c: RenderContext): [string, Block[]] {
  const when = f.days === 0 ? 'has expired' : f.days === 1 ? 'expires tomorrow' : `expires in ${f.days} days`;
  const blocks: Block[] = [
    hello(f.name),
    { p: `your licence for ${product(c, f.ppp)} ${when} (${day(f.expiresAt)}).` },
    { rows: [['Licence code', f.code], ['Expires', day(f.expiresAt)], ['Order number', String(f.orderNumber)]] },
    { p: 'Renew to keep your protection without a gap; quote your licence code when you order.' },
    { link: ['Renew now', orderingUrl(c.publicUrl, { ap: f.ap, reseller: 'N', products: [f.ppp] })] },
  ];
  if (c.unsubscribeUrl) blocks.push({ link: ['Stop renewal reminders', c.unsubscribeUrl] });
  return [`Your licence ${when}`, blocks];
}

function refundDone(f: RefundDoneView): [string, Block[]] {
  return [
    `Refund of order ${f.orderNumber}`,
    [hello(f.name), { p: `order ${f.orderNumber} has been refunded (${money(f.totalCents, f.currency)}); its licences are no longer valid.` }],
  ];
}

function fundsLow(f: FundsLowView, c: RenderContext): [string, Block[]] {
  return [
    `${c.ap}: funds below ${money(f.thresholdCents, f.currency)}`,
    [
      { p: `Authorizing order ${f.orderNumber} took your funds below the threshold you set.` },
      { rows: [['Balance', money(f.balanceCents, f.currency)], ['Threshold', money(f.thresholdCents, f.currency)]] },
      { p: 'Top up before the next authorization is refused (-15 Not enough credit).' },
      { link: ['Open the console', `${c.publicUrl}/console`] },
    ],
  ];
}

function digest(f: DigestView, c: RenderContext): [string, Block[]] {
  return [
    `${c.ap}: ${f.count} order${f.count === 1 ? '' : 's'} awaiting your authorization`,
    [
      { p: `These orders have waited more than a day for your authorization (as of ${f.day}):` },
      { rows: f.orders.map((o): [string, string] => [`Order ${o.orderNumber}`, `${money(o.totalCents, o.currency)}, placed ${day(o.createdAt)}`]) },
      ...(f.count > f.orders.length ? [{ p: `… and ${f.count - f.orders.length} more.` }] : []),
      { link: ['Open the console', `${c.publicUrl}/console`] },
    ],
  ];
}

function webhookFailing(f: WebhookFailingView, c: RenderContext): [string, Block[]] {
  return [
    `${c.ap}: webhook endpoint ${f.endpointId} failing`,
    [
      { p: `Events to your webhook endpoint have failed since ${f.since.slice(0, 16).replace('T', ' ')} UTC; they are retried for about 69 hours.` },
      { rows: [['Endpoint', f.url], ['Events waiting', String(f.pending)]] },
      { p: 'Check that the endpoint answers 2xx; `placeorder webhooks events` shows each attempt.' },
    ],
  ];
}

function blocksOf(kind: MessageKind, facts: unknown, c: RenderContext): [string, Block[]] {
  switch (kind) {
    case 'order_received':
      return orderReceived(facts as OrderReceivedView, c);
    case 'licence_issued':
      return licenceIssued(facts as LicenceIssuedView, c);
    case 'refund_done':
      return refundDone(facts as RefundDoneView);
    case 'funds_low':
      return fundsLow(facts as FundsLowView, c);
    case 'digest':
      return digest(facts as DigestView, c);
    case 'webhook_failing':
      return webhookFailing(facts as WebhookFailingView, c);
    default:
      return reminder(facts as ReminderView, c);
  }
}

function textOf(blocks: readonly Block[], footer: string | null): string {
  const parts = blocks.map((b) => ('p' in b ? b.p : 'rows' in b ? b.rows.map(([k, v]) => `${k}: ${v}`).join('\n') : `${b.link[0]}: ${b.link[1]}`));
  if (footer) parts.push('-- ', footer);
  return parts.join('\n\n') + '\n';
}

function htmlBlock(b: Block): SafeHtml {
  if ('p' in b) return html`<p>${b.p}</p>`;
  if ('rows' in b) return html`<table style="border-collapse:collapse;margin:0 0 1em">${b.rows.map(([k, v]) => html`<tr><th style="text-align:left;padding:4px 16px 4px 0;font-weight:600">${k}</th><td style="padding:4px 0;font-family:monospace">${v}</td></tr>`)}</table>`;
  return html`<p><a href="${b.link[1]}" style="color:#0b57d0">${b.link[0]}</a></p>`;
}

function htmlOf(subject: string, blocks: readonly Block[], c: RenderContext): string {
  return `<!doctype html>\n${html`<html lang="en"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1f1f1f;max-width:600px;margin:0 auto;padding:24px">
<p style="font-size:20px;font-weight:700;margin:0 0 16px">${c.brandName}</p>
${blocks.map(htmlBlock)}
${c.footer ? html`<hr style="border:0;border-top:1px solid #ccc"><p style="font-size:13px;color:#555;white-space:pre-line">${c.footer}</p>` : ''}
</body></html>`.text}`;
}

export function renderMessage(kind: MessageKind, facts: unknown, c: RenderContext): RenderedMessage {
  const [subject, blocks] = blocksOf(kind, facts, c);
  return { subject, text: textOf(blocks, c.footer), html: htmlOf(subject, blocks, c) };
}
