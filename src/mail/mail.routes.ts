// The public pages of notifications: the unsubscribe link of a reminder (GET shows a button;
// POST, from that button or a mail client's one-click List-Unsubscribe-Post, unsubscribes),
// and in demo mode the preview of the messages written (HTML part rendered from the outbox).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { Errors, errorMessage } from '../errors.js';
import { html } from '../web/html.js';
import { hidden, messagePage, sendPage } from '../web/page.js';
import { queryForm } from '../web/request.js';
import { brandOf } from '../notifications/brand.repository.js';
import { brandName, renderContext } from './dispatcher.js';
import { mailKey, messageById, newestMessages, unsubscribe } from '../notifications/notifications.repository.js';
import { emlName, previewFile, previewFiles } from './transport.js';
import { renderMessage } from './templates.js';
import { verifyUnsubscribe } from './unsubscribe.js';

export const UNSUBSCRIBE_PATH = '/notifications/unsubscribe';
export const PREVIEW_PATH = '/notifications/preview';
const PREVIEW_LISTED = 50;

export function notificationRoutes(app: FastifyInstance, ctx: AppContext, publicUrl: () => string): void {
  const checked = async (req: FastifyRequest) => {
    const q = queryForm(req);
    return verifyUnsubscribe(await mailKey(ctx.store.db), q.get('r'), q.get('e'), q.get('s'));
  };
  const refused = (reply: FastifyReply) => {
    const code = Errors.INVALID_VALUE.code;
    return sendPage(reply, messagePage('This link is not valid', code, html`<p>Error ${code}: ${errorMessage(Errors.INVALID_VALUE, 'link')} Copy the whole link from the email.</p>`), { errorCode: code, status: 400 });
  };
  app.get(UNSUBSCRIBE_PATH, async (req, reply) => {
    const u = await checked(req);
    if (!u) return refused(reply);
    const brand = await brandOf(ctx.store.db, u.resellerId);
    const name = brand ? brandName(brand) : 'this seller';
    return sendPage(
      reply,
      messagePage('Stop renewal reminders', 0, html`<p>Stop the renewal reminders of ${name} to <strong>${u.email}</strong>? Messages about your orders and licences still come.</p>
<form method="post" action="${req.url}">${hidden('confirm', 'yes')}<button type="submit">Stop reminders</button></form>`),
      { errorCode: 0 },
    );
  });
  app.post(UNSUBSCRIBE_PATH, async (req, reply) => {
    const u = await checked(req);
    if (!u) return refused(reply);
    await ctx.store.write((tx) => unsubscribe(tx, u.resellerId, u.email, ctx.clock.now().toISOString()));
    return sendPage(reply, messagePage('Reminders stopped', 0, html`<p>You will get no more renewal reminders at <strong>${u.email}</strong>.</p>`), { errorCode: 0 });
  });
  if (!ctx.config.demo) return;
  // Demo only (local development): what a message looks like, from the outbox, to anyone.
  app.get(PREVIEW_PATH, async (_req, reply) => {
    const rows = await newestMessages(ctx.store.db, PREVIEW_LISTED);
    const files = new Set(previewFiles(ctx.config.mail.dir));
    return sendPage(
      reply,
      messagePage('Emails of this demo', 0, html`<p>The newest ${PREVIEW_LISTED} messages of every reseller. Without PLACEORDER_SMTP_URL, the demo writes each message to <code>${ctx.config.mail.dir}</code> as an .eml file instead of sending it.</p>
${rows.length === 0 ? html`<p>No messages yet: place an order from the start page.</p>` : html`<table><thead><tr><th scope="col">No.</th><th scope="col">Kind</th><th scope="col">To</th><th scope="col">State</th><th scope="col">Message</th></tr></thead><tbody>${rows.map((m) => {
        const eml = emlName(`<m${m.id}.${m.kind}@x>`);
        return html`<tr><td>${m.id}</td><td>${m.kind.replace('_', ' ')}</td><td>${m.recipient}</td><td>${m.state}</td><td><a href="${PREVIEW_PATH}/${m.id}">HTML part</a>${files.has(eml) ? html` · <a href="${PREVIEW_PATH}/eml/${eml}">${eml}</a>` : ''}</td></tr>`;
      })}</tbody></table>`}`),
      { errorCode: 0 },
    );
  });
  app.get(`${PREVIEW_PATH}/eml/:name`, async (req, reply) => {
    const text = previewFile(ctx.config.mail.dir, (req.params as { name: string }).name);
    if (text === undefined) return refused(reply);
    reply.request.errorCode = 0;
    return reply.header('x-placeorder-error-code', '0').header('x-content-type-options', 'nosniff').header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(text);
  });
  app.get(`${PREVIEW_PATH}/:id`, async (req, reply) => {
    const id = Number((req.params as { id: string }).id);
    const row = Number.isSafeInteger(id) && id > 0 ? await messageById(ctx.store.db, id) : undefined;
    const brand = row && (await brandOf(ctx.store.db, row.reseller_id));
    if (!row || !brand) return refused(reply);
    const rendered = renderMessage(row.kind, JSON.parse(row.facts_json), renderContext({ catalog: ctx.catalog, mail: { publicUrl: publicUrl() } }, brand));
    reply.request.errorCode = 0;
    // The message's own inline styles, nothing else: it runs no script and loads nothing.
    return reply
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
      .header('x-placeorder-error-code', '0')
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(rendered.html);
  });
}
