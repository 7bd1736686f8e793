// The project's own documentation (docs/*.md), served read-only under /docs/ so that the start
// page can link to it. Plain text: Markdown reads well as it is, and no renderer (nor any
// markup built from these files) is needed. Only the files named below are served, read once
// at start-up; a build shipped without docs/ simply links none.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { securityHeaders } from '../page.js';

export interface DocLink {
  /** Path under /docs/. */
  readonly path: string;
  readonly title: string;
  /** Part of the API's documentation (linked even outside demo mode). */
  readonly api: boolean;
}

/** In README.md's order. */
const DOCS: ReadonlyArray<Omit<DocLink, 'title'>> = [
  { path: 'api/place-order.md', api: true },
  { path: 'api/reseller-endpoints.md', api: true },
  { path: 'integrators.md', api: true },
  { path: 'lifecycle.md', api: false },
  { path: 'web.md', api: false },
  { path: 'reliability.md', api: false },
  { path: 'operations.md', api: false },
  { path: 'decisions.md', api: false },
  { path: 'benchmarks.md', api: false },
];

/** src/web/start/ and dist/web/start/ are both three levels below the repository root. */
const DOCS_DIR = new URL('../../../docs/', import.meta.url);

export interface Docs {
  readonly links: readonly DocLink[];
  readonly texts: ReadonlyMap<string, string>;
}

export function loadDocs(dir: URL = DOCS_DIR): Docs {
  const links: DocLink[] = [];
  const texts = new Map<string, string>();
  for (const d of DOCS) {
    let text: string;
    try {
      text = readFileSync(new URL(d.path, dir), 'utf8');
    } catch {
      continue;
    }
    const heading = /^# (.+)$/m.exec(text)?.[1]?.replace(/`/g, '') ?? d.path;
    links.push({ ...d, title: heading });
    texts.set(d.path, text);
  }
  return { links, texts };
}

export function docsRoutes(app: FastifyInstance, docs: Docs): void {
  app.get('/docs/*', (req, reply) => {
    const text = docs.texts.get((req.params as { '*': string })['*']);
    // Anything not in the list is the ordinary unknown-path answer (-14, url-encoded).
    if (text === undefined) return reply.callNotFound();
    req.errorCode = 0;
    securityHeaders(reply, {});
    return reply
      .header('x-placeorder-error-code', '0')
      .header('cache-control', 'public, max-age=300')
      .type('text/plain; charset=utf-8')
      .send(text);
  });
}
