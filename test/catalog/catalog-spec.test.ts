// The catalog (src/catalog/catalog.json) pinned twice:
// 1. against the project's own table of the 65 pricing codes (products, terms, flags, rules);
// 2. against the published specification itself, when it is on this machine — an explicit
//    cross-check that reads ../shared/spec/placeorder-web-products.txt (or PLACEORDER_SPEC_DIR)
//    and compares both directions: every `x_PPP=` code of the spec with its product heading and
//    term line, and the spec's error table (code + exact message) against src/errors.ts.
//    Without the spec folder the cross-check says so on the console and is reported as skipped.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultCatalog, termLabel, type TermCode } from '../../src/catalog/catalog.js';
import { Errors } from '../../src/errors.js';
import { paramSpec } from '../../src/place-order/parameters.js';

const catalog = defaultCatalog();
const TERMS: readonly TermCode[] = ['30d', '45d', '90d', '1y', '2y', '3y', '4y', '5y'];

/** The project's own statement of the catalog: product → PPP code per term, and its rules. */
const EXPECTED: ReadonlyArray<{
  name: string;
  mainLicence: boolean;
  swp: boolean;
  oncePerAccount: boolean;
  requiredFields: string[];
  itemAttributes: string[];
  ppp: Partial<Record<TermCode, number>>;
}> = [
  { name: 'Sectigo Web Monitor', mainLicence: true, swp: true, oncePerAccount: false, requiredFields: ['emailAddress'], itemAttributes: ['visibility'], ppp: { '30d': 9675, '45d': 9686, '90d': 9697, '1y': 9600, '2y': 9601, '3y': 9602, '4y': 9603, '5y': 9604 } },
  { name: 'Sectigo Web Remediate', mainLicence: true, swp: true, oncePerAccount: false, requiredFields: ['emailAddress'], itemAttributes: ['visibility'], ppp: { '30d': 9676, '45d': 9687, '90d': 9698, '1y': 9605, '2y': 9606, '3y': 9607, '4y': 9608, '5y': 9609 } },
  { name: 'Sectigo Web Perform', mainLicence: true, swp: true, oncePerAccount: false, requiredFields: ['emailAddress'], itemAttributes: ['visibility'], ppp: { '30d': 9677, '45d': 9688, '90d': 9699, '1y': 9610, '2y': 9611, '3y': 9612, '4y': 9613, '5y': 9614 } },
  { name: 'Sectigo Web Complete', mainLicence: true, swp: true, oncePerAccount: false, requiredFields: ['emailAddress'], itemAttributes: ['visibility'], ppp: { '30d': 9678, '45d': 9689, '90d': 9700, '1y': 9615, '2y': 9616, '3y': 9617, '4y': 9618, '5y': 9619 } },
  { name: 'Sectigo Web Remediate Partner', mainLicence: true, swp: true, oncePerAccount: false, requiredFields: ['emailAddress', 'organizationName'], itemAttributes: ['visibility'], ppp: { '30d': 9717, '45d': 9718, '90d': 9719, '1y': 9720, '2y': 9721, '3y': 9722, '4y': 9723, '5y': 9724 } },
  { name: 'Sectigo Web Perform Partner', mainLicence: true, swp: true, oncePerAccount: false, requiredFields: ['emailAddress', 'organizationName'], itemAttributes: ['visibility'], ppp: { '30d': 9725, '45d': 9726, '90d': 9727, '1y': 9728, '2y': 9729, '3y': 9730, '4y': 9731, '5y': 9732 } },
  { name: 'Sectigo Web Complete Partner', mainLicence: true, swp: true, oncePerAccount: false, requiredFields: ['emailAddress', 'organizationName'], itemAttributes: ['visibility'], ppp: { '30d': 9733, '45d': 9734, '90d': 9735, '1y': 9736, '2y': 9737, '3y': 9738, '4y': 9739, '5y': 9740 } },
  { name: 'Sectigo Web One Time Remediate', mainLicence: false, swp: true, oncePerAccount: true, requiredFields: ['emailAddress'], itemAttributes: ['visibility'], ppp: { '1y': 9892 } },
  { name: 'Web DNS Pro', mainLicence: false, swp: false, oncePerAccount: false, requiredFields: ['emailAddress'], itemAttributes: ['visibility', 'MACAddress'], ppp: { '30d': 9971, '45d': 9972, '90d': 9973, '1y': 9974, '2y': 9975, '3y': 9976, '4y': 9977, '5y': 9978 } },
];

describe('the catalog against the project data', () => {
  it('has 9 products and 65 distinct PPP codes', () => {
    expect(catalog.products).toHaveLength(9);
    const codes = catalog.products.flatMap((p) => p.plans.map((plan) => plan.ppp));
    expect(codes).toHaveLength(65);
    expect(new Set(codes).size).toBe(65);
  });

  it.each(EXPECTED.map((e) => [e.name, e] as const))('%s: codes per term, flags, required fields, item attributes', (name, e) => {
    const product = catalog.products.find((p) => p.name === name);
    expect(product, name).toBeDefined();
    const byTerm = Object.fromEntries(product!.plans.map((plan) => [plan.term, plan.ppp]));
    expect(byTerm).toEqual(e.ppp);
    expect({
      mainLicence: product!.mainLicence,
      swp: product!.swp,
      oncePerAccount: product!.oncePerAccount,
      requiredFields: [...product!.requiredFields],
      itemAttributes: [...product!.itemAttributes],
    }).toEqual({
      mainLicence: e.mainLicence,
      swp: e.swp,
      oncePerAccount: e.oncePerAccount,
      requiredFields: e.requiredFields,
      itemAttributes: e.itemAttributes,
    });
    for (const plan of product!.plans) expect(catalog.plan(plan.ppp)?.product.name).toBe(name);
  });

  it('every plan has a consistent term (days xor years) and a positive integer price in cents', () => {
    for (const p of catalog.products) {
      for (const plan of p.plans) {
        expect(TERMS).toContain(plan.term);
        const days = { '30d': 30, '45d': 45, '90d': 90 }[plan.term as '30d'];
        if (days !== undefined) expect([plan.days, plan.years], `${plan.ppp}`).toEqual([days, undefined]);
        else expect([plan.days, plan.years], `${plan.ppp}`).toEqual([undefined, Number(plan.term[0])]);
        expect(Number.isSafeInteger(plan.listPriceCents) && plan.listPriceCents > 0, `${plan.ppp} price`).toBe(true);
      }
    }
    expect(termLabel(catalog.plan(9675)!)).toBe('30 days');
    expect(termLabel(catalog.plan(9974)!)).toBe('1 year');
    expect(termLabel(catalog.plan(9978)!)).toBe('5 years');
  });

  it('a longer term of one product never costs less than a shorter one', () => {
    for (const p of catalog.products) {
      const prices = [...p.plans].sort((a, b) => TERMS.indexOf(a.term) - TERMS.indexOf(b.term)).map((plan) => plan.listPriceCents);
      expect(prices, p.name).toEqual([...prices].sort((a, b) => a - b));
    }
  });

  it('unknown codes are not plans', () => {
    for (const ppp of [0, -1, 9599, 9620, 9741, 9891, 9893, 9970, 9979]) expect(catalog.plan(ppp)).toBeUndefined();
  });

  it('offers: the four codes of the offerCode parameter; only FREE_HP_UPGRADE applies to Web products (30-day SWP terms)', () => {
    expect(catalog.offers.map((o) => o.code).sort()).toEqual([...paramSpec('offerCode')!.allowed!].sort());
    const web = catalog.offers.filter((o) => o.webProducts);
    expect(web.map((o) => [o.code, o.appliesTo])).toEqual([['FREE_HP_UPGRADE', { swp: true, term: '30d' }]]);
  });

  it('the currency is an ISO 4217 code', () => {
    expect(catalog.currency).toMatch(/^[A-Z]{3}$/);
  });
});

// ---------------------------------------------------------------------------------------------
// The cross-check against the specification file.

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SPEC_DIR = process.env.PLACEORDER_SPEC_DIR ?? join(REPO_ROOT, '..', 'shared', 'spec');
const SPEC_FILE = join(SPEC_DIR, 'placeorder-web-products.txt');
const specPresent = existsSync(SPEC_FILE);
if (specPresent) console.log(`spec cross-check: reading ${SPEC_FILE}`);
else console.log('spec cross-check: ../shared/spec not found, skipped');

const TERM_LINE: Record<string, TermCode> = {
  '30-day': '30d', '45-day': '45d', '90-day': '90d',
  '1-year': '1y', '2-year': '2y', '3-year': '3y', '4-year': '4y', '5-year': '5y',
};

interface SpecPlan {
  ppp: number;
  product: string;
  term: TermCode;
}

/** Every `x_PPP=NNNN` line with the product heading and the term line above it. */
function specPlans(text: string): { plans: SpecPlan[]; allCodes: number[] } {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const plans: SpecPlan[] = [];
  let product: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const heading = /^All (.+) customers must supply emailAddress\.$/.exec(lines[i + 1] ?? '');
    if (heading && heading[1] === lines[i]) product = lines[i];
    const code = /^x_PPP=(\d+)$/.exec(lines[i]!);
    if (code) {
      const term = TERM_LINE[lines[i - 1] ?? ''];
      if (!product || !term) throw new Error(`x_PPP=${code[1]} without a product heading or term line above it`);
      plans.push({ ppp: Number(code[1]), product, term });
    }
  }
  const allCodes = [...text.matchAll(/x_PPP=(\d+)/g)].map((m) => Number(m[1]));
  return { plans, allCodes };
}

/** The spec's error table: each `-N` line followed by its message line. */
function specErrors(text: string): Map<number, string> {
  const section = text.slice(text.indexOf('Error Code Error Message Description'));
  const lines = section.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const out = new Map<number, string>();
  for (let i = 1; i < lines.length; i++) {
    if (/^-\d+$/.test(lines[i]!)) out.set(Number(lines[i]), lines[i + 1]!);
  }
  return out;
}

/** Our template as the spec writes it: the parameter placeholder is xxxx, xxx or 'errorItem'. */
function matchesSpecMessage(template: string, specMessage: string): boolean {
  const pattern = template
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace('\\{item\\}', '(?:xxxx|xxx|errorItem)')
    .replace('\\{date\\}', 'YYYY-MM-DD');
  return new RegExp(`^${pattern}$`).test(specMessage);
}

describe('the catalog and error catalog against the specification file', () => {
  const text = specPresent ? readFileSync(SPEC_FILE, 'utf8') : '';

  it.skipIf(!specPresent)('every x_PPP code of the spec is in the catalog with its product and term, and nothing else is', () => {
    const { plans, allCodes } = specPlans(text);
    // The parser saw every code the file mentions (none without a heading or term line).
    expect(plans.map((p) => p.ppp).sort()).toEqual([...allCodes].sort());
    expect(plans).toHaveLength(65);
    const fromSpec = new Map(plans.map((p) => [p.ppp, `${p.product} ${p.term}`]));
    const fromCatalog = new Map(
      catalog.products.flatMap((product) => product.plans.map((plan) => [plan.ppp, `${product.name} ${plan.term}`] as const)),
    );
    expect(fromCatalog).toEqual(fromSpec);
  });

  it.skipIf(!specPresent)('every product heading of the spec is a catalog product and requires emailAddress', () => {
    const headings = [...text.matchAll(/^All (.+) customers must supply emailAddress\.$/gm)].map((m) => m[1]!);
    expect(headings.sort()).toEqual(catalog.products.map((p) => p.name).sort());
    for (const p of catalog.products) expect(p.requiredFields).toContain('emailAddress');
  });

  it.skipIf(!specPresent)("the spec's error table and src/errors.ts agree on every code and message, both ways", () => {
    const spec = specErrors(text);
    expect(spec.size).toBeGreaterThanOrEqual(17);
    for (const [code, message] of spec) {
      const ours = Object.values(Errors).find((e) => e.code === code);
      expect(ours, `spec code ${code}`).toBeDefined();
      expect(matchesSpecMessage(ours!.template, message), `${code}: "${ours!.template}" vs spec "${message}"`).toBe(true);
    }
    const ourSpecCodes = Object.values(Errors).filter((e) => e.origin === 'spec').map((e) => e.code).sort((a, b) => a - b);
    expect(ourSpecCodes).toEqual([...spec.keys()].sort((a, b) => a - b));
  });
});
