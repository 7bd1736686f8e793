// The generated files and where they live, shared by `npm run gen` (gen.ts) and the test that
// fails when a committed copy is stale (test/openapi/generated.test.ts).
import { readFileSync } from 'node:fs';
import { defaultCatalog, type Catalog } from '../catalog/catalog.js';
import { clientCodesSource } from './client-codes.js';
import { allEndpoints } from './endpoints.js';
import { buildOpenApi, openApiText } from './openapi.js';

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

export function generatedFiles(): GeneratedFile[] {
  return [
    { path: 'docs/openapi.json', content: openApiText(openApiDocument()) },
    { path: 'packages/client/src/codes.generated.ts', content: clientCodesSource() },
  ];
}
