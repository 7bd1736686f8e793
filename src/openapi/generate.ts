// The generated files and where they live, shared by `npm run gen` (gen.ts) and the test that
// fails when a committed copy is stale (test/openapi/generated.test.ts).
import { existsSync, readFileSync } from 'node:fs';
import { defaultCatalog, type Catalog } from '../catalog/catalog.js';
import { clientCodesSource } from './client-codes.js';
import { allEndpoints } from './endpoints.js';
import { buildOpenApi, openApiText } from './openapi.js';
import { forcedErrorsMarkdown } from '../sandbox/forced-errors.js';

export interface GeneratedFile {
  /** Relative to the repository root. */
  readonly path: string;
  readonly content: string;
}

/** The version of the API document: the server package's version. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function openApiDocument(catalog: Catalog = defaultCatalog(), version = packageVersion()) {
  return buildOpenApi({ version, endpoints: allEndpoints(catalog) });
}

const SANDBOX_START = '<!-- generated: sandbox forced errors (npm run gen) -->';
const SANDBOX_END = '<!-- end generated -->';

/** A hand-written file with one generated section between markers. */
function withSection(path: string, start: string, end: string, body: string): GeneratedFile {
  const url = new URL(`../../${path}`, import.meta.url);
  const text = existsSync(url) ? readFileSync(url, 'utf8') : `${start}\n${end}\n`;
  const i = text.indexOf(start);
  const j = text.indexOf(end, i);
  if (i < 0 || j < 0) throw new Error(`${path}: the markers of its generated section are missing`);
  return { path, content: `${text.slice(0, i + start.length)}\n${body}\n${text.slice(j)}` };
}

export function generatedFiles(): GeneratedFile[] {
  return [
    { path: 'docs/openapi.json', content: openApiText(openApiDocument()) },
    { path: 'packages/client/src/codes.generated.ts', content: clientCodesSource() },
    withSection('docs/integrators.md', SANDBOX_START, SANDBOX_END, forcedErrorsMarkdown()),
  ];
}
