// GET /console/ordering-url: pick products, get an ordering URL, an HTML link and the spec's
// HTML form for them (src/web/ordering/ordering-links.ts), within the reseller's permitted PPPs.
import type { FastifyRequest } from 'fastify';
import type { Catalog } from '../../catalog/catalog.js';
import { Errors } from '../../errors.js';
import { html, type SafeHtml } from '../html.js';
import { orderingLink, orderingUrl, productNames, siteBase, specForm } from '../ordering/ordering-links.js';
import { termText } from '../ordering/ordering.page.js';
import { errorSummary, sendPage } from '../page.js';
import { queryForm } from '../request.js';
import { consolePage, type ConsoleFrame } from './kit.js';
import type { ConsolePage, ConsoleRouter, Signed } from './router.js';

/** Products one ordering URL may offer. */
const MAX_URL_PRODUCTS = 10;

interface Built {
  readonly url: string;
  readonly link: string;
  readonly form: string;
}

export const orderingUrls: ConsolePage = (r) => {
  r.get('/console/ordering-url', async (req, reply, s) => {
    const q = queryForm(req);
    const chosen = new Set(q.values('product').filter((v) => /^[0-9]{1,9}$/.test(v)).map(Number));
    const reseller = q.text('reseller', 1).toUpperCase() === 'N' ? 'N' : 'Y';
    let error: string | undefined;
    const ppps = [...chosen].filter((p) => r.ctx.catalog.plan(p));
    if (ppps.length > MAX_URL_PRODUCTS) error = `An ordering URL offers at most ${MAX_URL_PRODUCTS} products.`;
    else if (s.permittedPpp && ppps.some((p) => !s.permittedPpp!.has(p))) error = 'Your account may not sell some of these products.';
    const out = !error && ppps.length > 0 ? build(r, req, s, reseller, ppps) : undefined;
    return sendPage(
      reply,
      orderingUrlPage(s.frame('ordering-url', 'Ordering URLs', error ? Errors.INVALID_VALUE.code : 0), { catalog: r.ctx.catalog, chosen, reseller, ...out, error }),
      { errorCode: error ? Errors.INVALID_VALUE.code : 0 },
    );
  });
};

function build(r: ConsoleRouter, req: FastifyRequest, s: Signed, reseller: 'Y' | 'N', ppps: readonly number[]): Built {
  const base = siteBase(r.ctx, req);
  const url = orderingUrl(base, { ap: s.ap, reseller, products: ppps });
  const link = orderingLink(url, productNames(r.ctx.catalog, ppps)).text;
  const form = specForm({ base, ap: s.ap, reseller, products: ppps }).text;
  return { url, link, form };
}

function orderingUrlPage(
  f: ConsoleFrame,
  o: { catalog: Catalog; chosen: ReadonlySet<number>; reseller: 'Y' | 'N'; url?: string | undefined; link?: string | undefined; form?: string | undefined; error?: string | undefined },
): SafeHtml {
  return consolePage(
    f,
    html`<h1>Ordering URLs</h1>
<p>Pick products; the page gives you a link to send to customers or put on your website, and an HTML form like the one in the API description. Customers who open it see an order page for exactly those products.</p>
${o.error ? errorSummary('There is a problem', [{ text: o.error }]) : ''}
<form method="get" action="/console/ordering-url">
${o.catalog.products.map(
      (p) => html`<fieldset><legend>${p.name}</legend>${p.plans.map(
        (plan) => html`<div class="choice"><input type="checkbox" id="u-${plan.ppp}" name="product" value="${plan.ppp}"${o.chosen.has(plan.ppp) ? html` checked` : ''}><label for="u-${plan.ppp}">${termText(plan.term)} (PPP ${plan.ppp})</label></div>`,
      )}</fieldset>`,
    )}
<fieldset><legend>Who charges the customer</legend>
<div class="choice"><input type="radio" id="u-res-Y" name="reseller" value="Y"${o.reseller === 'Y' ? html` checked` : ''}><label for="u-res-Y">I do (reseller=Y): I authorize each order and my funds are debited</label></div>
<div class="choice"><input type="radio" id="u-res-N" name="reseller" value="N"${o.reseller === 'N' ? html` checked` : ''}><label for="u-res-N">The vendor does (reseller=N)</label></div>
</fieldset>
<button type="submit">Build the URL</button>
</form>
${o.url
      ? html`<h2>Your ordering URL</h2>
<div class="field"><label for="out-url">Ordering URL</label><textarea id="out-url" readonly rows="2">${o.url}</textarea></div>
<p><a href="${o.url}">Open the ordering page</a></p>
<div class="field"><label for="out-link">HTML link</label><textarea id="out-link" readonly rows="3">${o.link}</textarea></div>
<div class="field"><label for="out-form">HTML form</label><textarea id="out-form" readonly rows="12">${o.form}</textarea></div>
<p class="hint">Select the text and copy it (this console runs no scripts).</p>`
      : ''}`,
  );
}
