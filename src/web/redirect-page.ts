// The answer for a successURL/errorURL on an origin the reseller has not registered (issue 16).
// The order is checked and placed exactly as with a registered target, but the browser is not
// sent anywhere by itself: an open redirect would let anyone use a reseller's brand to bounce
// customers to any site. It gets a page with the outcome — the same fields the redirect would
// have carried, the code in a meta tag and a header as every page — and a plainly labelled link
// to the URL, with the fields appended as the redirect would have appended them (unsigned: the
// reseller's secret vouches only for its registered pages). Like every answer it is a value
// (src/wire/answer.ts), so an Idempotency-Key replays it whole.
import { encodeUrlEncoded, type AnswerFields } from '../wire/form.js';
import { redirectLocation, type RedirectTarget } from '../wire/redirect.js';
import type { Answer } from '../wire/answer.js';
import { documentText, html } from './html.js';
import { pageHeaders, shell } from './page.js';

const TITLES = { placed: 'Your order was placed', refused: 'Your order was not placed' } as const;

export function unregisteredTargetAnswer(fields: AnswerFields, target: RedirectTarget, ap: string | undefined): Answer {
  const errorCode = Number(fields[0]![1]);
  const link = redirectLocation(target, encodeUrlEncoded(fields));
  const origin = target.origin;
  const title = errorCode === 0 ? TITLES.placed : TITLES.refused;
  const rows = fields.filter(([, value]) => value !== undefined).map(([name, value]) => html`<tr><th scope="row">${name}</th><td>${String(value)}</td></tr>`);
  const page = shell({
    title,
    errorCode,
    main: html`<h1>${title}</h1>
<table class="outcome"><caption>The answer</caption>${rows}</table>
<h2>Where to go next</h2>
<p>The shop asked to send you on to <strong>${origin}</strong>. That address is not registered
for ${ap ? html`<strong>${ap}</strong>` : 'this shop'}, so you are not sent there automatically.
Follow the link only if you trust it.</p>
<p><a class="button" rel="noreferrer nofollow" href="${link}">Continue to ${origin}</a></p>
<p class="hint">Full address: <code>${link}</code></p>`,
  });
  return {
    errorCode,
    status: 200,
    contentType: 'text/html; charset=utf-8',
    location: undefined,
    body: documentText(page),
    headers: pageHeaders({ errorCode }),
  };
}
