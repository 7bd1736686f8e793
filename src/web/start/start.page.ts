// The start page's HTML. Rendering only: src/web/start/start.routes.ts gathers the facts.
import { html, type SafeHtml } from '../html.js';
import { shell } from '../page.js';
import type { DocLink } from './docs.js';

export interface DemoBrand {
  readonly ap: string;
  readonly login: string;
  readonly origins: readonly string[];
  readonly orderingUrl: string;
  /** What the ordering link offers, "Product, term" each. */
  readonly offered: readonly string[];
  /** The spec's form for this brand, as text to copy. */
  readonly formText: string;
  /** The same form, with labels and a button, to try here. */
  readonly liveForm: SafeHtml;
  /** The origin of the form's successURL/errorURL (the spec's www.mydomain.com). */
  readonly redirectOrigin: string;
  /** The brand registered it: the browser is redirected there; otherwise it gets a page with the outcome. */
  readonly redirectRegistered: boolean;
}

export interface DemoFacts {
  readonly version: string;
  readonly dialect: 'sqlite' | 'postgres';
  /** Path or URL, never with a password. */
  readonly database: string;
  readonly password: string;
  readonly brands: readonly DemoBrand[];
  readonly curl: string;
  /** The spec's URL example, pointed at this server. */
  readonly specUrl: string;
}

export interface StartView {
  /** This server's origin, as the browser reached it. */
  readonly base: string;
  readonly docs: readonly DocLink[];
  /** Present in demo mode only: outside it the page shows no data and no credentials. */
  readonly demo?: DemoFacts | undefined;
}

export const SERVICE_NAME = 'placeorder';
/** How an operator tops up a demo brand (the demo resellers start without funds). */
export const FUNDS_EXAMPLE = 'npx placeorder funds credit --ap resellerbrand --amount 500.00';
export const SERVICE_SUMMARY = 'The !PlaceOrder ordering system for Web products.';

export function startPage(v: StartView): SafeHtml {
  return shell({
    title: v.demo ? `${SERVICE_NAME} (demo)` : SERVICE_NAME,
    errorCode: 0,
    header: html`<span class="brand">${SERVICE_NAME}</span>
<nav aria-label="Sections"><ul class="nav"><li><a href="/console">Reseller console</a></li><li><a href="/account">Customer portal</a></li><li><a href="/openapi.json">API (OpenAPI)</a></li></ul></nav>`,
    main: html`<h1>${SERVICE_NAME}</h1>
<p>${SERVICE_SUMMARY}${v.demo ? ' This server runs in demo mode, with the resellers of the specification’s examples.' : ''}</p>
${v.demo ? running(v, v.demo) : ''}
${places(v)}
${v.demo ? demoSections(v.demo) : ''}`,
  });
}

function running(v: StartView, d: DemoFacts): SafeHtml {
  return html`<section aria-labelledby="running-h">
<h2 id="running-h">What is running</h2>
<dl class="facts">
<dt>Version</dt><dd>${d.version}</dd>
<dt>Database</dt><dd>${d.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'}: <code>${d.database}</code></dd>
<dt>API</dt><dd><code>${v.base}/products/!PlaceOrder</code> and the reseller endpoints beside it</dd>
</dl>
</section>`;
}

function places(v: StartView): SafeHtml {
  return html`<section aria-labelledby="places-h">
<h2 id="places-h">Where to go</h2>
<ul>
<li><a href="/console">Reseller console</a>: a reseller signs in with one of its API users to authorize orders, read its funds ledger and build ordering URLs.</li>
<li><a href="/account">Customer portal</a>: a customer signs in with the login name and password chosen when ordering, to see licences and renew them.</li>
<li><a href="/openapi.json">OpenAPI description</a> of every endpoint.</li>
${v.demo ? html`<li><a href="/notifications/preview">Emails</a>: without an SMTP relay (PLACEORDER_SMTP_URL) the demo writes its messages to customers and resellers as .eml files instead of sending them; read them here.</li>` : ''}
${v.docs.map((d) => html`<li><a href="/docs/${d.path}">${d.title}</a></li>`)}
</ul>
</section>`;
}

function demoSections(d: DemoFacts): SafeHtml {
  return html`<section aria-labelledby="demo-h">
<h2 id="demo-h">Demo resellers</h2>
<p>Each is validated and has one API user, for the console and the reseller endpoints (<code>!AutoAuthorize</code> and friends). The password of every demo API user is <code>${d.password}</code>.</p>
<p>They start without funds, and authorizing a <code>reseller=Y</code> order debits the reseller: before authorizing one in the console, top the brand up, for example <code>${FUNDS_EXAMPLE}</code> (add the server’s <code>--db</code> if it is not the default).</p>
<div class="table-wrap"><table class="stack">
<thead><tr><th scope="col">Brand (ap)</th><th scope="col">API user</th><th scope="col">Password</th><th scope="col">Redirect origins</th></tr></thead>
<tbody>${d.brands.map(
    (b) =>
      html`<tr><td data-label="Brand"><code>${b.ap}</code></td><td data-label="API user"><code>${b.login}</code></td><td data-label="Password"><code>${d.password}</code></td><td data-label="Origins">${b.origins.length > 0 ? b.origins.map((o) => html`<code>${o}</code> `) : 'none'}</td></tr>`,
  )}</tbody></table></div>
${d.brands.map((b, i) => brandSection(b, i))}
</section>
<section aria-labelledby="url-h">
<h2 id="url-h">The spec’s URL example against this server</h2>
<p><a href="${d.specUrl}">Open the spec’s URL example</a>: a <code>GET</code> with every parameter in the query. It orders one-year Web DNS Pro from <code>resellerbrand</code> for Fred Bloggs (<code>name</code> is sent twice; the first wins) as the customer <code>login_name</code>. The answer is the API’s url-encoded text, <code>errorCode=0&amp;orderNumber=…&amp;totalCost=48.99&amp;currency=USD</code> (some browsers save it as a file).</p>
<div class="field"><label for="url-sample">The URL</label><textarea id="url-sample" readonly rows="3">${d.specUrl}</textarea></div>
</section>
<section aria-labelledby="curl-h">
<h2 id="curl-h">The spec’s curl sample against this server</h2>
<div class="field"><label for="curl-sample">Paste it into a terminal</label><textarea id="curl-sample" readonly rows="12">${d.curl}</textarea></div>
<p>It orders one-year Web DNS Pro for a new customer, <code>login_name</code>, and answers <code>errorCode=0&amp;orderNumber=…&amp;totalCost=48.99&amp;currency=USD</code>. Run again, it places another order for the same customer (the name exists and the password is right).</p>
</section>`;
}

function brandSection(b: DemoBrand, i: number): SafeHtml {
  return html`<section aria-labelledby="brand-${i}-h">
<h3 id="brand-${i}-h">${b.ap}</h3>
<p><a href="${b.orderingUrl}">Ordering page of ${b.ap}: ${b.offered.join(' / ')}</a></p>
<div class="field"><label for="brand-${i}-url">Ordering URL</label><textarea id="brand-${i}-url" readonly rows="2">${b.orderingUrl}</textarea></div>
<div class="field"><label for="brand-${i}-form">The spec’s HTML form, pointed at this server</label><textarea id="brand-${i}-form" readonly rows="12">${b.formText}</textarea></div>
<p>${formOutcome(b)}</p>
<details><summary>Try the form here</summary>
<p class="hint">It places a real order in this demo database.</p>
${b.liveForm}
</details>
</section>`;
}

/**
 * What the customer who submits the brand's form sees (docs/api/place-order.md, "Redirects" and
 * "Redirect targets the reseller has not registered").
 */
function formOutcome(b: DemoBrand): SafeHtml {
  return b.redirectRegistered
    ? html`<code>${b.ap}</code> registered <code>${b.redirectOrigin}</code>, so the form sends the customer’s browser there: to the successURL with <code>errorCode=0&amp;orderNumber=…</code> appended, or on failure to the errorURL with the error. (The spec’s placeholder site is not part of this demo.)`
    : html`<code>${b.redirectOrigin}</code> is not registered for <code>${b.ap}</code>, so the customer’s browser is not sent there: the order is placed all the same, and the customer sees a page with the outcome (<code>errorCode</code>, <code>orderNumber</code>, …) and a link labelled “Continue to ${b.redirectOrigin}”. The console’s settings then offer to register the origin.`;
}
