// The console's notifications page (/console/notifications): the reseller's email messages
// (sent, pending, failed, with a retry for the failed ones), a preview of each in demo mode,
// and the mail settings: sender name, reply-to, footer, where its own notices go and the funds
// threshold (docs/notifications.md).
import type { FastifyReply } from 'fastify';
import { formatCents, parseCents } from '../../money.js';
import { brandOf, setBrand, type BrandRow } from '../../notifications/brand.repository.js';
import { messagesOf, retryFailed, type MessageListRow } from '../../notifications/notifications.repository.js';
import { charactersAllowed } from '../../place-order/parameters.js';
import { emailAddressValid } from '../../place-order/values.js';
import { html, type SafeHtml } from '../html.js';
import { errorSummary, field, hidden, sendPage } from '../page.js';
import { Form, queryForm, redirect } from '../request.js';
import { consolePage, notice, when, type ConsoleFrame } from './kit.js';
import type { ConsolePage, Signed } from './router.js';

/** Messages the page lists, newest first. */
const LISTED = 100;
const MAX_FOOTER = 500;
/** Each setting's longest value, in characters (the form's maxlength says the same). */
const SETTING_LIMITS = { senderName: 100, replyTo: 255, footer: MAX_FOOTER, noticesTo: 255, fundsThreshold: 15 } as const;

const STATE_TEXT: Record<string, string> = { pending: 'Pending', sending: 'Sending', sent: 'Sent', failed: 'Failed', cancelled: 'Not sent (unsubscribed)' };

interface SettingsView {
  readonly notice?: string | undefined;
  readonly errors: Readonly<Record<string, string | undefined>>;
  readonly values: Readonly<Record<string, string>>;
}

function valuesOf(b: BrandRow): Record<string, string> {
  return {
    senderName: b.mail_sender_name ?? '',
    replyTo: b.mail_reply_to ?? '',
    footer: b.mail_footer ?? '',
    noticesTo: b.mail_notices_to ?? '',
    fundsThreshold: b.funds_threshold_cents === null ? '' : formatCents(b.funds_threshold_cents),
  };
}

function messageRow(f: ConsoleFrame, m: MessageListRow, preview: boolean): SafeHtml {
  return html`<tr><td>${m.id}</td><td>${when(m.created_at)}</td><td>${m.kind.replace('_', ' ')}</td><td>${m.recipient}</td><td>${STATE_TEXT[m.state] ?? m.state}${m.last_error ? html`<br><small>${m.last_error}</small>` : ''}</td><td>${m.attempts}</td>
<td>${m.state === 'failed' ? html`<form method="post" action="/console/notifications/retry" class="inline">${hidden('csrf', f.csrf)}${hidden('id', String(m.id))}<button type="submit" class="secondary">Retry</button></form>` : ''}${preview ? html` <a href="/notifications/preview/${m.id}">Preview</a>` : ''}</td></tr>`;
}

export function notificationsPage(f: ConsoleFrame, o: { messages: readonly MessageListRow[]; preview: boolean } & SettingsView): SafeHtml {
  const v = o.values;
  return consolePage(
    f,
    html`<h1>Notifications</h1>
${notice(o.notice)}
${errorSummary('There is a problem', Object.entries(o.errors).filter(([, e]) => e).map(([k, e]) => ({ text: e!, href: `#f-${k}` })))}
<section aria-labelledby="messages-h"><h2 id="messages-h">Messages</h2>
${o.messages.length === 0 ? html`<p>No messages yet.</p>` : html`<table><caption>The newest ${LISTED} messages</caption><thead><tr><th scope="col">No.</th><th scope="col">Written</th><th scope="col">Kind</th><th scope="col">To</th><th scope="col">State</th><th scope="col">Attempts</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${o.messages.map((m) => messageRow(f, m, o.preview))}</tbody></table>`}
</section>
<section aria-labelledby="mail-h"><h2 id="mail-h">Mail settings</h2>
<form method="post" action="/console/notifications/settings" novalidate>
${hidden('csrf', f.csrf)}
${field({ name: 'senderName', label: 'Sender name', hint: 'The name your customers see as the sender. Empty: your brand.', value: v.senderName, error: o.errors.senderName, maxLength: 100 })}
${field({ name: 'replyTo', label: 'Reply-to address', hint: 'Where customers\u2019 replies go.', type: 'email', value: v.replyTo, error: o.errors.replyTo, maxLength: 255 })}
<div class="field${o.errors.footer ? ' invalid' : ''}"><label for="f-footer">Footer</label>
${o.errors.footer ? html`<p class="error" id="f-footer-error">${o.errors.footer}</p>` : ''}
<textarea id="f-footer" name="footer" rows="3">${v.footer}</textarea></div>
${field({ name: 'noticesTo', label: 'Your notices go to', hint: 'Funds below the threshold, the daily digest of orders waiting for you, failing webhooks. Empty: none.', type: 'email', value: v.noticesTo, error: o.errors.noticesTo, maxLength: 255 })}
${field({ name: 'fundsThreshold', label: 'Funds threshold', hint: 'Tell me when an authorization takes my funds below this amount, for example 100.00. Empty: never.', value: v.fundsThreshold, error: o.errors.fundsThreshold, maxLength: 15 })}
<button type="submit">Save mail settings</button>
</form></section>`,
  );
}

/** The settings form, checked: the settings, or the errors by field. */
function checkSettings(form: Form): { settings?: Parameters<typeof setBrand>[2]; errors: Record<string, string | undefined>; values: Record<string, string> } {
  const fields = Object.entries(SETTING_LIMITS).map(([name, max]) => ({ name, max, ...form.stored(name, max) }));
  const values = Object.fromEntries(fields.map((f) => [f.name, f.value])) as Record<keyof typeof SETTING_LIMITS, string>;
  const errors: Record<string, string | undefined> = {};
  // The rule of every parameter (no controls, no bidirectional overrides), and no line
  // separators: the name shows in every customer's From (outside attack on issue 17).
  if (form.hasNul('senderName') || !charactersAllowed('senderName', values.senderName) || /[\u2028\u2029]/.test(values.senderName)) {
    errors.senderName = 'The sender name cannot hold control characters.';
  }
  if (values.replyTo && !emailAddressValid(values.replyTo)) errors.replyTo = 'Enter an email address, like help@example.com.';
  if (form.hasNul('footer') || !charactersAllowed('footer', values.footer.replace(/\r?\n/g, ''))) errors.footer = 'The footer cannot hold control characters (line breaks are fine).';
  if (values.noticesTo && !emailAddressValid(values.noticesTo)) errors.noticesTo = 'Enter an email address, like ops@example.com.';
  // A value longer than its field is refused, never stored cut (outside attack on issue 18).
  for (const f of fields) if (f.overLong) errors[f.name] = `At most ${f.max} characters.`;
  const threshold = values.fundsThreshold ? parseCents(values.fundsThreshold) : null;
  if (threshold === undefined) errors.fundsThreshold = 'Enter an amount such as 100.00.';
  if (Object.values(errors).some((e) => e)) return { errors, values };
  const orNull = (t: string) => (t === '' ? null : t);
  return {
    settings: { senderName: orNull(values.senderName), replyTo: orNull(values.replyTo), footer: orNull(values.footer), noticesTo: orNull(values.noticesTo), fundsThresholdCents: threshold ?? null },
    errors,
    values,
  };
}

export const notifications: ConsolePage = (r) => {
  const show = async (reply: FastifyReply, s: Signed, view: SettingsView, errorCode = 0) => {
    const messages = await messagesOf(r.ctx.store.db, s.resellerId, LISTED);
    return sendPage(reply, notificationsPage(s.frame('notifications', 'Notifications', errorCode), { messages, preview: r.ctx.config.demo, ...view }), { errorCode });
  };
  const NOTICES: Record<string, string> = { saved: 'Mail settings saved.', retried: 'The message will be sent again.' };
  const settingsOf = async (s: Signed) => valuesOf((await brandOf(r.ctx.store.db, s.resellerId))!);
  r.get('/console/notifications', async (req, reply, s) => {
    const brand = (await brandOf(r.ctx.store.db, s.resellerId))!;
    return show(reply, s, { notice: NOTICES[queryForm(req).get('done') ?? ''], errors: {}, values: valuesOf(brand) });
  });
  r.post('/console/notifications/settings', async (req, reply, s) => {
    const checked = checkSettings(new Form(req.body));
    // -4 like every refused value; the page names the field at fault.
    if (!checked.settings) return show(reply, s, { errors: checked.errors, values: checked.values }, -4);
    await r.ctx.store.write((tx) => setBrand(tx, s.resellerId, checked.settings!));
    return redirect(reply, '/console/notifications?done=saved');
  });
  r.post('/console/notifications/retry', async (req, reply, s) => {
    const id = Number(new Form(req.body).get('id'));
    const retried = Number.isSafeInteger(id) && id > 0 ? await r.ctx.store.write((tx) => retryFailed(tx, s.resellerId, [id])) : 0;
    // Only a failed message of this reseller is sent again; anything else says so (-4), and
    // changes nothing (outside attack on issue 17: success was reported for any id).
    if (retried === 0) return show(reply, s, { notice: 'No failed message of yours has that number: nothing will be sent again.', errors: {}, values: await settingsOf(s) }, -4);
    return redirect(reply, '/console/notifications?done=retried');
  });
};
