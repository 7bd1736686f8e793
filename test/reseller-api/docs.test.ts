// docs/api/reseller-endpoints.md agrees with the code: its error table holds every code the
// reseller endpoints can answer, each with the catalog's message, and it names every parameter
// of the typed table.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { errorByCode } from '../../src/errors.js';
import { RESELLER_ENDPOINTS } from '../../src/reseller-api/parameters.js';

const doc = readFileSync(fileURLToPath(new URL('../../docs/api/reseller-endpoints.md', import.meta.url)), 'utf8');

describe('docs/api/reseller-endpoints.md', () => {
  const section = doc.slice(doc.indexOf('## Errors of these endpoints'), doc.indexOf('## Decisions'));
  const rows = [...section.matchAll(/^\| (-\d+) \| `([^`]+)` \|/gm)].map((m) => [Number(m[1]), m[2]!] as const);

  it('the error table gives the catalog’s message for each code', () => {
    expect(rows.length).toBeGreaterThan(5);
    for (const [code, message] of rows) expect(message, String(code)).toBe(errorByCode(code)?.template);
  });

  it('every code an endpoint can answer is in the table', () => {
    const documented = new Set(rows.map(([code]) => code));
    for (const e of RESELLER_ENDPOINTS) for (const code of e.errorCodes) expect(documented.has(code), `${e.name} ${code}`).toBe(true);
  });

  it('names every endpoint and every parameter', () => {
    for (const e of RESELLER_ENDPOINTS) {
      expect(doc).toContain(`## \`!${e.name}\``);
      for (const p of e.params) expect(doc, `${e.name} ${p.name}`).toContain(`\`${p.name}\``);
    }
  });
});
