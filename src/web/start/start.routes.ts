// GET / — the start page. Browsers (Accept: text/html) get an HTML page; everything else (curl,
// scripts, probes) gets the same facts as plain text whose first line is `errorCode=0`, so that
// the first line reads as an API answer does. Outside demo mode it names the service and links
// the console, the portal and the API's documentation, nothing more; with `serve --demo` it also
// says what is running and how to try it: the demo brands, their API users and password, an
// ordering link and the spec's HTML form for each, and the spec's URL example and curl sample.
import { resolve } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { DEMO_PASSWORD, DEMO_RESELLERS } from '../../seed/demo.js';
import { packageVersion } from '../../openapi/generate.js';
import { sendPage, securityHeaders } from '../page.js';
import { PLACE_ORDER_PATH, orderingUrl, productNames, siteBase, specForm } from '../ordering/ordering-links.js';
import { docsRoutes, loadDocs, type DocLink } from './docs.js';
import { SPEC_FORM_PRODUCTS, SPEC_FORM_REDIRECTS, START_LINK_PRODUCTS, specCurl, specUrl } from './spec-samples.js';
import { startPage, type DemoBrand, type DemoFacts, type StartView } from './start.page.js';
import { startText } from './start.text.js';

export function startRoutes(app: FastifyInstance, ctx: AppContext): void {
  const docs = loadDocs();
  // Read once: the version cannot change while the process runs.
  const version = ctx.config.demo ? packageVersion() : '';
  app.get('/', (req, reply) => {
    const view = startView(ctx, req, docs.links, version);
    reply.header('vary', 'Accept');
    if (prefersHtml(req.headers.accept)) {
      // The demo forms may send the browser on to a brand's registered pages (successURL).
      return sendPage(reply, startPage(view), { errorCode: 0, formTargets: view.demo ? demoOrigins() : [] });
    }
    return sendText(reply, startText(view));
  });
  docsRoutes(app, docs);
}

function startView(ctx: AppContext, req: FastifyRequest, docs: readonly DocLink[], version: string): StartView {
  const base = siteBase(ctx, req);
  if (!ctx.config.demo) return { base, docs: docs.filter((d) => d.api) };
  return { base, docs, demo: demoFacts(ctx, base, version) };
}

function demoFacts(ctx: AppContext, base: string, version: string): DemoFacts {
  const brands = DEMO_RESELLERS.map((r): DemoBrand => {
    const offer = { ap: r.ap, reseller: 'Y' as const };
    // The spec's form, as the spec writes it, for every brand: its successURL/errorURL are on
    // www.mydomain.com. A brand that registered that origin sends the browser there; any other
    // places the order just the same and shows a page with the outcome and a labelled link.
    const form = { ...offer, base, products: SPEC_FORM_PRODUCTS, redirects: SPEC_FORM_REDIRECTS, macAddress: true };
    return {
      ap: r.ap,
      login: r.login,
      origins: r.origins,
      orderingUrl: orderingUrl(base, { ...offer, products: START_LINK_PRODUCTS }),
      offered: productNames(ctx.catalog, START_LINK_PRODUCTS),
      formText: specForm(form).text,
      liveForm: specForm({ ...form, live: true }),
      redirectOrigin: SPEC_FORM_REDIRECTS.origin,
      redirectRegistered: r.origins.includes(SPEC_FORM_REDIRECTS.origin),
    };
  });
  return {
    version,
    dialect: ctx.store.dialect,
    database: databaseLocation(ctx.config.db, ctx.store.dialect),
    password: DEMO_PASSWORD,
    brands,
    curl: specCurl(base, PLACE_ORDER_PATH),
    specUrl: specUrl(base, PLACE_ORDER_PATH),
  };
}

function demoOrigins(): string[] {
  return [...new Set(DEMO_RESELLERS.flatMap((r) => r.origins))];
}

/**
 * Where the data lives, fit to show: a SQLite file as an absolute path; a PostgreSQL URL
 * without its password and without its query string (which may carry one, or key files).
 */
export function databaseLocation(db: string, dialect: 'sqlite' | 'postgres'): string {
  if (dialect === 'sqlite') return db === ':memory:' ? db : resolve(db);
  try {
    const u = new URL(db);
    return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'PostgreSQL (its URL cannot be shown)';
  }
}

/** True when the client lists an HTML type it accepts (q > 0); `*\/*` alone is not enough. */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (type !== 'text/html' && type !== 'application/xhtml+xml') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

function sendText(reply: FastifyReply, text: string): FastifyReply {
  reply.request.errorCode = 0;
  securityHeaders(reply, {});
  return reply.header('cache-control', 'no-store').header('x-placeorder-error-code', '0').type('text/plain; charset=utf-8').send(text);
}
