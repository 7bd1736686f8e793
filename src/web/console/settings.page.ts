// GET /console/settings: the reseller's redirect origins (and the unregistered ones seen in its
// orders), the API user's IP allowlist, and the password form. The forms post to
// ./settings.forms.ts, which shows this page again with their errors.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Errors } from '../../errors.js';
import { clientAddressOf } from '../../wire/client-address.js';
import { apiUserSettings } from '../../reseller-api/api-users.repository.js';
import { redirectOriginsOf } from '../../resellers/reseller-settings.repository.js';
import { recentOriginSightings } from '../../resellers/resellers.repository.js';
import { html, type SafeHtml } from '../html.js';
import { errorSummary, field, hidden, sendPage } from '../page.js';
import { queryForm } from '../request.js';
import { consolePage, notice, type ConsoleFrame } from './kit.js';
import type { ConsolePage, ConsoleRouter, Signed } from './router.js';

/** Unregistered redirect origins seen this recently are offered for registration (issue 16). */
const SIGHTINGS_SHOWN_DAYS = 30;

const NOTICES: Readonly<Record<string, string>> = {
  'origin-added': 'The origin was added.',
  'origin-removed': 'The origin was removed.',
  'ip-saved': 'The IP allowlist was saved.',
  password: 'Your password was changed. Other browsers signed in as you were signed out.',
};

export interface SettingsShown {
  readonly notice?: string | undefined;
  readonly errors?: Record<string, string | undefined>;
  readonly values?: Record<string, string | undefined>;
}

export const settings: ConsolePage = (r) => {
  r.get('/console/settings', (req, reply, s) => {
    const done = queryForm(req).text('done', 20);
    return showSettings(r, req, reply, s, { notice: Object.hasOwn(NOTICES, done) ? NOTICES[done] : undefined });
  });
};

export async function showSettings(r: ConsoleRouter, req: FastifyRequest, reply: FastifyReply, s: Signed, o: SettingsShown = {}): Promise<FastifyReply> {
  const { ctx } = r;
  const user = (await apiUserSettings(ctx.store.db, s.apiUserId))!;
  const failed = Object.values(o.errors ?? {}).some((v) => v);
  const code = failed ? Errors.INVALID_VALUE.code : 0;
  return sendPage(
    reply,
    settingsPage(s.frame('settings', 'Settings', code), {
      origins: await redirectOriginsOf(ctx.store.db, s.resellerId),
      seen: await recentOriginSightings(ctx.store.db, s.resellerId, new Date(ctx.clock.now().getTime() - SIGHTINGS_SHOWN_DAYS * 86_400_000).toISOString()),
      ipAllow: user.ipAllow,
      clientAddress: clientAddressOf(req.raw, ctx.config.trustedProxies),
      loginName: user.loginName,
      notice: o.notice,
      errors: o.errors ?? {},
      values: o.values ?? {},
    }),
    { errorCode: code },
  );
}

function settingsPage(
  f: ConsoleFrame,
  o: {
    origins: readonly string[];
    seen: ReadonlyArray<Sighting>;
    ipAllow: readonly string[];
    clientAddress: string;
    loginName: string;
    notice?: string | undefined;
    errors: Readonly<Record<string, string | undefined>>;
    values: Readonly<Record<string, string | undefined>>;
  },
): SafeHtml {
  return consolePage(
    f,
    html`<h1>Settings</h1>
${notice(o.notice)}
${errorSummary(
      'There is a problem',
      Object.entries(o.errors)
        .filter(([, v]) => v)
        .map(([k, v]) => ({ text: v!, href: `#f-${k}` })),
    )}
<section aria-labelledby="origins-h">
<h2 id="origins-h">Redirect origins</h2>
<p>successURL and errorURL may point only to these origins, and only these sites may show your ordering page in an iframe.</p>
${o.origins.length === 0 ? html`<p>None yet.</p>` : html`<ul>${o.origins.map(
      (origin) => html`<li><code>${origin}</code> <form method="post" action="/console/settings/origins/remove" class="inline">${hidden('csrf', f.csrf)}${hidden('origin', origin)}<button type="submit" class="secondary" aria-label="Remove ${origin}">Remove</button></form></li>`,
    )}</ul>`}
${seenOrigins(f, o.seen)}
<form method="post" action="/console/settings/origins/add">
${hidden('csrf', f.csrf)}
${field({ name: 'origin', label: 'Add an origin', hint: 'Scheme and host, for example https://shop.example', value: o.values.origin, error: o.errors.origin, maxLength: 255 })}
<button type="submit">Add origin</button>
</form>
</section>
<section aria-labelledby="ip-h">
<h2 id="ip-h">IP allowlist of ${o.loginName}</h2>
<p>Addresses or CIDR blocks this API user may call from and sign in from, one a line. Empty allows every address. You are connected from <code>${o.clientAddress}</code>.</p>
<form method="post" action="/console/settings/ip-allow">
${hidden('csrf', f.csrf)}
<div class="field${o.errors.ipAllow ? ' invalid' : ''}"><label for="f-ipAllow">Allowed addresses</label>
${o.errors.ipAllow ? html`<p class="error" id="f-ipAllow-error">${o.errors.ipAllow}</p>` : ''}
<textarea id="f-ipAllow" name="ipAllow" rows="4"${o.errors.ipAllow ? html` aria-invalid="true" aria-describedby="f-ipAllow-error"` : ''}>${o.values.ipAllow ?? o.ipAllow.join('\n')}</textarea></div>
<button type="submit">Save allowlist</button>
</form>
</section>
<section aria-labelledby="pw-h">
<h2 id="pw-h">Change password</h2>
<form method="post" action="/console/settings/password" novalidate>
${hidden('csrf', f.csrf)}
${field({ name: 'currentPassword', label: 'Current password', type: 'password', autocomplete: 'current-password', error: o.errors.currentPassword, maxLength: 128 })}
${field({ name: 'newPassword', label: 'New password', type: 'password', autocomplete: 'new-password', hint: '8 to 128 characters.', error: o.errors.newPassword, maxLength: 128 })}
${field({ name: 'confirmPassword', label: 'New password again', type: 'password', autocomplete: 'new-password', error: o.errors.confirmPassword, maxLength: 128 })}
<button type="submit">Change password</button>
</form>
</section>`,
  );
}

interface Sighting {
  origin: string;
  hits: number;
  last_seen_at: string;
  last_order_id: number | null;
}

/**
 * Origins of successURL/errorURL targets seen in orders but not registered (issue 16): their
 * customers were shown a link instead of being redirected. One click registers one, through the
 * same CSRF-protected form and strict origin check as typing it in.
 */
function seenOrigins(f: ConsoleFrame, seen: ReadonlyArray<Sighting>): SafeHtml {
  if (seen.length === 0) return html``;
  return html`<h3>Seen in your orders, not registered</h3>
<p>Orders placed under your brand named these origins in successURL or errorURL. Their customers were shown the outcome and a link instead of being sent there. Anyone can place an order under your brand: check the order, and register an origin only if the site is yours.</p>
<ul>${seen.map(
    (s) => html`<li><code>${s.origin}</code> (${s.hits} ${s.hits === 1 ? 'time' : 'times'}, last ${s.last_seen_at.slice(0, 10)}${s.last_order_id !== null ? html`, in <a href="/console/orders/${s.last_order_id}">order ${s.last_order_id}</a>` : ''}) <form method="post" action="/console/settings/origins/add" class="inline">${hidden('csrf', f.csrf)}${hidden('origin', s.origin)}<button type="submit" aria-label="Register ${s.origin}">Register</button></form></li>`,
  )}</ul>`;
}
